"""Bulk exports for bases whose mode is ``bulk_export`` (art. 23, 26, 40, 41, 47, 51, 52 pseudonymised;
art. 34, 55 CBS): one row per person, documents nested, streamed from the disclosure engine
(``disclose_stream``, channel export) in chunks (constant memory; on PostgreSQL the CSV lines and
the Parquet cells come as text from the database: ``ExportStream.copy_csv``, ``cell_batches``),
written to a temporary file that is renamed at the end (a crash leaves no half file). The engine writes one log row and a subject
manifest, so each holder sees the export on their log page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.core.serializers.json import DjangoJSONEncoder

from diplomaregister.core import csvsafe
from diplomaregister.verstrekking.engine import Requester, disclose_stream

BATCH = 5000


def _cell(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_cell(value: Any) -> str:
    """Text that a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    return csvsafe.cell(_cell(value))


def export(requester: Requester, basis: str, out: Path, fmt: str = "csv", *, year: int | None = None,
           peildatum: dt.date | None = None, progress: Callable[[int], Any] | None = None) -> int:  # fmt: skip
    """Write the export; returns the number of rows (persons). Raises NotDisclosed (logged)."""
    context = disclose_stream(requester=requester, basis=basis, channel="export",
                              peildatum=peildatum, year=year)  # fmt: skip
    handle, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        with context as stream:
            writer = _write_parquet if fmt == "parquet" else _write_csv
            count = writer(stream, stream.columns, tmp, progress)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _write_csv(rows: Iterable[dict[str, Any]], header: list[str], path: Path, progress: Any) -> int:
    copies = getattr(rows, "copies_csv", None)
    if copies and copies():  # PostgreSQL: the engine's stream writes the very same lines itself
        with path.open("wb") as handle:
            text = io.StringIO(newline="")
            csv.writer(text, delimiter=";").writerow(header)
            handle.write(text.getvalue().encode())
            return int(rows.copy_csv(handle, progress))  # type: ignore[attr-defined]
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_cell(row.get(c)) for c in header])
            count += 1
            if progress and count % 1000 == 0:
                progress(1000)
    if progress:
        progress(count % 1000)
    return count


def _write_parquet(
    rows: Iterable[dict[str, Any]], header: list[str], path: Path, progress: Any
) -> int:
    schema = pa.schema([(c, pa.string()) for c in header])
    count = 0
    copies = getattr(rows, "copies_csv", None)
    if copies and copies():  # PostgreSQL: the cells as text from the database, a batch at a time
        with pq.ParquetWriter(path, schema) as writer:
            for columns in rows.cell_batches(BATCH):  # type: ignore[attr-defined]
                arrays = [pa.array(column, pa.string()) for column in columns]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                count += len(columns[0])
                if progress:
                    progress(len(columns[0]))
        return count
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append({c: _cell(row.get(c)) for c in header})
            if len(batch) == BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
            if progress:
                progress(len(batch))
    return count
