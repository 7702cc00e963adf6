"""Raw delivered records (JSON objects or CSV rows) into register inputs, with specific errors.

Field names are those of the field catalogue (law/field_catalogue.yaml); docs/levering.md lists them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from diplomaregister.law.loaders import withdrawal_codes
from diplomaregister.register.errors import Violation
from diplomaregister.register.inputs import DiplomaData, GradeData, PersonData

PERSON_FIELDS = ("pgn", "family_name", "given_names", "gender", "birth_date", "pgn_type")
TEXT_FIELDS = ("sector", "programme_code", "vo_profile", "vo_leerweg", "mbo_leerweg", "ho_degree",
               "ho_exam_type")  # fmt: skip
ACTIONS = ("deliver", "withdraw")
WITHDRAWAL_CODES = tuple(withdrawal_codes())


@dataclass
class Parsed:
    action: str
    record_key: str
    person: PersonData | None
    diploma: DiplomaData | None
    effective_date: dt.date | None
    reason: str
    violations: list[Violation]
    reason_code: str = ""


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _date(raw: dict[str, Any], name: str, problems: list[Violation]) -> dt.date | None:
    value = _text(raw, name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(Violation(name, "date.format", "Use an ISO date: YYYY-MM-DD."))
        return None


def _decimal(value: Any, name: str, problems: list[Violation]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        problems.append(Violation(name, "number.format", "Use a number such as 6.8."))
        return None


def _grades(raw: dict[str, Any], problems: list[Violation]) -> list[GradeData]:
    value = raw.get("grades") or []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            problems.append(Violation("grades", "json", "grades must be a JSON array of objects."))
            return []
    if not isinstance(value, list) or not all(isinstance(g, dict) for g in value):
        problems.append(Violation("grades", "json", "grades must be a JSON array of objects."))
        return []
    return [
        GradeData(
            subject_code=str(g.get("subject_code", "")).strip(),
            subject_name=str(g.get("subject_name", "")).strip(),
            school_exam_grade=_decimal(
                g.get("school_exam_grade"), f"grades[{i}].school_exam_grade", problems
            ),
            central_exam_grade=_decimal(
                g.get("central_exam_grade"), f"grades[{i}].central_exam_grade", problems
            ),
            final_grade=_decimal(g.get("final_grade"), f"grades[{i}].final_grade", problems),
        )
        for i, g in enumerate(value)
    ]


def parse(raw: dict[str, Any]) -> Parsed:
    problems: list[Violation] = []
    if "_error" in raw:  # the file reader could not read this line
        return Parsed(
            "deliver", "", None, None, None, "", [Violation("line", "format", raw["_error"])]
        )
    action = _text(raw, "action") or "deliver"
    if action not in ACTIONS:
        problems.append(Violation("action", "choice", "action must be deliver or withdraw."))
    record_key = _text(raw, "record_key")
    if not record_key:
        problems.append(
            Violation("record_key", "required", "The record key is required (art. 22).")
        )
    elif len(record_key) > 64:
        problems.append(
            Violation("record_key", "length", "The record key has at most 64 characters.")
        )
    if action == "withdraw":
        effective = _date(raw, "effective_date", problems)
        if effective is None and not problems:
            problems.append(Violation("effective_date", "required", "A withdrawal needs its date."))
        code = _text(raw, "reason_code") or "other"
        if code not in WITHDRAWAL_CODES:
            problems.append(Violation("reason_code", "choice",
                                      f"reason_code must be one of {', '.join(WITHDRAWAL_CODES)}."))  # fmt: skip
        return Parsed(action, record_key, None, None, effective, _text(raw, "reason")[:200],
                      problems, code)  # fmt: skip
    level_text = _text(raw, "mbo_level")
    level = None
    if level_text:
        try:
            level = int(level_text)
        except ValueError:
            problems.append(
                Violation("mbo_level", "number.format", "mbo_level is a whole number 1-4.")
            )
    overige = raw.get("overige_gegevens") or {}
    if isinstance(overige, str):
        try:
            overige = json.loads(overige)
        except json.JSONDecodeError:
            problems.append(
                Violation("overige_gegevens", "json", "overige_gegevens must be a JSON object.")
            )
            overige = {}
    person = PersonData(
        pgn=_text(raw, "pgn"),
        family_name=_text(raw, "family_name"),
        given_names=_text(raw, "given_names"),
        gender=_text(raw, "gender") or "X",
        birth_date=_date(raw, "birth_date", problems),
        pgn_type=_text(raw, "pgn_type") or None,
    )
    diploma = DiplomaData(
        record_key=record_key,
        kind=_text(raw, "kind"),
        date_of_issue=_date(raw, "date_of_issue", problems),
        exam_date=_date(raw, "exam_date", problems),
        mbo_level=level,
        overige_gegevens=overige if isinstance(overige, dict) else {},
        grades=_grades(raw, problems),
        **{name: _text(raw, name) for name in TEXT_FIELDS},
    )
    return Parsed(action, record_key, person, diploma, None, "", problems)
