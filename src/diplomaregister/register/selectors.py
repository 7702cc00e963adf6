"""Register reads, bitemporal. Portals and APIs do not call these for personal data directly: they go
through the disclosure engine (verstrekking), which calls these and logs what leaves the register."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from diplomaregister.core import clock
from diplomaregister.core.pgn import InvalidPgn, parse_pgn
from diplomaregister.register.history import resolve
from diplomaregister.register.models import (
    Diploma,
    DiplomaGrade,
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
    """Every document of the person with all its versions and their grades, in two queries (the
    versions joined to their document, organisation and programme; then the grades), without the
    prefetch machinery: the look-up's hot path."""
    rows = list(
        DiplomaVersion.objects.filter(diploma__person=person)
        .select_related("diploma__organisation", "programme")
        .order_by("diploma_id", "version")
    )
    grades: dict[int, list[DiplomaGrade]] = {v.pk: [] for v in rows}
    if rows:
        for grade in DiplomaGrade.objects.filter(diploma_version_id__in=list(grades)).order_by(
            "pk"
        ):
            grades[grade.diploma_version_id].append(grade)
    documents: dict[int, tuple[Diploma, list[DiplomaVersion]]] = {}
    for version in rows:
        diploma, versions = documents.setdefault(version.diploma_id, (version.diploma, []))
        version.diploma = diploma  # one instance per document
        _cache_related(version, "grades", grades[version.pk])
        versions.append(version)
    return [(diploma, tuple(versions)) for diploma, versions in documents.values()]


def _cache_related(instance: DiplomaVersion, name: str, items: list[Any]) -> None:
    """What prefetch_related stores: ``instance.<name>.all()`` then answers from ``items``."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = items
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = {name: queryset}  # type: ignore[attr-defined]


def diploma_state(
    diploma: Diploma, *, valid_on: dt.date | None = None, known_on: dt.datetime | None = None
) -> DiplomaState | None:
    versions = tuple(diploma.versions.select_related("programme").order_by("version"))
    version = resolve(versions, valid_on=valid_on, known_on=known_on)
    return DiplomaState(diploma, version, versions) if version else None
