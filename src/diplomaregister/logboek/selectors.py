"""Reading the disclosure log: the holder's own rows, and filtered reads for supervisors."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.services import subject_ref
from diplomaregister.register.models import Person


def entries_for_subject(person: Person) -> QuerySet[LogEntry]:
    """Every disclosure of the person's data, newest first ("Wie heeft mijn gegevens bekeken")."""
    return LogEntry.objects.filter(subject_ref=subject_ref(person)).order_by("-seq")


def entries(
    *,
    basis: str | None = None,
    recipient: str | None = None,
    outcome: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[LogEntry]:
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
