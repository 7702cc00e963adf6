"""What the register holds, as the output names of law/legal_bases.yaml, before the basis cuts it.

Private to the engine: the engine projects these dicts onto the basis's fields; nothing else leaves
the register.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from diplomaregister.law.loaders import extended_fields, withdrawal_codes
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.extended import active_scenario
from diplomaregister.register.models import (
    DiplomaGrade,
    DiplomaStatus,
    DiplomaVersion,
    EnrolmentVersion,
    Person,
    PersonVersion,
)
from diplomaregister.register.selectors import DiplomaState

# art. 51, 52: "een waardedocument als bedoeld in artikel 16, onderdelen a tot en met g"
HO_KINDS = frozenset("abcdefg")
HO_SINCE = dt.date(1996, 1, 1)  # art. 51, 52: "tussen 1 januari 1996 en de peildatum"
HO_LAW = "WHW"  # art. 40, 41: "een onderwijsinstelling als bedoeld in de WHW"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` (art. 23 lid 2, 26 lid 2)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def person_values(
    person: Person, identity: PersonVersion | None, peildatum: dt.date
) -> dict[str, Any]:
    values: dict[str, Any] = {"pgn": person.pgn}
    if identity is not None:
        values.update(
            family_name=identity.family_name,
            given_names=identity.given_names,
            gender=identity.gender,
            birth_date=identity.birth_date,
            death_date=identity.death_date,
            postcode=identity.postcode,
            birth_country=identity.birth_country,
            nationality=identity.nationality,
            age_on_peildatum=age_on(identity.birth_date, peildatum),
        )
    return values


def ho_document_since_1996(states: Iterable[DiplomaState], peildatum: dt.date) -> bool:
    """Art. 51, 52: whether the person obtained a (valid) document of art. 16 onder a-g between
    1 January 1996 and the peildatum."""
    return any(
        s.version.kind in HO_KINDS
        and s.version.status == DiplomaStatus.VALID
        and HO_SINCE <= s.version.date_of_issue <= peildatum
        for s in states
    )


def enrolled_on(versions: Iterable[EnrolmentVersion], laws: dict[int, str], peildatum: dt.date,
                law: str = HO_LAW) -> bool:  # fmt: skip
    """Art. 40, 41: enrolled on the peildatum at an institution under ``law``; ``versions`` are the
    versions in force, ``laws`` maps enrolment id to its institution's law."""
    return any(
        laws.get(v.enrolment_id) == law
        and v.start_date <= peildatum
        and (v.end_date is None or peildatum < v.end_date)
        for v in versions
    )


def status_since(state: DiplomaState) -> dt.date:
    """When the current state took effect: the withdrawal's effective date, else the day the
    register learned the current version (a correction or the first delivery)."""
    version = state.version
    if version.status == DiplomaStatus.WITHDRAWN:
        return version.valid_from
    return timezone.localdate(version.recorded_at)


def diploma_values(state: DiplomaState) -> dict[str, Any]:
    version, diploma = state.version, state.diploma
    programme = version.programme
    grades = sorted(version.grades.all(), key=lambda g: g.subject_code)
    return {
        "diploma_id": diploma.pk,
        "diploma_version": version.version,
        "kind": version.kind,
        "sector": version.sector,
        "organisation_name": diploma.organisation.name,
        "organisation_code": diploma.organisation.code,
        "status": version.status,
        "status_since": status_since(state),
        "corrected": state.corrected,
        "withdrawal_reason": version.withdrawal_reason,
        "programme_name": programme.name_nl if programme else "",
        "programme_name_en": (programme.name_en or programme.name_nl) if programme else "",
        "programme_code": programme.code if programme else "",
        "date_of_issue": version.date_of_issue,
        "exam_date": version.exam_date,
        "ho_degree": version.ho_degree,
        "mbo_level": version.mbo_level,
        "vo_profile": version.vo_profile,
        "vo_leerweg": version.vo_leerweg,
        "mbo_leerweg": version.mbo_leerweg,
        "ho_exam_type": version.ho_exam_type,
        "grades": [
            {
                "subject_code": g.subject_code,
                "subject_name": g.subject_name,
                "school_exam_grade": g.school_exam_grade,
                "central_exam_grade": g.central_exam_grade,
                "final_grade": g.final_grade,
            }
            for g in grades
            if not _course(g)
        ],
        "known_since": version.recorded_at,
        "history": lambda: history(state),  # computed only when projected
        **extended_values(state, grades),
    }


def _course(grade: DiplomaGrade) -> bool:
    """A row of the HO grade list (course result), not a VO subject grade."""
    return grade.credits_ec is not None or bool(grade.pass_result) or grade.result_date is not None


def _shown() -> frozenset[str]:
    """The outputs of the extended fields the active scenario shows (law/scenarios.yaml)."""
    fields = extended_fields()
    return frozenset(o for name in active_scenario().shown for o in fields[name].outputs)


