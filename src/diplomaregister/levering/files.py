"""Batch files (VO-style deliveries): CSV (`;` or `,`, UTF-8 with or without BOM) and JSON Lines,
read as a stream: constant memory whatever the size."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from diplomaregister.core.hashing import sha256_of  # noqa: F401  (re-exported for callers)


def file_format(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lowered.endswith((".csv", ".txt")):
        return "csv"
    raise ValueError("Use a .csv or .jsonl file.")


MAX_LINE = 128 * 1024  # bytes; a longer line is reported and skipped


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, str | None, str]]:
    """(line number, text or None, error): invalid UTF-8 and over-long lines are reported per line
    and the rest of the file is still read."""
    number = 0
    while raw := stream.readline(MAX_LINE + 1):
        number += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while (more := stream.readline(MAX_LINE)) and not more.endswith(b"\n"):
                pass
            yield number, None, f"line {number} is longer than {MAX_LINE} bytes"
            continue
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield number, raw.decode("utf-8"), ""
        except UnicodeDecodeError:
            yield number, None, f"line {number} is not valid UTF-8"


class FileFormatError(ValueError):
    """The file as a whole cannot be read (e.g. its CSV header)."""


def _json_record(number: int, text: str) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return {"_error": f"line {number} is not valid JSON"}
    return record if isinstance(record, dict) else {"_error": f"line {number} is not an object"}


def _csv_reader(header: list[str], delimiter: str) -> Callable[[int, str], dict[str, Any]]:
    def record(number: int, text: str) -> dict[str, Any]:
        try:
            row = next(csv.reader([text], delimiter=delimiter, strict=True))
        except csv.Error:
            return {"_error": f"line {number} has broken quoting (one record per line)"}
        if len(row) > len(header):
            return {"_error": f"line {number} has more columns than the header"}
        return dict(zip(header, row, strict=False))

    return record


def read_records(stream: IO[bytes], fmt: str) -> Iterator[dict[str, Any]]:
    """One record per line. A line that cannot be read becomes ``{"_error": ...}`` (the pipeline
    rejects it with that reason) and does not stop the file."""
    lines = _lines(stream)
    if fmt == "jsonl":
        parse: Callable[[int, str], dict[str, Any]] = _json_record
    else:
        first = next(lines, None)
        if first is None:
            return
        if first[2] or first[1] is None:
            raise FileFormatError(f"The CSV header cannot be read: {first[2]}.")
        delimiter = ";" if first[1].count(";") > first[1].count(",") else ","
        header = next(csv.reader([first[1]], delimiter=delimiter, strict=True))
        if len(set(header)) != len(header):
            raise FileFormatError("The CSV header names a column twice.")
        parse = _csv_reader(header, delimiter)
    for number, text, error in lines:
        if error:
            yield {"_error": error}
        elif text is not None and text.strip():
            yield parse(number, text)


def check_header(path: Path, fmt: str) -> None:
    """Raise FileFormatError when a CSV file's header cannot be read (before anything is stored)."""
    if fmt != "csv":
        return
    with path.open("rb") as stream:
        records = read_records(stream, fmt)
        next(records, None)


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
