"""Register reads, bitemporal. Portals and APIs do not call these for personal data directly: they go
through the disclosure engine (verstrekking), which calls these and logs what leaves the register."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections, router

from diplomaregister.core import clock
from diplomaregister.core.pgn import InvalidPgn, parse_pgn
from diplomaregister.register import _reads
from diplomaregister.register.history import resolve
from diplomaregister.register.models import (
    Diploma,
    DiplomaStatus,
    DiplomaVersion,
    Person,
    PersonVersion,
)


@dataclass(frozen=True)
class DiplomaState:
    """A document as it stands at one moment, with its full version list for history displays."""

    diploma: Diploma
    version: DiplomaVersion
    versions: tuple[DiplomaVersion, ...]

    @property
    def withdrawn(self) -> bool:
        return self.version.status == DiplomaStatus.WITHDRAWN

    @property
    def corrected(self) -> bool:
        return any(
            v.change == "correction" for v in self.versions if v.version <= self.version.version
        )


def person_by_pgn(pgn: str) -> Person | None:
    try:
        number = parse_pgn(pgn).number
    except InvalidPgn:
        return None
    return Person.objects.filter(pgn=number).first()


def person_key(number: str) -> tuple[int, int | None] | None:
    """(id, merged_into_id) of the person with this number, or None: two integers, no model."""
    db = router.db_for_read(Person) or "default"
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"SELECT id, merged_into_id FROM {Person._meta.db_table} WHERE pgn = %s",  # noqa: S608
            [number],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def person_for_disclosure(person_id: int) -> Person:
    """The person with this key (it must exist) with their identity versions and documents already
    read, all in one round trip (register._reads): what the engine projects from."""
    return _reads.person_with_documents(router.db_for_read(Person) or "default", person_id)


def identity(
    person: Person, *, valid_on: dt.date | None = None, known_on: dt.datetime | None = None
) -> PersonVersion | None:
    """Identifying data (art. 15) as it stands; versions are valid from the birth date on."""
    return resolve(person.versions.all(), valid_on=valid_on, known_on=known_on)


def diplomas_of_person(
    person: Person,
    *,
    valid_on: dt.date | None = None,
    known_on: dt.datetime | None = None,
    include_withdrawn: bool = False,
) -> list[DiplomaState]:
    """The person's documents on ``valid_on`` as the register knew them at ``known_on`` (default:
    now). Withdrawn documents are left out of "now" unless asked for; history still has them."""
    day = valid_on or clock.today()
    states = []
    for diploma, versions in _documents_with_versions(person):
        version = resolve(versions, valid_on=day, known_on=known_on)
        if version is None or version.date_of_issue > day:
            continue
        if version.status == DiplomaStatus.WITHDRAWN and not include_withdrawn:
            continue
        states.append(DiplomaState(diploma, version, versions))
    states.sort(key=lambda s: (s.version.date_of_issue, s.diploma.pk), reverse=True)
    return states


def _documents_with_versions(person: Person) -> list[tuple[Diploma, tuple[DiplomaVersion, ...]]]:
    """Every document of the person with all its versions and their grades: those read with the
    person (:func:`person_for_disclosure`), else read now in one round trip (register._reads)."""
    documents = _reads.documents_read_with(person)
    if documents is None:
        documents = _reads.documents(router.db_for_read(DiplomaVersion) or "default", person)
    return documents


def diploma_state(
    diploma: Diploma, *, valid_on: dt.date | None = None, known_on: dt.datetime | None = None
) -> DiplomaState | None:
    versions = tuple(diploma.versions.select_related("programme").order_by("version"))
    version = resolve(versions, valid_on=valid_on, known_on=known_on)
    return DiplomaState(diploma, version, versions) if version else None
