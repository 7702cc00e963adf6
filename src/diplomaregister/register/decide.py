"""The one decision step of every register write: existing state + delivered record -> action,
violations, warnings and the rows to insert. Pure: no queries, no writes. The per-record service
(``services``), the chunked bulk writer (``bulk``) and the demo generator (``demo.persons``) load
the state their way, call these functions and write the rows their way, so they agree by
construction; the rules and their messages live here and in ``validation`` only.

Identity (art. 15) has its own source: for a person with a BSN the Basisregistratie Personen
(``register.brp``), for an onderwijsnummer the organisation that assigned the number (the first to
deliver it). A delivered identity that differs is not written: the record is accepted with the
warning ``identity.mismatch`` and the difference is counted (``IdentityMismatch``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from diplomaregister.core.pgn import PgnType, parse_pgn
from diplomaregister.organisations.models import Organisation
from diplomaregister.register import extended
from diplomaregister.register.errors import Violation
from diplomaregister.register.inputs import DiplomaData, GradeData, PersonData
from diplomaregister.register.models import (
    Change,
    DiplomaStatus,
    DiplomaVersion,
    Person,
    PersonVersion,
)
from diplomaregister.register.validation import sector_for, validate_diploma, validate_person

IDENTITY_FIELDS = ("family_name", "given_names", "gender", "birth_date")
OTHER_PERSON = Violation("pgn", "record_key.other_person",
                         "This record key is registered for another person; withdraw it and deliver "
                         "the document under a new record key.")  # fmt: skip
WITHDRAWN = Violation(
    "record_key", "withdrawn", "The document was withdrawn; it cannot be corrected."
)
UNISSUE = Violation("earned", "earned.already_issued", "The document was issued; it cannot go back "
                    "to earned-not-issued. Withdraw it if it was issued in error.")  # fmt: skip
# The grade-row columns (VO subject grades and HO course results), in DiplomaGrade and GradeData.
GRADE_COLUMNS = ("subject_code", "subject_name", "school_exam_grade", "central_exam_grade",
                 "final_grade", "credits_ec", "pass_result", "result_date")  # fmt: skip
EXTENDED_COLUMNS = ("specialisation", "judicium", "degree", "degree_addition",
                    "awarding_organisations", "instruction_languages", "weighted_average")  # fmt: skip


def identity_values(data: PersonData) -> dict[str, Any]:
    return {
        "family_name": data.family_name.strip(),
        "given_names": data.given_names.strip(),
        "gender": data.gender,
        "birth_date": data.birth_date,
    }


def pgn_of(data: PersonData) -> tuple[str, str]:
    parsed = parse_pgn(data.pgn, PgnType(data.pgn_type) if data.pgn_type else None)
    return parsed.number, parsed.type.value


@dataclass
class IdentityDecision:
    new_person: dict[str, Any] | None = None  # Person columns, when the register does not know it
    new_version: dict[str, Any] | None = None  # PersonVersion columns (without person)
    mismatch: list[str] = field(default_factory=list)  # fields that differ from the source

    @property
    def warnings(self) -> list[Violation]:
        if not self.mismatch:
            return []
        return [Violation("identity", "identity.mismatch",
                          "The identity delivered differs from the register's source "
                          f"({', '.join(self.mismatch)}); the register keeps its own. Check the "
                          "number or ask the person to correct the source.")]  # fmt: skip


def decide_identity(delivered: PersonData, person: Person | None, latest: PersonVersion | None,
                    organisation: Organisation, recorded_at: dt.datetime,
                    source: str) -> IdentityDecision:  # fmt: skip
    """What a delivery does to the person's identity (art. 15)."""
    values = identity_values(delivered)
    number, kind = pgn_of(delivered)
    version = {**values, "valid_from": delivered.birth_date, "recorded_at": recorded_at,
               "source": source}  # fmt: skip
    if person is None or latest is None:
        new = None
        if person is None:
            new = {"pgn": number, "pgn_type": kind, "created_at": recorded_at,
                   "assigned_by_id": organisation.pk if kind == PgnType.ONDERWIJSNUMMER else None}  # fmt: skip
        return IdentityDecision(
            new, {**version, "version": 1, "change": Change.NEW, "death_date": None}
        )
    differs = [name for name in IDENTITY_FIELDS if getattr(latest, name) != values[name]]
    if not differs:
        return IdentityDecision()
    is_source = (
        person.pgn_type == PgnType.ONDERWIJSNUMMER and person.assigned_by_id == organisation.pk
    )
    if not is_source:
        return IdentityDecision(mismatch=differs)
    return IdentityDecision(None, {**version, "version": latest.version + 1, "change": Change.CORRECTION,
                                   "death_date": latest.death_date})  # fmt: skip


