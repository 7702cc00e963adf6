"""What the register holds, as the output names of law/legal_bases.yaml, before the basis cuts it.

The engine projects these dicts onto the basis's fields; nothing else leaves the register.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from diplomaregister.register.models import DiplomaStatus, Person, PersonVersion
from diplomaregister.register.selectors import DiplomaState

HO_KINDS = frozenset(
    "abcdefg"
)  # art. 51, 52: "waardedocument als bedoeld in artikel 16, onderdelen a tot en met g"
HO_SINCE = dt.date(1996, 1, 1)


def person_values(person: Person, identity: PersonVersion | None) -> dict[str, Any]:
    values: dict[str, Any] = {"pgn": person.pgn}
    if identity is not None:
        values.update(
            family_name=identity.family_name,
            given_names=identity.given_names,
            gender=identity.gender,
            birth_date=identity.birth_date,
            death_date=identity.death_date,
        )
    return values


def derived_values(states: list[DiplomaState], reference_date: dt.date) -> dict[str, Any]:
    """Answers derived from the documents (art. 51, 52): whether the person obtained an HO document
    of art. 16 onder a-g between 1 January 1996 and the reference date."""
    return {
        "ho_document_since_1996": any(
            s.version.kind in HO_KINDS
            and s.version.status == DiplomaStatus.VALID
            and HO_SINCE <= s.version.date_of_issue <= reference_date
            for s in states
        )
    }


def diploma_values(state: DiplomaState) -> dict[str, Any]:
    version, diploma = state.version, state.diploma
    programme = version.programme
    return {
        "diploma_id": diploma.pk,
        "kind": version.kind,
        "sector": version.sector,
        "organisation_name": diploma.organisation.name,
        "organisation_code": diploma.organisation.code,
        "status": version.status,
        "corrected": state.corrected,
        "withdrawal_reason": version.withdrawal_reason,
        "programme_name": programme.name_nl if programme else "",
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
            for g in version.grades.all()
        ],
    }


def project(values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {name: values[name] for name in allowed if name in values}
