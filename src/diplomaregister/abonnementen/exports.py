"""Bulk exports for bases whose mode is ``bulk_export`` (art. 47 pseudonymised, art. 55 CBS, ...):
the register's current documents, only the basis's fields, streamed in chunks (constant memory),
written to a temporary file that is renamed at the end (a crash leaves no half file), one log row.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from diplomaregister.logboek.services import log_disclosure, new_trace_id
from diplomaregister.register.history import in_force, resolve
from diplomaregister.register.models import DiplomaVersion, PersonVersion
from diplomaregister.register.selectors import DiplomaState
from diplomaregister.verstrekking import projection
from diplomaregister.verstrekking.engine import PERSON_LEVEL, BasisNotAllowed, Requester, _basis
from diplomaregister.verstrekking.pseudonyms import pseudonym

CHUNK = 5000


def columns(fields: tuple[str, ...], pseudonymised: bool) -> list[str]:
    person = [f for f in fields if f in PERSON_LEVEL and f != "ho_document_since_1996"]
    return (
        (["pseudonym"] if pseudonymised else [])
        + person
        + [f for f in fields if f not in PERSON_LEVEL]
    )


def rows(requester: Requester, basis: str, year: int | None = None) -> Iterator[dict[str, Any]]:
    rule = _basis(requester, basis, "export")
    assert requester.organisation is not None
    code = requester.organisation.code
    person_fields = tuple(f for f in rule.fields if f in PERSON_LEVEL)
    diploma_fields = tuple(f for f in rule.fields if f not in PERSON_LEVEL)
    current = in_force(DiplomaVersion.objects.all(), "diploma")
    if year:
        current = current.filter(date_of_issue__year=year)
    ids = current.order_by("pk").values_list("pk", flat=True)
    chunk: list[int] = []
    for pk in ids.iterator(chunk_size=CHUNK):
        chunk.append(pk)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk, rule.pseudonymised, code, person_fields, diploma_fields)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, rule.pseudonymised, code, person_fields, diploma_fields)


def _chunk_rows(ids: list[int], pseudonymised: bool, code: str, person_fields: tuple[str, ...],
                diploma_fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:  # fmt: skip
    versions = list(
        DiplomaVersion.objects.filter(pk__in=ids)
        .select_related("diploma__organisation", "programme", "person")
        .prefetch_related("grades")
        .order_by("pk")
    )
    identities: dict[int, list[PersonVersion]] = {}
    for pv in PersonVersion.objects.filter(person_id__in={v.person_id for v in versions}):
        identities.setdefault(pv.person_id, []).append(pv)
    for version in versions:
        out: dict[str, Any] = {}
        if pseudonymised:
            out["pseudonym"] = pseudonym(code, version.person.pgn)
        person = projection.person_values(
            version.person, resolve(identities.get(version.person_id, []))
        )
        out.update(projection.project(person, person_fields))
        state = DiplomaState(version.diploma, version, (version,))
        out.update(projection.project(projection.diploma_values(state), diploma_fields))
        yield out


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, cls=DjangoJSONEncoder)
    return "" if value is None else str(value)


def export(requester: Requester, basis: str, out: Path, fmt: str = "csv", *, year: int | None = None,
           progress: Callable[[int], Any] | None = None) -> int:  # fmt: skip
    """Write the export; returns the number of rows. Raises BasisNotAllowed (logged as refused)."""
    trace = new_trace_id()
    try:
        rule = _basis(requester, basis, "export")
    except BasisNotAllowed as error:
        log_disclosure(trace_id=trace, basis=basis, requester=requester, subject=None, fields=[],
                       channel="export", outcome="refused", reason=str(error))  # fmt: skip
        raise
    header = columns(rule.fields, rule.pseudonymised)
    handle, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(handle)
    tmp = Path(tmp_name)
    count = 0
    try:
        with transaction.atomic():  # one snapshot, and the log row commits with it
            if fmt == "parquet":
                count = _write_parquet(rows(requester, basis), header, tmp, progress)
            else:
                count = _write_csv(rows(requester, basis), header, tmp, progress)
            log_disclosure(trace_id=trace, basis=basis, requester=requester, subject=None,
                           fields=[c for c in header if c != "pseudonym"], channel="export",
                           outcome="disclosed", record_count=count)  # fmt: skip
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _write_csv(
    source: Iterator[dict[str, Any]], header: list[str], path: Path, progress: Any
) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for row in source:
            writer.writerow([_cell(row.get(c)) for c in header])
            count += 1
            if progress and count % 1000 == 0:
                progress(1000)
    if progress:
        progress(count % 1000)
    return count


def _write_parquet(
    source: Iterator[dict[str, Any]], header: list[str], path: Path, progress: Any
) -> int:
    schema = pa.schema([(c, pa.string()) for c in header])
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in source:
            batch.append({c: _cell(row.get(c)) for c in header})
            if len(batch) == CHUNK:
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
