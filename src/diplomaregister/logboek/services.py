"""Writing the disclosure log. Called by the disclosure engine inside the transaction of the read:
if the row cannot be written, the disclosure fails with it (nothing buffered, nothing lost)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction

from diplomaregister.core import clock
from diplomaregister.core.keys import keyed_hash
from diplomaregister.law.loaders import legal_bases
from diplomaregister.logboek import chain
from diplomaregister.logboek.models import ChainHead, LogEntry
from diplomaregister.register.models import Person


def subject_ref(person: Person) -> str:
    """Keyed hash of the persoonsgebonden nummer: findable for the holder, unreadable in the log."""
    return keyed_hash("log-subject", person.pgn)


def new_trace_id() -> str:
    return uuid.uuid4().hex


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
    subject: Person | None,
    fields: list[str],
    channel: str,
    outcome: str,
    record_count: int = 0,
    reason: str = "",
) -> LogEntry:
    """Append one row to the chain. ``requester`` is a verstrekking ``Requester`` (duck-typed).
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
    subject: Person | None,
    fields: list[str],
    channel: str,
    outcome: str,
    record_count: int,
    reason: str,
) -> LogEntry:
    info = legal_bases().get(basis)
    organisation = getattr(requester, "organisation", None)
    head = _head()
    values: dict[str, Any] = {
        "seq": head.seq + 1,
        "occurred_at": clock.now().astimezone(dt.UTC),
        "trace_id": trace_id or new_trace_id(),
        "basis": basis[:32],
        "article": info.article if info else "",
        "recipient_kind": requester.kind,
        "recipient_label": (requester.label or (organisation.name if organisation else ""))[:200],
        "recipient_code": organisation.code if organisation else "",
        "client_id": getattr(requester, "client_id", None),
        "user_id": getattr(requester, "user_id", None),
        "subject_ref": subject_ref(subject) if subject is not None else "",
        "fields": sorted(fields),
        "record_count": record_count,
        "channel": channel,
        "outcome": outcome,
        "reason": reason[:200],
    }
    digest = chain.row_hash(head.row_hash, values)
    entry = LogEntry.objects.create(
        **values,
        activity_nl=info.purpose_nl if info else "",
        activity_en=info.purpose_en if info else "",
        prev_hash=head.row_hash,
        row_hash=digest,
    )
    head.seq, head.row_hash = values["seq"], digest
    head.save(update_fields=["seq", "row_hash"])
    return entry
