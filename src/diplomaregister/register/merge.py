"""When a person known by an onderwijsnummer receives a BSN: every fact moves to the BSN person,
history kept. The documents, enrolments and results (their identity rows) move; their version rows
are insert-only and keep the person they were delivered under (history); the onderwijsnummer
person points to the BSN person (``merged_into``), so a look-up by either number finds the person.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from diplomaregister.core import clock
from diplomaregister.core.pgn import PgnType, parse_pgn
from diplomaregister.register.models import (
    IDENTITY_COLUMNS,
    Change,
    Diploma,
    Enrolment,
    Person,
    PersonVersion,
    Result,
)


class MergeError(ValueError):
    pass


@transaction.atomic
def merge_person(
    onderwijsnummer: str, bsn: str, *, recorded_at: dt.datetime | None = None
) -> Person:
    recorded_at = recorded_at or clock.now()
    source_number = parse_pgn(onderwijsnummer, PgnType.ONDERWIJSNUMMER).number
    target_number = parse_pgn(bsn, PgnType.BSN).number
    source = Person.objects.select_for_update().filter(pgn=source_number).first()
    if source is None:
        raise MergeError("The register knows no person with this onderwijsnummer.")
    if source.merged_into_id:
        raise MergeError("This onderwijsnummer was merged before.")
    target = Person.objects.select_for_update().filter(pgn=target_number).first()
    if target is None:
        target = Person.objects.create(pgn=target_number, pgn_type=PgnType.BSN.value,
                                       created_at=recorded_at)  # fmt: skip
    if not target.versions.exists():
        latest = max(source.versions.all(), key=lambda v: v.version, default=None)
        if latest is not None:  # until the BRP says otherwise, the identity known so far
            PersonVersion.objects.create(
                person=target, version=1, valid_from=latest.valid_from, recorded_at=recorded_at,
                change=Change.NEW, source=f"merge:{source.pk}",
                **{f: getattr(latest, f) for f in IDENTITY_COLUMNS},
            )  # fmt: skip
    for model in (Diploma, Enrolment, Result):
        model.objects.filter(person=source).update(person=target)
    Person.objects.filter(merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    return target


def numbers_of(person: Person) -> list[str]:
    """Every number this person was known by (for the holder's log page)."""
    return [person.pgn, *Person.objects.filter(merged_into=person).values_list("pgn", flat=True)]