def version_row(data: DiplomaData, organisation: Organisation, *, number: int, change: str,
                valid_from: dt.date, recorded_at: dt.datetime,
                source: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:  # fmt: skip
    """The DiplomaVersion columns (without diploma, person and programme ids) and grade rows."""
    assert data.date_of_issue is not None
    version = {
        "version": number, "valid_from": valid_from, "recorded_at": recorded_at, "change": change,
        "source": source, "status": DiplomaStatus.VALID, "kind": data.kind,
        "sector": sector_for(data, organisation), "date_of_issue": data.date_of_issue,
        "exam_date": data.exam_date, "vo_profile": data.vo_profile, "vo_leerweg": data.vo_leerweg,
        "mbo_level": data.mbo_level, "mbo_leerweg": data.mbo_leerweg, "ho_degree": data.ho_degree,
        "ho_exam_type": data.ho_exam_type, "bekostigd": data.bekostigd,
        "overige_gegevens": data.overige_gegevens,
        **{name: getattr(data, name) for name in EXTENDED_COLUMNS},
    }  # fmt: skip
    if data.earned:
        version["status"] = DiplomaStatus.EARNED
    grades = [{name: getattr(g, name) for name in GRADE_COLUMNS} for g in data.grades]
    return version, grades


def withdrawal_row(columns: dict[str, Any], *, number: int, effective_date: dt.date, reason: str,
                   code: str, recorded_at: dt.datetime, source: str) -> dict[str, Any]:  # fmt: skip
    """Intrekking: the columns of the version in force on the effective date, withdrawn from then."""
    return {**columns, "version": number, "valid_from": effective_date, "valid_to": None,
            "recorded_at": recorded_at, "change": Change.WITHDRAWAL, "source": source,
            "status": DiplomaStatus.WITHDRAWN, "withdrawal_reason": reason, "withdrawal_code": code}  # fmt: skip


def as_input(version: DiplomaVersion, record_key: str) -> DiplomaData:
    """The delivered form of a stored version, to compare with a new delivery."""
    return DiplomaData(
        record_key=record_key, kind=version.kind, date_of_issue=version.date_of_issue,
        sector=version.sector, exam_date=version.exam_date,
        programme_code=version.programme.code if version.programme else "",
        vo_profile=version.vo_profile, vo_leerweg=version.vo_leerweg, mbo_level=version.mbo_level,
        mbo_leerweg=version.mbo_leerweg, ho_degree=version.ho_degree,
        ho_exam_type=version.ho_exam_type, bekostigd=version.bekostigd,
        overige_gegevens=version.overige_gegevens,
        grades=[GradeData(**{name: getattr(g, name) for name in GRADE_COLUMNS})
                for g in version.grades.all()],
        earned=version.status == DiplomaStatus.EARNED,
        **{name: getattr(version, name) for name in EXTENDED_COLUMNS},
    )  # fmt: skip


@dataclass
class DiplomaDecision:
    action: str  # created | corrected | unchanged | rejected
    violations: list[Violation] = field(default_factory=list)
    version: dict[str, Any] | None = None  # columns of the new DiplomaVersion
    grades: list[dict[str, Any]] = field(default_factory=list)
    programme_code: str = ""
    warnings: list[Violation] = field(default_factory=list)  # e.g. scenario.not_stored


def validate(person: PersonData, data: DiplomaData, organisation: Organisation,
             today: dt.date) -> list[Violation]:  # fmt: skip
    """Every rule of a delivered document, on what the active scenario stores of it."""
    stored, _warnings = extended.cut(data)
    return validate_person(person, today) + validate_diploma(stored, organisation, today)


def decide_diploma(data: DiplomaData, organisation: Organisation, *, holder_pgn: str | None,
                   delivered_pgn: str, latest: DiplomaVersion | None, recorded_at: dt.datetime,
                   source: str) -> DiplomaDecision:  # fmt: skip
    """A validated document against what the register holds under its record key (art. 22):
    new -> created; same data -> unchanged; other data -> a correction (a new version whose valid
    time covers the whole earlier story); another person's key or a withdrawn one -> rejected."""
    assert data.date_of_issue is not None
    previous = as_input(latest, data.record_key) if latest is not None else None
    data, warnings = extended.cut(data, previous)
    assert data.date_of_issue is not None
    if latest is None:
        version, grades = version_row(data, organisation, number=1, change=Change.NEW,
                                      valid_from=data.date_of_issue, recorded_at=recorded_at,
                                      source=source)  # fmt: skip
        return DiplomaDecision("created", [], version, grades, data.programme_code, warnings)
    assert previous is not None
    if holder_pgn != delivered_pgn:
        return DiplomaDecision("rejected", [OTHER_PERSON])
    if latest.status == DiplomaStatus.WITHDRAWN:
        return DiplomaDecision("rejected", [WITHDRAWN])
    if data.earned and latest.status != DiplomaStatus.EARNED:
        return DiplomaDecision("rejected", [UNISSUE])
    delivered = replace(data, sector=sector_for(data, organisation))
    if previous.comparable() == delivered.comparable():
        return DiplomaDecision("unchanged", [], warnings=warnings)
    if latest.status == DiplomaStatus.EARNED and not data.earned:
        # Issued: the document is valid from its date of issue; before it, it stays earned.
        version, grades = version_row(data, organisation, number=latest.version + 1,
                                      change=Change.ISSUE, valid_from=data.date_of_issue,
                                      recorded_at=recorded_at, source=source)  # fmt: skip
        return DiplomaDecision("corrected", [], version, grades, data.programme_code, warnings)
    version, grades = version_row(data, organisation, number=latest.version + 1,
                                  change=Change.CORRECTION,
                                  valid_from=min(latest.valid_from, data.date_of_issue),
                                  recorded_at=recorded_at, source=source)  # fmt: skip
    return DiplomaDecision("corrected", [], version, grades, data.programme_code, warnings)
