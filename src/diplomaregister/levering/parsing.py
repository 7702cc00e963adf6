"""Raw delivered records (JSON objects or CSV rows) into register inputs, with specific errors.

Field names are those of the field catalogue (law/field_catalogue.yaml); docs/levering.md lists them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from diplomaregister.law.loaders import withdrawal_codes
from diplomaregister.levering import parsing_extended
from diplomaregister.register.errors import Violation
from diplomaregister.register.inputs import DiplomaData, GradeData, PersonData

PERSON_FIELDS = ("pgn", "family_name", "given_names", "gender", "birth_date", "pgn_type")
TEXT_FIELDS = ("sector", "programme_code", "vo_profile", "vo_leerweg", "mbo_leerweg", "ho_degree",
               "ho_exam_type")  # fmt: skip
ACTIONS = ("deliver", "withdraw")
RECORD_TYPES = ("diploma", "enrolment", "result")
WITHDRAWAL_CODES = tuple(withdrawal_codes())
COMMON = ("type", "action", "record_key", "organisation", *PERSON_FIELDS)
# The fields each record type may carry (art. 18: inschrijvingen and resultaten; art. 22: diploma's).
FIELDS = {
    "diploma": (*COMMON, "kind", "date_of_issue", "exam_date", "mbo_level", "bekostigd",
                "overige_gegevens", "grades", *TEXT_FIELDS, *parsing_extended.FIELDS),
    "withdraw": (*COMMON, "effective_date", "reason", "reason_code"),
    "enrolment": (*COMMON, "start_date", "end_date", "end_reason", "enrolment_form", "prior_education",
                  "programme_code", "programme_form", "programme_phase", "vo_leerweg"),
    "result": (*COMMON, "result_type", "result_date", "subject_code", "school_exam_grade",
               "central_exam_grade", "final_grade", "outcome"),
}  # fmt: skip
STRUCTURED = {"grades": list, "overige_gegevens": dict, "awarding_organisations": list,
              "instruction_languages": list}  # fmt: skip
NUMBERS = {
    "mbo_level",
    "school_exam_grade",
    "central_exam_grade",
    "final_grade",
    "weighted_average",
}


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
    record_type: str = "diploma"
    details: dict[str, Any] = field(default_factory=dict)  # enrolment / result values


def safe_text(value: Any, limit: int = 64) -> str:
    """A value fit to be named in feedback: control characters (NUL included) replaced."""
    return "".join(c if c.isprintable() else "?" for c in str(value)[:limit])


def _has_control(value: Any) -> bool:
    if isinstance(value, str):
        return any(ord(c) < 32 and c not in "\t\n\r" for c in value)
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_control(v) for v in value)
    return False


def _shape(raw: dict[str, Any], kind: str, problems: list[Violation]) -> None:
    """Unknown fields (typos), wrong JSON types and control characters (NUL cannot be stored) get
    their own rule; empty CSV cells are fine."""
    allowed = set(FIELDS[kind])
    for name in sorted(raw, key=str):
        value = raw[name]
        if name not in allowed:
            if value not in ("", None):
                problems.append(Violation(safe_text(name), "field.unknown",
                                          f"A {kind} record has no field {safe_text(name)}."))  # fmt: skip
            continue
        if _has_control(value):
            problems.append(Violation(name, "text.control", f"{name} contains a control character "
                                      "(such as NUL); remove it."))  # fmt: skip
            continue
        expected = STRUCTURED.get(name)
        if expected is not None:
            if not isinstance(value, expected | str) and value is not None:
                problems.append(
                    Violation(name, "type", f"{name} must be a JSON {expected.__name__}.")
                )
        elif isinstance(value, list | dict):
            problems.append(
                Violation(
                    name, "type", f"{name} must be a single value, not a {type(value).__name__}."
                )
            )
        elif isinstance(value, bool) and name != "bekostigd":
            problems.append(Violation(name, "type", f"{name} must be text."))
        elif isinstance(value, int | float) and name not in NUMBERS and not isinstance(value, bool):
            problems.append(Violation(name, "type", f"{name} must be text (quote it)."))


def _bool(raw: dict[str, Any], name: str, problems: list[Violation]) -> bool | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "ja", "1", "yes"):
        return True
    if text in ("false", "nee", "0", "no"):
        return False
    problems.append(Violation(name, "boolean", f"{name} is true or false."))
    return None


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
            **parsing_extended.course_values(g, i, problems),
        )
        for i, g in enumerate(value)
    ]


def parse(raw: dict[str, Any]) -> Parsed:
    problems: list[Violation] = []
    if "_error" in raw:  # the file reader could not read this line
        return Parsed(
            "deliver", "", None, None, None, "", [Violation("line", "format", raw["_error"])]
        )
    action = _text(raw, "action") or "deliver" if isinstance(raw.get("action", ""), str) else "?"
    record_type = raw.get("type") or "diploma"
    if record_type not in RECORD_TYPES:
        problems.append(
            Violation("type", "choice", f"type must be one of {', '.join(RECORD_TYPES)}.")
        )
        record_type = "diploma"
    if action not in ACTIONS:
        problems.append(Violation("action", "choice", "action must be deliver or withdraw."))
    elif action == "withdraw" and record_type != "diploma":
        problems.append(Violation("action", "choice", "Only documents are withdrawn; deliver an "
                                  "enrolment or result again to correct it."))  # fmt: skip
    _shape(raw, "withdraw" if action == "withdraw" else record_type, problems)
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
    if record_type != "diploma":
        return _fact(raw, record_type, record_key, problems)
    person = _person(raw, problems)
    diploma = DiplomaData(
        record_key=record_key,
        kind=_text(raw, "kind"),
        date_of_issue=_date(raw, "date_of_issue", problems),
        exam_date=_date(raw, "exam_date", problems),
        mbo_level=level,
        bekostigd=_bool(raw, "bekostigd", problems),
        overige_gegevens=overige if isinstance(overige, dict) else {},
        grades=_grades(raw, problems),
        **_texts(raw),
        **parsing_extended.extended_values(raw, problems),
    )
    return Parsed(action, record_key, person, diploma, None, "", problems)


def _texts(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: _text(raw, name) for name in TEXT_FIELDS}


def _person(raw: dict[str, Any], problems: list[Violation]) -> PersonData:
    return PersonData(
        pgn=_text(raw, "pgn"),
        family_name=_text(raw, "family_name"),
        given_names=_text(raw, "given_names"),
        gender=_text(raw, "gender") or "X",
        birth_date=_date(raw, "birth_date", problems),
        pgn_type=_text(raw, "pgn_type") or None,
    )


def _fact(raw: dict[str, Any], record_type: str, record_key: str,
          problems: list[Violation]) -> Parsed:  # fmt: skip
    """An inschrijving (art. 5, 6) or a resultaat (art. 7), art. 18."""
    person = _person(raw, problems)
    details: dict[str, Any] = {}
    if record_type == "enrolment":
        details["start_date"] = _date(raw, "start_date", problems)
        if details["start_date"] is None and not any(v.field == "start_date" for v in problems):
            problems.append(
                Violation(
                    "start_date",
                    "required",
                    "Datum inschrijving is required (art. 5 lid 1 onder b).",
                )
            )
        details["end_date"] = _date(raw, "end_date", problems)
        for name in ("end_reason", "enrolment_form", "prior_education", "programme_code",
                     "programme_form", "programme_phase", "vo_leerweg"):  # fmt: skip
            details[name] = _text(raw, name)
    else:
        details["result_type"] = _text(raw, "result_type")
        details["result_date"] = _date(raw, "result_date", problems)
        if details["result_date"] is None and not any(v.field == "result_date" for v in problems):
            problems.append(
                Violation("result_date", "required", "The date of the result is required (art. 7).")
            )
        for name in ("subject_code", "outcome"):
            details[name] = _text(raw, name)
        for name in ("school_exam_grade", "central_exam_grade", "final_grade"):
            details[name] = _decimal(raw.get(name), name, problems)
    return Parsed("deliver", record_key, person, None, None, "", problems, "", record_type, details)
