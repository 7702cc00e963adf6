"""Batch files (VO-style deliveries): CSV (`;` or `,`, UTF-8 with or without BOM) and JSON Lines,
read as a stream: constant memory whatever the size."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_format(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lowered.endswith((".csv", ".txt")):
        return "csv"
    raise ValueError("Use a .csv or .jsonl file.")


def read_records(stream: IO[bytes], fmt: str) -> Iterator[dict[str, Any]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    if fmt == "jsonl":
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = {"_error": f"line {number} is not valid JSON"}
            yield (
                record
                if isinstance(record, dict)
                else {"_error": f"line {number} is not an object"}
            )
        return
    first = text.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter))
    for row in csv.reader(text, delimiter=delimiter):
        if row:
            yield dict(zip(header, row, strict=False))


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
