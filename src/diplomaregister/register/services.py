"""Register writes. Everything is an insert: a new record, a correction or a withdrawal adds a
version; nothing is updated in place or deleted. Each public function is atomic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from django.db import transaction

from diplomaregister.core import clock
from diplomaregister.core.pgn import PgnType, parse_pgn
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.errors import RegisterValidationError, Violation
from diplomaregister.register.history import resolve
from diplomaregister.register.inputs import DiplomaData, GradeData, PersonData
from diplomaregister.register.models import (
    Change,
    Diploma,
    DiplomaGrade,
    DiplomaStatus,
    DiplomaVersion,
    Person,
    PersonVersion,
    Programme,
)
from diplomaregister.register.validation import sector_for, validate_diploma, validate_person

Action = Literal["created", "corrected", "unchanged"]


@dataclass(frozen=True)
class Outcome:
    action: Action
    diploma: Diploma
    version: DiplomaVersion


def _person_fields(data: PersonData) -> dict[str, object]:
    return {
        "family_name": data.family_name.strip(),
        "given_names": data.given_names.strip(),
        "gender": data.gender,
        "birth_date": data.birth_date,
    }


def upsert_person(data: PersonData, *, recorded_at: dt.datetime, source: str = "") -> Person:
    """Find or create the person by pgn; a changed name/gender/birth date becomes a new version."""
    problems = validate_person(data)
    if problems:
        raise RegisterValidationError(problems)
    pgn = parse_pgn(data.pgn, PgnType(data.pgn_type) if data.pgn_type else None)
    person, created = Person.objects.get_or_create(
        pgn=pgn.number, defaults={"pgn_type": pgn.type.value, "created_at": recorded_at}
    )
    fields = _person_fields(data)
    versions = list(person.versions.all()) if not created else []
    latest = max(versions, key=lambda v: v.version, default=None)
    if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
        return person
    assert data.birth_date is not None  # checked by validate_person
    PersonVersion.objects.create(
        person=person,
        version=(latest.version + 1) if latest else 1,
        valid_from=data.birth_date,
        recorded_at=recorded_at,
        change=Change.CORRECTION if latest else Change.NEW,
        source=source,
        death_date=latest.death_date if latest else None,
        **fields,
    )
    return person


def _programme(sector: str, code: str) -> Programme | None:
    if not code:
        return None
    programme, _ = Programme.objects.get_or_create(
        sector=sector, code=code, defaults={"name_nl": code}
    )
    return programme


def _as_input(version: DiplomaVersion) -> DiplomaData:
    """Rebuild the delivered form of a stored version, to compare with a new delivery."""
    return DiplomaData(
        record_key=version.diploma.record_key,
        kind=version.kind,
        date_of_issue=version.date_of_issue,
        sector=version.sector,
        exam_date=version.exam_date,
        programme_code=version.programme.code if version.programme else "",
        vo_profile=version.vo_profile,
        vo_leerweg=version.vo_leerweg,
        mbo_level=version.mbo_level,
        mbo_leerweg=version.mbo_leerweg,
        ho_degree=version.ho_degree,
        ho_exam_type=version.ho_exam_type,
        overige_gegevens=version.overige_gegevens,
        grades=[
            GradeData(
                g.subject_code,
                g.subject_name,
                g.school_exam_grade,
                g.central_exam_grade,
                g.final_grade,
            )
            for g in version.grades.all()
        ],
    )


def _write_version(
    diploma: Diploma,
    data: DiplomaData,
    *,
    number: int,
    change: str,
    recorded_at: dt.datetime,
    source: str,
    valid_from: dt.date | None = None,
) -> DiplomaVersion:
    sector = sector_for(data, diploma.organisation)
    assert data.date_of_issue is not None  # checked by validate_diploma
    version = DiplomaVersion.objects.create(
        diploma=diploma,
        person_id=diploma.person_id,
        version=number,
        valid_from=valid_from or data.date_of_issue,
        recorded_at=recorded_at,
        change=change,
        source=source,
        status=DiplomaStatus.VALID,
        kind=data.kind,
        sector=sector,
        date_of_issue=data.date_of_issue,
        exam_date=data.exam_date,
        programme=_programme(sector, data.programme_code),
        vo_profile=data.vo_profile,
        vo_leerweg=data.vo_leerweg,
        mbo_level=data.mbo_level,
        mbo_leerweg=data.mbo_leerweg,
        ho_degree=data.ho_degree,
        ho_exam_type=data.ho_exam_type,
        overige_gegevens=data.overige_gegevens,
    )
    DiplomaGrade.objects.bulk_create(
        DiplomaGrade(
            diploma_version=version,
            person_id=diploma.person_id,
            subject_code=g.subject_code,
            subject_name=g.subject_name,
            school_exam_grade=g.school_exam_grade,
            central_exam_grade=g.central_exam_grade,
            final_grade=g.final_grade,
        )
        for g in data.grades
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
    problems = validate_person(person_data) + validate_diploma(
        data, organisation, recorded_at.date()
    )
    if problems:
        raise RegisterValidationError(problems)
    person = upsert_person(person_data, recorded_at=recorded_at, source=source)
    diploma = (
        Diploma.objects.select_for_update()
        .filter(organisation=organisation, record_key=data.record_key)
        .first()
    )
    if diploma is None:
        diploma = Diploma.objects.create(
            person=person,
            organisation=organisation,
            record_key=data.record_key,
            created_at=recorded_at,
        )
        version = _write_version(
            diploma, data, number=1, change=Change.NEW, recorded_at=recorded_at, source=source
        )
        return Outcome("created", diploma, version)
    if diploma.person_id != person.pk:
        raise RegisterValidationError(
            [
                Violation(
                    "pgn",
                    "record_key.other_person",
                    "This record key is registered for another person; withdraw it and deliver "
                    "the document under a new record key.",
                )
            ]
        )
    latest = max(diploma.versions.all(), key=lambda v: v.version)
    if latest.status == DiplomaStatus.WITHDRAWN:
        raise RegisterValidationError(
            [
                Violation(
                    "record_key", "withdrawn", "The document was withdrawn; it cannot be corrected."
                )
            ]
        )
    delivered = replace(data, sector=sector_for(data, organisation))
    if _as_input(latest).comparable() == delivered.comparable():
        return Outcome("unchanged", diploma, latest)
    version = _write_version(
        diploma,
        data,
        number=latest.version + 1,
        change=Change.CORRECTION,
        recorded_at=recorded_at,
        source=source,
        # A correction replaces the whole earlier story, also when it moves the date of issue.
        valid_from=min(latest.valid_from, data.date_of_issue),  # type: ignore[type-var]
    )
    return Outcome("corrected", diploma, version)


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
    grades = list(current.grades.all())
    current.pk = None
    current._state.adding = True
    current.version = latest.version + 1
    current.valid_from = effective_date
    current.valid_to = None
    current.recorded_at = recorded_at
    current.change = Change.WITHDRAWAL
    current.source = source
    current.status = DiplomaStatus.WITHDRAWN
    current.withdrawal_reason = reason
    current.withdrawal_code = code
    current.save(force_insert=True)
    for grade in grades:
        grade.pk = None
        grade.diploma_version = current
    DiplomaGrade.objects.bulk_create(grades)
    return current


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