def _partners(version: DiplomaVersion) -> list[dict[str, Any]]:
    """Joint-degree partners in the order delivered, Dutch ones named from the organisation list."""
    codes = [
        p["organisation_code"] for p in version.awarding_organisations if p.get("organisation_code")
    ]
    names = (
        dict(Organisation.objects.filter(code__in=codes).values_list("code", "name"))
        if codes
        else {}
    )
    return [
        {"organisation_code": p["organisation_code"], "name": names.get(p["organisation_code"], ""),
         "country": "NL"} if p.get("organisation_code")
        else {"organisation_code": "", "name": p.get("name", ""), "country": p.get("country", "")}
        for p in version.awarding_organisations
    ]  # fmt: skip


def extended_values(state: DiplomaState, grades: list[DiplomaGrade]) -> dict[str, Any]:
    """The extended diploma data (issue 13) the active scenario shows."""
    version = state.version
    values = {
        "specialisation": version.specialisation,
        "judicium": version.judicium,
        "degree": version.degree,
        "degree_addition": version.degree_addition,
        "awarding_organisations": (lambda: _partners(version)) if version.awarding_organisations else [],
        "instruction_languages": list(version.instruction_languages),
        "weighted_average": version.weighted_average,
        "course_results": [
            {"unit_code": g.subject_code, "unit_name": g.subject_name, "credits_ec": g.credits_ec,
             "grade": g.final_grade, "pass_result": g.pass_result, "result_date": g.result_date}
            for g in grades if _course(g)
        ],
    }  # fmt: skip
    shown = _shown()
    return {name: value for name, value in values.items() if name in shown}


# What a version says, column by column, as the outputs a holder reads (for the history).
_COMPARED = {"kind": "kind", "date_of_issue": "date_of_issue", "exam_date": "exam_date",
             "programme_id": "programme_name", "vo_profile": "vo_profile", "vo_leerweg": "vo_leerweg",
             "mbo_level": "mbo_level", "mbo_leerweg": "mbo_leerweg", "ho_degree": "ho_degree",
             "ho_exam_type": "ho_exam_type", "status": "status", "specialisation": "specialisation",
             "judicium": "judicium", "degree": "degree", "degree_addition": "degree_addition",
             "awarding_organisations": "awarding_organisations",
             "instruction_languages": "instruction_languages", "weighted_average": "weighted_average"}  # fmt: skip
_GRADE_COLUMNS = ("subject_code", "subject_name", "school_exam_grade", "central_exam_grade",
                  "final_grade", "credits_ec", "pass_result", "result_date")  # fmt: skip


def _rows(version: DiplomaVersion, course: bool) -> list[tuple[Any, ...]]:
    return sorted((tuple(getattr(g, c) for c in _GRADE_COLUMNS) for g in version.grades.all()
                   if _course(g) == course), key=repr)  # fmt: skip


def history(state: DiplomaState) -> list[dict[str, Any]]:
    """Per version the register knew (up to the one shown): when it learned it, why (new,
    correction, withdrawal, issue), which outputs changed and who delivered it (art. 22: the
    awarding organisation), newest first."""
    shown = _shown()
    entries = []
    before: DiplomaVersion | None = None
    for version in state.versions:
        if version.version > state.version.version:
            break
        changed = []
        if before is not None:
            changed = [out for col, out in _COMPARED.items()
                       if getattr(before, col) != getattr(version, col)
                       and (out not in _EXTENDED_OUTPUTS or out in shown)]  # fmt: skip
            if _rows(before, False) != _rows(version, False):
                changed.append("grades")
            if "course_results" in shown and _rows(before, True) != _rows(version, True):
                changed.append("course_results")
        entries.append({"version": version.version, "recorded_at": version.recorded_at,
                        "change": version.change, "valid_from": version.valid_from,
                        "changed": changed, "delivered_by": state.diploma.organisation.name})  # fmt: skip
        before = version
    return entries[::-1]


_EXTENDED_OUTPUTS = frozenset(o for f in extended_fields().values() for o in f.outputs)


def visible(states: list[DiplomaState], scope: str = "") -> list[DiplomaState]:
    """Documents withdrawn as attributed to the wrong person are nobody's documents any more
    (law/legal_bases.yaml withdrawal_codes, ``hidden``); their history stays in the register.
    A document earned but not yet issued is the holder's alone (scope ``self``): it is no
    waardedocument yet, so no recipient, share link or extract gets it."""
    codes = withdrawal_codes()
    return [
        s
        for s in states
        if not (
            s.version.status == DiplomaStatus.WITHDRAWN
            and s.version.withdrawal_code in codes
            and codes[s.version.withdrawal_code].hidden
        )
        and (scope == "self" or s.version.status != DiplomaStatus.EARNED)
    ]


def project(values: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """The allowed outputs; a value given as a function (a history, names looked up) is computed
    only when it is projected."""
    return {
        name: value() if callable(value := values[name]) else value
        for name in allowed
        if name in values
    }
