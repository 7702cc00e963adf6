"""Batch files uploaded in the portal: stored under ``<var>/uploads`` until processed, started as a
delivery of the one pipeline (a file already delivered resumes that delivery), processed by a task;
the feedback per record as a table and as CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from diplomaregister.core import clock, csvsafe
from diplomaregister.levering import files, pipeline
from diplomaregister.levering.models import Delivery, DeliveryRecord
from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_institution import tasks
from diplomaregister.portal_institution.models import Upload
from diplomaregister.portal_institution.rule_messages import worded

FEEDBACK_PAGE = 50


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def receive(org: Organisation, upload: UploadedFile, user_id: int | None) -> Delivery:
    """Store the file, check its header, start (or resume) its delivery and enqueue it.
    Raises ``ValueError`` (a wrong extension) and ``files.FileFormatError`` (an unreadable header)
    before anything is recorded."""
    fmt = files.file_format(upload.name or "")
    path = upload_dir() / f"{secrets.token_hex(16)}.{fmt}"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for block in upload.chunks():
            digest.update(block)
            out.write(block)
    try:
        files.check_header(path, fmt)
    except files.FileFormatError:
        path.unlink(missing_ok=True)
        raise
    delivery = pipeline.start(org, channel="upload", file_name=upload.name or "",
                              file_sha256=digest.hexdigest())  # fmt: skip
    total = _records_in(path) - (1 if fmt == "csv" else 0)
    record, _created = Upload.objects.update_or_create(
        delivery=delivery,
        defaults={"path": str(path), "file_format": fmt, "total": max(total, 0),
                  "uploaded_by": user_id, "uploaded_at": clock.now()},
    )  # fmt: skip
    if delivery.status == "done":
        path.unlink(missing_ok=True)
        Upload.objects.filter(pk=record.pk).update(path="")
    else:
        tasks.process_upload.enqueue(record.pk)
        delivery.refresh_from_db()
    return delivery


def _records_in(path: Path) -> int:
    """Lines in the file, the last one counted when it has no line end."""
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (0 if last == b"\n" else 1)


def progress(delivery: Delivery) -> tuple[int, int]:
    """(records done, records in the file)."""
    upload = Upload.objects.filter(delivery=delivery).first()
    total = upload.total if upload else sum(delivery.counts.values())
    done = total if delivery.status == "done" else min(delivery.next_index, total)
    return done, total


def feedback(
    delivery: Delivery, after: int | None = None
) -> tuple[list[DeliveryRecord], int | None]:
    """One page of per-record feedback by position, and the position to continue after."""
    rows = delivery.records.order_by("index")
    if after is not None:
        rows = rows.filter(index__gt=after)
    batch = list(rows[: FEEDBACK_PAGE + 1])
    more = len(batch) > FEEDBACK_PAGE
    batch = batch[:FEEDBACK_PAGE]
    return batch, (batch[-1].index if more and batch else None)


def _messages(items: list[Any], language: str) -> str:
    """The record's rules in the file's language (rule_messages: Dutch by rule code)."""
    return " | ".join(f"{v['field']}: {v['text']} ({v.get('rule', '')})"
                      for v in worded(items, language))  # fmt: skip


def feedback_csv(delivery: Delivery, language: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["record", "record_key", "outcome", "errors", "warnings"] if language == "en"
                    else ["record", "recordsleutel", "uitkomst", "fouten", "waarschuwingen"])  # fmt: skip
    for r in delivery.records.order_by("index").iterator(chunk_size=2000):
        writer.writerow([csvsafe.cell(str(v)) for v in (
            r.index + 1, r.record_key, r.outcome, _messages(r.violations, language),
            _messages(r.warnings, language))])  # fmt: skip
    return out.getvalue()
