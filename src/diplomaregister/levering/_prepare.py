"""The Python half of set-based levering: each raw record of a chunk parsed (levering/parsing.py)
into one row of the staging table, plus the checks that are not a scalar column rule and so stay
in Python while the record is in hand anyway: the persoonsgebonden nummer's check digits and the
nested grade lists (ranges, lengths). The scalar rules run in SQL (levering/sqlcheck.py).

A violation found here carries its place in the order the per-record path reports rules in
(``group``, ``ord``, ``seq``: see sqlcheck.py), so the merged list equals the per-record one.
Nothing here touches the database: the pipeline may prepare the next chunk while the database
writes the previous one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from psycopg._copy_base import TextFormatter
from psycopg.adapt import Transformer

from diplomaregister.core.pgn import InvalidPgn, PgnType, parse_pgn
from diplomaregister.law.loaders import field_catalogue
from diplomaregister.levering.parsing import Parsed, parse, safe_text
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.decide import EXTENDED_COLUMNS
from diplomaregister.register.errors import Violation
from diplomaregister.register.extended import is_course_result
from diplomaregister.register.inputs import DiplomaData
from diplomaregister.register.models import DiplomaGrade
from diplomaregister.register.validation import sector_for

NOT_OWN = Violation("organisation", "organisation.not_own",
                    "A client delivers only for its own organisation (art. 22).")  # fmt: skip
# The staging columns filled from Python, in COPY order (levering/_staging.py adds the derived ones).
COLUMNS = {
    "idx": "int", "rtype": "text", "record_key": "text", "fb_key": "text", "pre": "jsonb",
    "pyv": "jsonb", "pgn": "text", "pgn_type": "text", "family_name": "text", "given_names": "text",
    "gender": "text", "birth_date": "date", "kind": "text", "sector": "text", "date_of_issue": "date",
    "exam_date": "date", "programme_code": "text", "vo_profile": "text", "vo_leerweg": "text",
    "mbo_level": "numeric", "mbo_leerweg": "text", "ho_degree": "text", "ho_exam_type": "text",
    "bekostigd": "bool", "overige": "jsonb", "grades": "jsonb", "effective_date": "date",
    "reason": "text", "reason_code": "text", "start_date": "date", "end_date": "date",
    "end_reason": "text", "enrolment_form": "text", "prior_education": "text",
    "programme_form": "text", "programme_phase": "text", "result_type": "text",
    "result_date": "date", "subject_code": "text", "outcome": "text", "school_exam_grade": "numeric",
    "central_exam_grade": "numeric", "final_grade": "numeric", "se_q": "numeric", "ce_q": "numeric",
    "fg_q": "numeric", "esector": "text",
}  # fmt: skip
DIPLOMA_TEXT = ("kind", "sector", "programme_code", "vo_profile", "vo_leerweg", "mbo_leerweg",
                "ho_degree", "ho_exam_type")  # fmt: skip
ENROLMENT_TEXT = ("end_reason", "enrolment_form", "prior_education", "programme_code",
                  "programme_form", "programme_phase", "vo_leerweg")  # fmt: skip
GRADE_NAMES = ("school_exam_grade", "central_exam_grade", "final_grade")
# where a Python-checked rule sits in the per-record order (sqlcheck.py numbers the SQL rules alike)
ORD_PGN, ORD_GRADES, ORD_GRADE_LENGTHS, ORD_RESULT_RANGE = 10, 400, 505, 20
GROUP_FACT_RULES, GROUP_PERSON = 1, 3  # enrolment/result: own rules, lengths (2), then the person


class Fallback(Exception):
    """The chunk cannot be decided set-wise (the same record key twice, one person with two
    identities): the pipeline decides it record by record."""


@dataclass
class Prepared:
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    keys: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, record key) -> idx
    identities: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # pgn -> identity
    data: bytes = b""  # the rows as the text of a COPY (formatted where they were prepared)
    kinds: frozenset[str] = frozenset()  # the record types (``rtype``) among the rows

    def sent(self) -> Prepared:
        """What the set-based writer needs of it (levering/_ahead.py sends this between
        processes): the COPY text and the record types, without the rows it was made from."""
        return Prepared(data=self.data, kinds=self.kinds)


def copy_text(rows: list[tuple[Any, ...]]) -> bytes:
    """The rows in COPY's text format, formatted by psycopg as ``Copy.write_row`` would with the
    connection's adapters (Django adds none for the staged types: int, text, date, numeric, bool),
    so the formatting can happen in another thread or process than the COPY."""
    formatter = TextFormatter(Transformer(), encoding="utf-8")
    out = bytearray()
    for row in rows:
        out += formatter.write_row(row)
    out += formatter.end()
    return bytes(out)


def _quantized(value: Decimal | None, places: tuple[int, int]) -> str | None:
    """The value for the insert: as the ORM does on PostgreSQL, the column's numeric type rounds it
    (``places`` documents the column; comparisons use the value as delivered)."""
    return None if value is None else str(value)


def _dump(violations: list[tuple[int, int, int, Violation]]) -> str | None:
    if not violations:
        return None
    return json.dumps([[g, o, s, v.field, v.rule, v.message] for g, o, s, v in violations])


def _pgn(parsed: Parsed, group: int, out: list[tuple[int, int, int, Violation]]) -> tuple[str | None, str | None]:  # fmt: skip
    person = parsed.person
    assert person is not None
    try:
        number = parse_pgn(person.pgn, PgnType(person.pgn_type) if person.pgn_type else None)
    except InvalidPgn as exc:
        out.append((group, ORD_PGN, 0, Violation("pgn", exc.rule, exc.message)))
        return None, None
    except ValueError:
        out.append((group, ORD_PGN, 0, Violation("pgn_type", "pgn.type", "Use bsn or onderwijsnummer.")))  # fmt: skip
        return None, None
    return number.number, number.type.value


def _grades(parsed: Parsed, out: list[tuple[int, int, int, Violation]]) -> str:
    """validation._grade_rules and the grade lengths of validate_diploma, in their order."""
    assert parsed.diploma is not None
    catalogue = field_catalogue()
    limits = [
        (n, getattr(DiplomaGrade._meta.get_field(n), "max_length", 0))
        for n in ("subject_code", "subject_name")
    ]
    rows = []
    for index, grade in enumerate(parsed.diploma.grades):
        if not grade.subject_code:
            out.append((1, ORD_GRADES, len(out), Violation(f"grades[{index}].subject_code", "required",
                                                           "Subject code is required.")))  # fmt: skip
        for name in GRADE_NAMES:
            value = getattr(grade, name)
            entry = catalogue.get("diplomagrade", name)
            if value is not None and (
                value.is_nan() or not (entry.minimum <= value <= entry.maximum)
            ):  # type: ignore[operator]
                out.append((1, ORD_GRADES, len(out), Violation(
                    f"grades[{index}].{name}", "range",
                    f"A grade must be between {entry.minimum:g} and {entry.maximum:g}.")))  # fmt: skip
        rows.append([grade.subject_code, grade.subject_name,
                     *(_text_number(getattr(grade, n)) for n in GRADE_NAMES),
                     *(_quantized(getattr(grade, n), (3, 1)) for n in GRADE_NAMES)])  # fmt: skip
    for index, grade in enumerate(parsed.diploma.grades):
        for name, limit in limits:
            if limit and len(getattr(grade, name) or "") > limit:
                out.append((1, ORD_GRADE_LENGTHS, len(out), Violation(
                    f"grades[{index}].{name}", "length", f"{name} has at most {limit} characters.")))  # fmt: skip
    return "[]" if any(o[1] == ORD_GRADES for o in out) else json.dumps(rows)


def _text_number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _result_ranges(details: dict[str, Any], out: list[tuple[int, int, int, Violation]]) -> None:
    catalogue = field_catalogue()
    for n, name in enumerate(GRADE_NAMES):
        value, entry = details.get(name), catalogue.get("resultversion", name)
        # a NaN would make the per-record comparison raise; here it is out of range
        if value is not None and (
            not value.is_finite() or not (entry.minimum <= value <= entry.maximum)
        ):  # type: ignore[operator]
            out.append((GROUP_FACT_RULES, ORD_RESULT_RANGE, n, Violation(
                name, "range", f"A grade must be between {entry.minimum:g} and {entry.maximum:g}.")))  # fmt: skip


def _identity(prepared: Prepared, number: str | None, parsed: Parsed) -> None:
    if number is None:
        return
    person = parsed.person
    assert person is not None
    values = (
        person.family_name.strip(),
        person.given_names.strip(),
        person.gender,
        person.birth_date,
    )
    if prepared.identities.setdefault(number, values) != values:
        raise Fallback("one person with two identities in a chunk")


def _plain(data: DiplomaData) -> None:
    """The set-based path stores documents without extended data (register/extended.py: the
    scenario's cut, earned documents, HO course results); a chunk with them goes record by record."""
    if (
        data.earned
        or any(not _empty(getattr(data, name)) for name in EXTENDED_COLUMNS)
        or any(is_course_result(g) for g in data.grades)
    ):
        raise Fallback("extended diploma data")


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _key(prepared: Prepared, table: str, key: str, index: int) -> None:
    if prepared.keys.setdefault((table, key), index) != index:
        raise Fallback("the same record key twice in a chunk")


def prepare(todo: list[tuple[int, dict[str, Any]]], organisation: Organisation) -> Prepared:
    """Staging rows for a chunk (raises :class:`Fallback` when it must go record by record)."""
    prepared = Prepared()
    width = len(COLUMNS)
    for index, raw in todo:
        parsed = parse(raw)
        row: list[Any] = [None] * width
        row[0], row[2], row[3] = index, parsed.record_key, safe_text(parsed.record_key)
        named = str(raw.get("organisation") or "").strip()
        pre = parsed.violations or ([NOT_OWN] if named and named != organisation.code else [])
        if pre:
            row[1], row[2] = "rejected", None  # the feedback names it by fb_key
            row[4] = _dump([(0, 0, i, v) for i, v in enumerate(pre)])
            prepared.rows.append(tuple(row))
            continue
        if parsed.action == "withdraw":
            _key(prepared, "diploma", parsed.record_key, index)
            row[1] = "withdraw"
            row[26:29] = parsed.effective_date, parsed.reason, parsed.reason_code
            prepared.rows.append(tuple(row))
            continue
        out: list[tuple[int, int, int, Violation]] = []
        person = parsed.person
        assert person is not None
        group = 1 if parsed.record_type == "diploma" else GROUP_PERSON
        number, kind = _pgn(parsed, group, out)
        row[6:12] = (number, kind, person.family_name, person.given_names, person.gender,
                     person.birth_date)  # fmt: skip
        row[1] = parsed.record_type
        if parsed.record_type == "diploma":
            data = parsed.diploma
            assert data is not None
            _key(prepared, "diploma", parsed.record_key, index)
            _plain(data)
            row[12:26] = (data.kind, data.sector, data.date_of_issue, data.exam_date,
                          data.programme_code, data.vo_profile, data.vo_leerweg, data.mbo_level,
                          data.mbo_leerweg, data.ho_degree, data.ho_exam_type, data.bekostigd,
                          json.dumps(data.overige_gegevens), _grades(parsed, out))  # fmt: skip
            row[46] = sector_for(data, organisation)
        elif parsed.record_type == "enrolment":
            d = parsed.details
            _key(prepared, "enrolment", parsed.record_key, index)
            row[16], row[18] = d["programme_code"], d["vo_leerweg"]
            row[29:36] = (d["start_date"], d["end_date"], d["end_reason"], d["enrolment_form"],
                          d["prior_education"], d["programme_form"], d["programme_phase"])  # fmt: skip
        else:
            d = parsed.details
            _key(prepared, "result", parsed.record_key, index)
            _result_ranges(d, out)
            finite = not any(o[1] == ORD_RESULT_RANGE for o in out)
            numbers = [d[n] if finite else None for n in GRADE_NAMES]
            row[36:46] = (d["result_type"], d["result_date"], d["subject_code"], d["outcome"],
                          *(_text_number(v) for v in numbers),
                          *(_quantized(v, (3, 1)) for v in numbers))  # fmt: skip
        row[5] = _dump(out)
        _identity(prepared, number, parsed)
        prepared.rows.append(tuple(row))
    prepared.data = copy_text(prepared.rows)
    prepared.kinds = frozenset(row[1] for row in prepared.rows)
    return prepared


def today_of(recorded_at: dt.datetime) -> dt.date:
    """The day the per-record path checks future dates against (``recorded_at.date()``)."""
    return recorded_at.date()
