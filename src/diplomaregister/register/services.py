"""Register writes. Everything is an insert: a new record, a correction or a withdrawal adds a
version; nothing is updated in place or deleted. Each public function is atomic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction

from diplomaregister.core import clock
from diplomaregister.organisations.models import Organisation
from diplomaregister.register import decide
from diplomaregister.register.errors import RegisterValidationError, Violation
from diplomaregister.register.history import resolve
from diplomaregister.register.inputs import DiplomaData, PersonData
from diplomaregister.register.models import (
    Change,
    Diploma,
    DiplomaGrade,
    DiplomaStatus,
    DiplomaVersion,
    IdentityMismatch,
    Person,
    PersonVersion,
    Programme,
)
from diplomaregister.register.validation import validate_person

Action = Literal["created", "corrected", "unchanged"]


@dataclass(frozen=True)
class Outcome:
    action: Action
    diploma: Diploma
    version: DiplomaVersion
    warnings: tuple[Violation, ...] = ()


def upsert_person(data: PersonData, *, recorded_at: dt.datetime, source: str = "",
                  organisation: Organisation | None = None) -> tuple[Person, list[Violation]]:  # fmt: skip
    """Find or create the person by pgn and apply the identity decision (``decide.decide_identity``):
    returns the person and any warnings (``identity.mismatch``)."""
    problems = validate_person(data, recorded_at.date())
    if problems:
        raise RegisterValidationError(problems)
    return _apply_identity(data, recorded_at=recorded_at, source=source, organisation=organisation)


def _apply_identity(data: PersonData, *, recorded_at: dt.datetime, source: str,
                    organisation: Organisation | None) -> tuple[Person, list[Violation]]:  # fmt: skip
    """:func:`upsert_person` for a person already validated."""
    number, _kind = decide.pgn_of(data)
    person = Person.objects.select_for_update().filter(pgn=number).first()
    person = person.merged_into if person is not None and person.merged_into_id else person
    latest = max(person.versions.all(), key=lambda v: v.version, default=None) if person else None
    choice = decide.decide_identity(
        data, person, latest, organisation or _NO_ORG, recorded_at, source
    )
    if choice.new_person is not None:
        person = Person.objects.create(**choice.new_person)
    assert person is not None
    if choice.new_version is not None:
        PersonVersion.objects.create(person=person, **choice.new_version)
    if choice.mismatch and organisation is not None:
        IdentityMismatch.objects.create(person=person, organisation=organisation,
                                        fields=choice.mismatch, recorded_at=recorded_at, source=source)  # fmt: skip
    return person, choice.warnings


class _NoOrganisation:
    pk = None


_NO_ORG: Any = _NoOrganisation()


def _programme(sector: str, code: str) -> Programme | None:
    if not code:
        return None
    programme, _ = Programme.objects.get_or_create(
        sector=sector, code=code, defaults={"name_nl": code}
    )
    return programme


def write_version(diploma: Diploma, columns: dict[str, Any], grades: list[dict[str, Any]],
                  programme: Programme | None) -> DiplomaVersion:  # fmt: skip
    version = DiplomaVersion.objects.create(diploma=diploma, person_id=diploma.person_id,
                                            programme=programme, **columns)  # fmt: skip
    DiplomaGrade.objects.bulk_create(
        DiplomaGrade(diploma_version=version, person_id=diploma.person_id, **g) for g in grades
    )
    return version


@transaction.atomic
def record_diploma(
    person_data: PersonData,
    data: DiplomaData,
    *,
    organisation: Organisation,
    recorded_at: dt.datetime | None = None,
    source: str = "",
) -> Outcome:
    """Register a delivered document (art. 22). The same delivery again is a no-op; a delivery with
    the same record key but other data is a correction (a new version; the old stays visible)."""
    recorded_at = recorded_at or clock.now()
    problems = decide.validate(person_data, data, organisation, recorded_at.date())
    if problems:
        raise RegisterValidationError(problems)
    person, warnings = _apply_identity(person_data, recorded_at=recorded_at, source=source,
                                       organisation=organisation)  # validated above  # fmt: skip
    diploma = (
        Diploma.objects.select_for_update().select_related("person")
        .filter(organisation=organisation, record_key=data.record_key).first()
    )  # fmt: skip
    latest = max(diploma.versions.all(), key=lambda v: v.version) if diploma else None
    choice = decide.decide_diploma(
        data, organisation, holder_pgn=diploma.person.pgn if diploma else None,
        delivered_pgn=person.pgn, latest=latest, recorded_at=recorded_at, source=source,
    )  # fmt: skip
    if choice.action == "rejected":
        raise RegisterValidationError(choice.violations)
    warnings += choice.warnings  # fields outside the active scenario, not stored
    if choice.action == "unchanged":
        assert diploma is not None and latest is not None
        return Outcome("unchanged", diploma, latest, tuple(warnings))
    assert choice.version is not None
    if diploma is None:
        diploma = Diploma.objects.create(person=person, organisation=organisation,
                                         record_key=data.record_key, created_at=recorded_at)  # fmt: skip
    programme = _programme(choice.version["sector"], choice.programme_code)
    version = write_version(diploma, choice.version, choice.grades, programme)
    return Outcome(choice.action, diploma, version, tuple(warnings))  # type: ignore[arg-type]


@transaction.atomic
def withdraw_diploma(
    diploma: Diploma,
    *,
    effective_date: dt.date,
    reason: str,
    code: str = "",
    recorded_at: dt.datetime | None = None,
    source: str = "",
) -> DiplomaVersion:
    """Intrekking: a new version with status withdrawn from ``effective_date``; history stays."""
    recorded_at = recorded_at or clock.now()
    diploma = Diploma.objects.select_for_update().get(pk=diploma.pk)
    versions = list(diploma.versions.all())
    latest = max(versions, key=lambda v: v.version)
    if latest.status == DiplomaStatus.WITHDRAWN:
        return latest  # withdrawing twice changes nothing
    current = resolve(versions, valid_on=effective_date, known_on=recorded_at) or latest
    if effective_date < current.date_of_issue:
        raise RegisterValidationError(
            [
                Violation(
                    "effective_date",
                    "before_issue",
                    "A withdrawal cannot precede the date of issue.",
                )
            ]
        )
    columns = {f.name: getattr(current, f.name) for f in DiplomaVersion._meta.concrete_fields
               if f.name not in ("id", "diploma", "person", "programme")}  # fmt: skip
    row = decide.withdrawal_row(columns, number=latest.version + 1, effective_date=effective_date,
                                reason=reason, code=code, recorded_at=recorded_at, source=source)  # fmt: skip
    grades = [{f: getattr(g, f) for f in decide.GRADE_COLUMNS} for g in current.grades.all()]
    return write_version(diploma, row, grades, current.programme)


@transaction.atomic
def record_death(
    person: Person, death_date: dt.date, *, recorded_at: dt.datetime | None = None, source: str = ""
) -> PersonVersion:
    """Overlijdensdatum (art. 4 lid 1 onder g; art. 15 onder e): a new version of the identity."""
    recorded_at = recorded_at or clock.now()
    latest = max(person.versions.all(), key=lambda v: v.version)
    latest.pk = None
    latest._state.adding = True
    latest.version += 1
    latest.death_date = death_date
    latest.recorded_at = recorded_at
    latest.change = Change.DEATH
    latest.source = source
    latest.save(force_insert=True)
    return latest
