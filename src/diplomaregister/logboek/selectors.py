"""Reading the disclosure log: the holder's own rows, and filtered reads for supervisors."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from diplomaregister.logboek import gate
from diplomaregister.logboek.models import LogEntry, SubjectManifest
from diplomaregister.logboek.services import subject_ref


def entries_for_subject(*numbers: str) -> QuerySet[LogEntry]:
    """Every disclosure of the data of the person known by these persoonsgebonden nummers (a BSN and
    an onderwijsnummer merged into it), newest first ("Wie heeft mijn gegevens bekeken"): rows about
    them, and bulk exports that contained them."""
    gate.settle()  # this request's own rows first
    refs = [subject_ref(number) for number in numbers]
    bulk = SubjectManifest.objects.filter(subject_ref__in=refs).values("entry_id")
    return LogEntry.objects.filter(Q(subject_ref__in=refs) | Q(pk__in=bulk)).order_by(
        "-occurred_at", "-id"
    )


def entries(
    *,
    basis: str | None = None,
    recipient: str | None = None,
    outcome: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[LogEntry]:
    gate.settle()
    rows = LogEntry.objects.all()
    if basis:
        rows = rows.filter(basis=basis)
    if recipient:
        rows = rows.filter(recipient_code=recipient)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if since:
        rows = rows.filter(occurred_at__gte=since)
    if until:
        rows = rows.filter(occurred_at__lt=until)
    return rows
