"""Set-based form of :func:`register.services.record_diploma` for a chunk of deliveries of one
organisation: the same rules and the same rows, with a handful of queries per chunk instead of a
dozen per document. Callers run it inside a transaction (levering does, per chunk).

Returns ``None`` when the chunk cannot be decided set-wise (the same record key twice, or one
person delivered with two different identities): the caller then uses the per-record service.
A test applies both to the same deliveries and compares the resulting register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from diplomaregister.core.pgn import PgnType, parse_pgn
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.errors import Violation
from diplomaregister.register.inputs import DiplomaData, PersonData
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
from diplomaregister.register.services import _as_input, _person_fields
from diplomaregister.register.validation import sector_for, validate_diploma, validate_person


@dataclass
class Result:
    action: str  # created | corrected | unchanged | rejected
    violations: list[Violation]


def _pgn(data: PersonData) -> tuple[str, str]:
    parsed = parse_pgn(data.pgn, PgnType(data.pgn_type) if data.pgn_type else None)
    return parsed.number, parsed.type.value


def record_diplomas(
    items: list[tuple[PersonData, DiplomaData]],
    *,
    organisation: Organisation,
    recorded_at: dt.datetime,
    source: str = "",
) -> list[Result] | None:
    results: list[Result | None] = [None] * len(items)
    valid: list[int] = []
    for i, (person_in, diploma_in) in enumerate(items):
        problems = validate_person(person_in) + validate_diploma(
            diploma_in, organisation, recorded_at.date()
        )
        if problems:
            results[i] = Result("rejected", problems)
        else:
            valid.append(i)
    keys = [items[i][1].record_key for i in valid]
    if len(set(keys)) != len(keys):
        return None  # the same document twice in one chunk: decide record by record
    diplomas = {d.record_key: d for d in Diploma.objects.select_for_update().select_related("person").filter(
        organisation=organisation, record_key__in=keys)}  # fmt: skip
    latest = _latest_versions(list(diplomas.values()))
    decisions: dict[int, tuple[int, str, dt.date] | None] = {}
    for i in valid:
        person_data, data = items[i]
        diploma = diplomas.get(data.record_key)
        if diploma is None:
            results[i] = Result("created", [])
            decisions[i] = (1, Change.NEW, data.date_of_issue)  # type: ignore[assignment]
        else:
            results[i], decisions[i] = _decide(
                diploma, _pgn(person_data)[0], data, latest[diploma.pk], organisation
            )
    kept = [i for i in valid if results[i] is not None and results[i].action != "rejected"]  # type: ignore[union-attr]
    identities: dict[str, tuple[str, dict[str, object]]] = {}
    for i in kept:
        number, kind = _pgn(items[i][0])
        fields = _person_fields(items[i][0])
        if identities.setdefault(number, (kind, fields)) != (kind, fields):
            return None  # one person, two identities in one chunk: decide record by record
    persons = _persons(identities, recorded_at, source)
    programmes = _programmes(items, kept, organisation)
    new_diplomas: list[Diploma] = []
    pending: list[tuple[int, Diploma, DiplomaData, int, str, dt.date]] = []
    for i in kept:
        person_data, data = items[i]
        decision = decisions[i]
        if decision is None:
            continue  # unchanged
        diploma = diplomas.get(data.record_key)
        if diploma is None:
            diploma = Diploma(person=persons[_pgn(person_data)[0]], organisation=organisation,
                              record_key=data.record_key, created_at=recorded_at)  # fmt: skip
            new_diplomas.append(diploma)
        pending.append((i, diploma, data, *decision))
    Diploma.objects.bulk_create(new_diplomas)
    _write_versions(pending, organisation, programmes, recorded_at, source)
    return [r for r in results if r is not None]


def _decide(
    diploma: Diploma,
    pgn: str,
    data: DiplomaData,
    latest: DiplomaVersion,
    organisation: Organisation,
) -> tuple[Result, tuple[int, str, dt.date] | None]:
    if diploma.person.pgn != pgn:
        return Result("rejected", [Violation("pgn", "record_key.other_person",
                      "This record key is registered for another person; withdraw it and deliver "
                      "the document under a new record key.")]), None  # fmt: skip
    if latest.status == DiplomaStatus.WITHDRAWN:
        return Result("rejected", [Violation("record_key", "withdrawn",
                      "The document was withdrawn; it cannot be corrected.")]), None  # fmt: skip
    delivered = replace(data, sector=sector_for(data, organisation))
    if _as_input(latest).comparable() == delivered.comparable():
        return Result("unchanged", []), None
    assert data.date_of_issue is not None
    return Result("corrected", []), (
        latest.version + 1,
        Change.CORRECTION,
        min(latest.valid_from, data.date_of_issue),
    )


def _persons(
    identities: dict[str, tuple[str, dict[str, object]]], recorded_at: dt.datetime, source: str
) -> dict[str, Person]:
    found = {p.pgn: p for p in Person.objects.filter(pgn__in=list(identities))}
    missing = [
        Person(pgn=n, pgn_type=identities[n][0], created_at=recorded_at)
        for n in identities
        if n not in found
    ]
    Person.objects.bulk_create(missing)
    found.update({p.pgn: p for p in missing})
    latest: dict[int, PersonVersion] = {}
    for version in PersonVersion.objects.filter(
        person_id__in=[p.pk for p in found.values()]
    ).order_by("version"):
        latest[version.person_id] = version
    versions = []
    for number, (_kind, fields) in identities.items():
        person = found[number]
        last = latest.get(person.pk)
        if last is not None and all(getattr(last, k) == v for k, v in fields.items()):
            continue
        versions.append(PersonVersion(
            person=person, version=last.version + 1 if last else 1, valid_from=fields["birth_date"],  # type: ignore[misc]
            recorded_at=recorded_at, change=Change.CORRECTION if last else Change.NEW, source=source,
            death_date=last.death_date if last else None, **fields,  # type: ignore[arg-type]
        ))  # fmt: skip
    PersonVersion.objects.bulk_create(versions)
    return found


def _latest_versions(diplomas: list[Diploma]) -> dict[int, DiplomaVersion]:
    latest: dict[int, DiplomaVersion] = {}
    rows = (
        DiplomaVersion.objects.filter(diploma__in=diplomas)
        .select_related("programme", "diploma")
        .prefetch_related("grades")
        .order_by("version")
    )
    for version in rows:
        latest[version.diploma_id] = version
    return latest


def _programmes(
    items: list[tuple[PersonData, DiplomaData]], valid: list[int], organisation: Organisation
) -> dict[tuple[str, str], Programme]:
    wanted = {
        (sector_for(items[i][1], organisation), items[i][1].programme_code)
        for i in valid
        if items[i][1].programme_code
    }
    found = {
        (p.sector, p.code): p for p in Programme.objects.filter(code__in={c for _s, c in wanted})
    }
    for sector, code in wanted - set(found):
        found[(sector, code)], _ = Programme.objects.get_or_create(
            sector=sector, code=code, defaults={"name_nl": code}
        )
    return found


def _write_versions(
    pending: list[tuple[int, Diploma, DiplomaData, int, str, dt.date]],
    organisation: Organisation,
    programmes: dict[tuple[str, str], Programme],
    recorded_at: dt.datetime,
    source: str,
) -> None:
    versions = []
    for _i, diploma, data, number, change, valid_from in pending:
        sector = sector_for(data, organisation)
        assert data.date_of_issue is not None
        versions.append(DiplomaVersion(
            diploma=diploma, person_id=diploma.person_id, version=number, valid_from=valid_from,
            recorded_at=recorded_at, change=change, source=source, status=DiplomaStatus.VALID, kind=data.kind,
            sector=sector, date_of_issue=data.date_of_issue, exam_date=data.exam_date,
            programme=programmes.get((sector, data.programme_code)) if data.programme_code else None,
            vo_profile=data.vo_profile, vo_leerweg=data.vo_leerweg, mbo_level=data.mbo_level,
            mbo_leerweg=data.mbo_leerweg, ho_degree=data.ho_degree, ho_exam_type=data.ho_exam_type,
            overige_gegevens=data.overige_gegevens,
        ))  # fmt: skip
    DiplomaVersion.objects.bulk_create(versions)
    DiplomaGrade.objects.bulk_create(
        DiplomaGrade(diploma_version=version, person_id=version.person_id, subject_code=g.subject_code,
                     subject_name=g.subject_name, school_exam_grade=g.school_exam_grade,
                     central_exam_grade=g.central_exam_grade, final_grade=g.final_grade)
        for version, (_i, _d, data, *_rest) in zip(versions, pending, strict=True)
        for g in data.grades
    )  # fmt: skip
