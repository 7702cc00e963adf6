"""Writing the disclosure log. Called by the disclosure engine inside the transaction of the read:
if the row cannot be written, the disclosure fails with it (nothing buffered, nothing lost)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from diplomaregister.core import clock
from diplomaregister.core.keys import keyed_hash
from diplomaregister.core.logging import current_trace_id
from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek import chain
from diplomaregister.logboek.models import ChainHead, LogEntry, SubjectManifest


def subject_ref(number: str) -> str:
    """Keyed hash of a persoonsgebonden nummer (also of a number the register does not know):
    findable for the holder, unreadable in the log."""
    return keyed_hash("log-subject", number)


def new_trace_id() -> str:
    """The trace id of the request being served (so a log row and the request's log lines share
    it), else a new one."""
    return current_trace_id()[:64] or uuid.uuid4().hex


def _head() -> ChainHead:
    """The chain head, locked until the caller's transaction ends (one appender at a time)."""
    try:
        return ChainHead.objects.select_for_update().get(pk=1)
    except ChainHead.DoesNotExist:
        ChainHead.objects.get_or_create(pk=1)
        return ChainHead.objects.select_for_update().get(pk=1)


def log_disclosure(
    *,
    trace_id: str | None,
    basis: str,
    requester: Any,
    subject: str,
    fields: list[str],
    channel: str,
    outcome: str,
    record_count: int = 0,
    reason: str = "",
) -> LogEntry:
    """Append one row to the chain. ``requester`` is a verstrekking ``Requester`` (duck-typed).
    ``subject`` is the subject reference (:func:`subject_ref`), empty for bulk disclosures.
    Joins the caller's transaction without a savepoint: a failure here fails the disclosure."""
    with transaction.atomic(savepoint=False):
        return _append(trace_id=trace_id, basis=basis, requester=requester, subject=subject,
                       fields=fields, channel=channel, outcome=outcome, record_count=record_count,
                       reason=reason)  # fmt: skip


def _append(
    *,
    trace_id: str | None,
    basis: str,
    requester: Any,
    subject: str,
    fields: list[str],
    channel: str,
    outcome: str,
    record_count: int,
    reason: str,
) -> LogEntry:
    info = legal_bases().get(basis)
    organisation = getattr(requester, "organisation", None)
    values: dict[str, Any] = {
        "seq": 0,  # set by the chain head
        "occurred_at": clock.now().astimezone(dt.UTC),
        "trace_id": trace_id or new_trace_id(),
        "basis": basis[:32],
        "article": info.article if info else "",
        "recipient_kind": requester.kind,
        "recipient_label": (requester.label or (organisation.name if organisation else ""))[:200],
        "recipient_code": organisation.code if organisation else "",
        "client_id": getattr(requester, "client_id", None),
        "user_id": getattr(requester, "user_id", None),
        "subject_ref": subject,
        "fields": sorted(fields),
        "record_count": record_count,
        "channel": channel,
        "outcome": outcome,
        "reason": reason[:200],
    }
    extra = {
        "activity_nl": info.purpose_nl if info else "",
        "activity_en": info.purpose_en if info else "",
    }
    if connection.vendor == "postgresql":
        return _append_postgresql(values, extra)
    head = _head()
    values["seq"] = head.seq + 1
    digest = chain.row_hash(head.row_hash, values)
    entry = LogEntry.objects.create(**values, **extra, prev_hash=head.row_hash, row_hash=digest)
    head.seq, head.prev_hash, head.row_hash = values["seq"], head.row_hash, digest
    head.save(update_fields=["seq", "prev_hash", "row_hash"])
    return entry


_COLUMNS = [*chain.HASHED, "activity_nl", "activity_en"]
_APPEND_SQL = f"""
WITH head AS (
    UPDATE logboek_chainhead
       SET seq = seq + 1,
           prev_hash = row_hash,
           row_hash = encode(sha256(convert_to(row_hash || %(before)s || (seq + 1)::text || %(after)s, 'UTF8')), 'hex')
     WHERE id = 1
 RETURNING seq, prev_hash, row_hash
)
INSERT INTO logboek_logentry ({", ".join(_COLUMNS)}, prev_hash, row_hash)
SELECT head.seq, {", ".join(f"%({c})s" for c in _COLUMNS if c != "seq")}, head.prev_hash, head.row_hash
  FROM head
RETURNING id, seq, prev_hash, row_hash
"""  # noqa: S608 (fixed column names)


def _append_postgresql(values: dict[str, Any], extra: dict[str, str]) -> LogEntry:
    """One statement: advance the locked chain head, hash in SQL, insert the row. The hash input is
    the same canonical JSON as chain.canonical(), with the sequence number spliced in by SQL."""
    before, after = chain.canonical_around_seq(values)
    params = {
        **values,
        **extra,
        "fields": json.dumps(values["fields"]),
        "before": before,
        "after": after,
    }
    with connection.cursor() as cursor:
        cursor.execute(_APPEND_SQL, params)
        row = cursor.fetchone()
        if row is None:  # no chain head yet (new or flushed database)
            cursor.execute("INSERT INTO logboek_chainhead (id, seq, prev_hash, row_hash) "
                           "VALUES (1, 0, %s, %s) ON CONFLICT (id) DO NOTHING", [chain.GENESIS, chain.GENESIS])  # fmt: skip
            cursor.execute(_APPEND_SQL, params)
            row = cursor.fetchone()
    pk, seq, prev_hash, digest = row
    return LogEntry(pk=pk, **{**values, "seq": seq}, **extra, prev_hash=prev_hash, row_hash=digest)


MANIFEST_BATCH = 10_000


def write_manifest(entry: LogEntry, refs: Iterable[str]) -> int:
    """Record which subjects a bulk disclosure (export) contained, so each holder sees it, without
    one chained log row per person: COPY on PostgreSQL, batched inserts elsewhere. Call in the
    transaction of the log row."""
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_sql = "COPY logboek_subjectmanifest (entry_id, subject_ref) FROM STDIN"
            with cursor.copy(copy_sql) as copy:  # type: ignore[attr-defined]
                for ref in refs:
                    copy.write_row((entry.pk, ref))
                    count += 1
        return count
    batch: list[SubjectManifest] = []
    for ref in refs:
        batch.append(SubjectManifest(entry_id=entry.pk, subject_ref=ref))
        if len(batch) == MANIFEST_BATCH:
            SubjectManifest.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    SubjectManifest.objects.bulk_create(batch)
    return count + len(batch)
