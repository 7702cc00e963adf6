"""Set-based form of :func:`register.services.record_diploma` for a chunk of deliveries of one
organisation: the same rules and the same rows, with a handful of queries per chunk instead of a
dozen per document. Callers run it inside a transaction (levering does, per chunk).

Returns ``None`` when the chunk cannot be decided set-wise (the same record key twice, or one
person delivered with two different identities): the caller then uses the per-record service.
A test applies both to the same deliveries and compares the resulting register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from diplomaregister.organisations.models import Organisation
from diplomaregister.register import decide
from diplomaregister.register.errors import Violation
from diplomaregister.register.inputs import DiplomaData, PersonData
from diplomaregister.register.models import (
    Diploma,
    DiplomaGrade,
    DiplomaVersion,
    IdentityMismatch,
    Person,
    PersonVersion,
    Programme,
)
from diplomaregister.register.validation import sector_for


@dataclass
class Result:
    action: str  # created | corrected | unchanged | rejected
    violations: list[Violation]
    warnings: list[Violation] = field(default_factory=list)


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
        problems = decide.validate(person_in, diploma_in, organisation, recorded_at.date())
        if problems:
            results[i] = Result("rejected", problems)
        else:
            valid.append(i)
    keys = [items[i][1].record_key for i in valid]
    if len(set(keys)) != len(keys):
        return None  # the same document twice in one chunk: decide record by record
    numbers = {i: decide.pgn_of(items[i][0])[0] for i in valid}
    persons = {
        p.pgn: p
        for p in Person.objects.select_related("merged_into").filter(pgn__in=set(numbers.values()))
    }
    if any(p.merged_into_id for p in persons.values()):
        return None  # merged onderwijsnummers: the per-record path follows the merge
    diplomas = {d.record_key: d for d in Diploma.objects.select_for_update().select_related("person").filter(
        organisation=organisation, record_key__in=keys)}  # fmt: skip
    latest = _latest_versions(list(diplomas.values()))
    identities = _identities(items, valid, numbers, persons, organisation, recorded_at, source)
    if identities is None:
        return None  # one person, two identities in one chunk: decide record by record
    choices: dict[int, decide.DiplomaDecision] = {}
    for i in valid:
        data = items[i][1]
        diploma = diplomas.get(data.record_key)
        choices[i] = decide.decide_diploma(
            data, organisation, holder_pgn=diploma.person.pgn if diploma else None,
            delivered_pgn=numbers[i], latest=latest.get(diploma.pk) if diploma else None,
            recorded_at=recorded_at, source=source,
        )  # fmt: skip
        results[i] = Result(
            choices[i].action, choices[i].violations, identities[numbers[i]] + choices[i].warnings
        )
    persons = {p.pgn: p for p in Person.objects.filter(pgn__in=set(numbers.values()))}
    programmes = _programmes(items, [i for i in valid if choices[i].version], organisation)
    new_diplomas: list[Diploma] = []
    pending: list[tuple[Diploma, decide.DiplomaDecision]] = []
    for i in valid:
        choice, data = choices[i], items[i][1]
        if choice.version is None:
            continue  # unchanged or rejected
        diploma = diplomas.get(data.record_key)
        if diploma is None:
            diploma = Diploma(person=persons[numbers[i]], organisation=organisation,
                              record_key=data.record_key, created_at=recorded_at)  # fmt: skip
            new_diplomas.append(diploma)
        pending.append((diploma, choice))
    Diploma.objects.bulk_create(new_diplomas)
    _write_versions(pending, programmes)
    return [r for r in results if r is not None]


def _identities(items: list[tuple[PersonData, DiplomaData]], valid: list[int], numbers: dict[int, str],
                persons: dict[str, Person], organisation: Organisation, recorded_at: dt.datetime,
                source: str) -> dict[str, list[Violation]] | None:  # fmt: skip
    """Apply ``decide.decide_identity`` once per person of the chunk; returns warnings per number."""
    delivered: dict[str, PersonData] = {}
    for i in valid:
        first = delivered.setdefault(numbers[i], items[i][0])
        if decide.identity_values(first) != decide.identity_values(items[i][0]):
            return None
    latest: dict[int, PersonVersion] = {}
    for version in PersonVersion.objects.filter(person__in=list(persons.values())).order_by(
        "version"
    ):
        latest[version.person_id] = version
    new_persons, new_versions, mismatches, warnings = [], [], [], {}
    for number, data in delivered.items():
        person = persons.get(number)
        choice = decide.decide_identity(data, person, latest.get(person.pk) if person else None,
                                        organisation, recorded_at, source)  # fmt: skip
        warnings[number] = choice.warnings
        if choice.new_person is not None:
            person = Person(**choice.new_person)
            new_persons.append(person)
        if choice.new_version is not None:
            new_versions.append((person, choice.new_version))
        if choice.mismatch:
            mismatches.append(IdentityMismatch(person=person, organisation=organisation,
                                               fields=choice.mismatch, recorded_at=recorded_at,
                                               source=source))  # fmt: skip
    Person.objects.bulk_create(new_persons)
    PersonVersion.objects.bulk_create(PersonVersion(person=p, **v) for p, v in new_versions)
    IdentityMismatch.objects.bulk_create(mismatches)
    return warnings


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


def _write_versions(pending: list[tuple[Diploma, decide.DiplomaDecision]],
                    programmes: dict[tuple[str, str], Programme]) -> None:  # fmt: skip
    versions = []
    for diploma, choice in pending:
        assert choice.version is not None
        programme = programmes.get((choice.version["sector"], choice.programme_code))
        versions.append(DiplomaVersion(diploma=diploma, person_id=diploma.person_id,
                                       programme=programme if choice.programme_code else None,
                                       **choice.version))  # fmt: skip
    DiplomaVersion.objects.bulk_create(versions)
    DiplomaGrade.objects.bulk_create(
        DiplomaGrade(diploma_version=version, person_id=version.person_id, **g)
        for version, (_d, choice) in zip(versions, pending, strict=True)
        for g in choice.grades
    )
