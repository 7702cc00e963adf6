"""Private to the engine (``_stream``): the rows of a bulk export as ONE SQL query per basis, on
PostgreSQL (SQLite keeps the Python path of ``_stream.ExportStream``).

The query is generated from the basis's fields (``_scope.fields_for(rule, None, None)``, the same
set as the look-up path) through the output -> column mapping below, and answers what the Python
path answers:

* the current version of each document on the peildatum as known now (``register.history``):
  ``DISTINCT ON (diploma_id) ... ORDER BY diploma_id, version DESC`` over the versions with
  ``recorded_at <= now`` and ``valid_from <= day < valid_to`` (or no ``valid_to``); then issued on or
  before the peildatum, in ``year`` when asked, withdrawn ones only when the basis has ``status``,
  never a withdrawn one whose code is ``hidden`` (``_projection.visible``);
* documents reached through ``Diploma.person_id`` (after a merge the identity row names the BSN
  person), persons with ``merged_into`` set skipped;
* the identity in force on the peildatum (``DISTINCT ON (person_id)``), the derived answers
  (``age_on_peildatum``, ``ho_document_since_1996``, ``ho_enrolled_on_peildatum``) in SQL;
* documents nested per person with ``json_agg`` (grades nested in each document).

Rows are streamed with a server-side cursor (constant memory); pseudonyms and subject references
are then computed in Python (``_stream``) by the same functions as for a look-up. A CSV export
uses the same query with another select list (``columns``, from ``_export_copy``): the documents
aggregated as the JSON text ``json.dumps`` writes, the line finished in SQL.
"""

# ruff: noqa: S608  (the SQL is built from quoted model tables and the fixed columns below; values are bound)
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, connections
from django.utils import timezone

from diplomaregister.core import replica
from diplomaregister.law.loaders import (
    LegalBasis,
    organisation_kinds,
    person_level_outputs,
    withdrawal_codes,
)
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.models import (
    Diploma,
    DiplomaGrade,
    DiplomaStatus,
    DiplomaVersion,
    Enrolment,
    EnrolmentVersion,
    Person,
    PersonVersion,
    Programme,
)
from diplomaregister.verstrekking import _projection, _scope

ITERSIZE = 5000
WORK_MEM = "256MB"
SCOPES = ("all",)  # the scopes of every bulk_export basis; others keep the Python path

# identity outputs: absent from a row when the person has no identity in force on the peildatum
IDENTITY = ("family_name", "given_names", "gender", "birth_date", "death_date", "postcode",
            "birth_country", "nationality", "age_on_peildatum")  # fmt: skip

PERSON_SQL = {
    "pgn": "pe.pgn",
    "family_name": "iv.family_name",
    "given_names": "iv.given_names",
    "gender": "iv.gender",
    "birth_date": "iv.birth_date",
    "death_date": "iv.death_date",
    "postcode": "iv.postcode",
    "birth_country": "iv.birth_country",
    "nationality": "iv.nationality",
    # _projection.age_on: whole years on the peildatum
    "age_on_peildatum": (
        "(EXTRACT(YEAR FROM %(day)s::date) - EXTRACT(YEAR FROM iv.birth_date)"
        " - CASE WHEN (EXTRACT(MONTH FROM %(day)s::date), EXTRACT(DAY FROM %(day)s::date))"
        " < (EXTRACT(MONTH FROM iv.birth_date), EXTRACT(DAY FROM iv.birth_date))"
        " THEN 1 ELSE 0 END)::int"
    ),
    "ho_document_since_1996": "COALESCE(per.ho_since_1996, false)",
    "ho_enrolled_on_peildatum": "(enr.person_id IS NOT NULL)",
}

# the person outputs that are text (or None); the others are dates, numbers and booleans
PERSON_TEXT = frozenset({"pgn", "family_name", "given_names", "gender", "postcode",
                         "birth_country", "nationality"})  # fmt: skip

# _projection.diploma_values, column by column (``cur``: the current version, ``d`` the document,
# ``o`` its organisation, ``p`` the programme)
DOCUMENT_SQL = {
    "diploma_id": "cur.diploma_id",
    "diploma_version": "cur.version",
    "kind": "cur.kind",
    "sector": "cur.sector",
    "organisation_name": "o.name",
    "organisation_code": "o.code",
    "status": "cur.status",
    "status_since": (
        "CASE WHEN cur.status = %(withdrawn)s THEN cur.valid_from"
        " ELSE (cur.recorded_at AT TIME ZONE %(tz)s)::date END"
    ),
    # a correction at or before the current version (the ``fix`` CTE: each document's first)
    "corrected": "COALESCE(fix.first_correction <= cur.version, false)",
    "withdrawal_reason": "cur.withdrawal_reason",
    "programme_name": "COALESCE(p.name_nl, '')",
    "programme_name_en": "COALESCE(NULLIF(p.name_en, ''), p.name_nl, '')",
    "programme_code": "COALESCE(p.code, '')",
    "date_of_issue": "cur.date_of_issue",
    "exam_date": "cur.exam_date",
    "ho_degree": "cur.ho_degree",
    "mbo_level": "cur.mbo_level",
    "vo_profile": "cur.vo_profile",
    "vo_leerweg": "cur.vo_leerweg",
    "mbo_leerweg": "cur.mbo_leerweg",
    "ho_exam_type": "cur.ho_exam_type",
    "grades": (
        "(SELECT COALESCE(json_agg(json_build_object('subject_code', g.subject_code,"
        " 'subject_name', g.subject_name, 'school_exam_grade', g.school_exam_grade,"
        " 'central_exam_grade', g.central_exam_grade, 'final_grade', g.final_grade)"
        " ORDER BY g.subject_code COLLATE \"C\"), '[]'::json)"
        " FROM {grade} g WHERE g.diploma_version_id = cur.id AND g.credits_ec IS NULL"
        " AND g.pass_result = '' AND g.result_date IS NULL)"  # HO course results: course_results
    ),
}
DATES = frozenset({"status_since", "date_of_issue", "exam_date"})
DECIMALS = ("school_exam_grade", "central_exam_grade", "final_grade")

# --- The documents as the text json.dumps(..., cls=DjangoJSONEncoder, ensure_ascii=False) writes,
# for the CSV path (_export_copy): {"name": value, ...} joined by ", " in [...]; a Decimal and a
# date as a string, None as null; every quote already doubled (Q) as in the CSV cell. A string is
# written as it is unless it holds a character json.dumps escapes (%(json_special)s, tested once
# per document or grade), then to_json, which escapes them as Python does. Dates need DateStyle
# ISO (reader_cursor). Pieces are joined in a balanced tree of || (each step copies its operands).
JSON_SPECIAL = '[\x01-\x1f"\\\\]'  # a regular expression (bound): a quote, a backslash, a control
Q = '""'
KINDS = {"diploma_id": "number", "diploma_version": "number", "mbo_level": "number",
         "corrected": "bool", "grades": "json", **dict.fromkeys(DATES, "date")}  # fmt: skip
Piece = tuple[bool, str]  # (a literal, its text) or (an expression, its SQL)


def _nullable(expr: str) -> bool:
    models = {"cur": DiplomaVersion, "o": Organisation, "g": DiplomaGrade}
    if (match := re.fullmatch(r"(\w+)\.(\w+)", expr)) and match[1] in models:
        return bool({f.column: f for f in models[match[1]]._meta.concrete_fields}[match[2]].null)
    return not re.fullmatch(r"COALESCE\(.*, ('[^']*'|false)\)", expr)


def concat(pieces: list[Piece]) -> str:
    merged: list[Piece] = []
    for literal, text in pieces:
        if literal and merged and merged[-1][0]:
            merged[-1] = (True, merged[-1][1] + text)
        else:
            merged.append((literal, text))
    assert not any(literal and "%" in text for literal, text in merged)  # values are bound
    exprs = ["'" + text.replace("'", "''") + "'" if literal else text for literal, text in merged]
    while len(exprs) > 1:
        pairs = [exprs[i : i + 2] for i in range(0, len(exprs), 2)]
        exprs = [f"({p[0]} || {p[1]})" if len(p) == 2 else p[0] for p in pairs]
    return exprs[0]


def _pieces(kind: str, expr: str, plain: bool) -> list[Piece]:
    nullable = _nullable(expr)
    if kind in ("date", "decimal", "text"):
        if kind == "text" and not plain:
            return [(False, f"COALESCE(replace(to_json({expr})::text, '\"', '{Q}'), 'null')")]
        text = expr if kind == "text" else f"({expr})::text"
        if nullable:
            return [(False, f"COALESCE('{Q}' || {text} || '{Q}', 'null')")]
        return [(True, Q), (False, text), (True, Q)]
    if kind == "number":
        return [(False, f"COALESCE(({expr})::text, 'null')" if nullable else f"({expr})::text")]
    if kind == "bool":
        return [(False, f"CASE WHEN {expr} THEN 'true' WHEN NOT {expr} THEN 'false' ELSE 'null' END"
                 if nullable else f"CASE WHEN {expr} THEN 'true' ELSE 'false' END")]  # fmt: skip
    return [(False, expr)]  # json


def _object(values: list[tuple[str, str, str]]) -> str:
    """SQL for the JSON text of an object from (key, kind, expression) triples."""

    def render(plain: bool) -> str:
        pieces: list[Piece] = [(True, "{")]
        for index, (key, kind, expr) in enumerate(values):
            pieces.append((True, f"{', ' if index else ''}{Q}{key}{Q}: "))
            pieces += _pieces(kind, expr, plain)
        return concat([*pieces, (True, "}")])

    texts = [(False, expr if not _nullable(expr) else f"COALESCE({expr}, '')")
             for _, kind, expr in values if kind == "text"]  # fmt: skip
    if not texts:
        return render(True)
    test = concat(texts)
    return f"(CASE WHEN {test} ~ %(json_special)s THEN {render(False)} ELSE {render(True)} END)"


def document_text(diploma_fields: list[str]) -> str:
    """SQL for one document's JSON text (quotes doubled); ``gr``: the grades' (``grades_text``)."""
    return _object([
        (n, KINDS.get(n, "text"), "COALESCE(gr.grades, '[]')" if n == "grades" else DOCUMENT_SQL[n])
        for n in diploma_fields
    ])  # fmt: skip


def grades_text(grade_table: str, versions: str = "") -> str:
    """The ``gr`` CTE: the grades of each version as JSON text (quotes doubled), in subject
    order, the HO course results left out (those are course_results). ``versions``: a condition
    on the version id (``{a}``), for one part of a split export."""
    grade = _object(
        [("subject_code", "text", "g.subject_code"), ("subject_name", "text", "g.subject_name")]
        + [(d, "decimal", f"g.{d}") for d in DECIMALS]
    )
    return (
        f"SELECT g.diploma_version_id, '[' || string_agg({grade}, ', ' ORDER BY g.subject_code"
        f" COLLATE \"C\") || ']' AS grades FROM {grade_table} g WHERE g.credits_ec IS NULL"
        f" AND g.pass_result = '' AND g.result_date IS NULL"
        f"{versions.format(a='g.diploma_version_id')} GROUP BY g.diploma_version_id"
    )


def applies(rule: LegalBasis) -> bool:
    return connection.vendor == "postgresql" and rule.scope_for("bulk_export") in SCOPES


@dataclass(frozen=True)
class Plan:
    sql: str
    params: dict[str, Any]
    person_fields: list[str]
    diploma_fields: list[str]


def _tables() -> dict[str, str]:
    models = {"person": Person, "identity": PersonVersion, "diploma": Diploma,
              "version": DiplomaVersion, "grade": DiplomaGrade, "programme": Programme,
              "organisation": Organisation, "enrolment": Enrolment,
              "enrolment_version": EnrolmentVersion}  # fmt: skip
    return {name: connection.ops.quote_name(model._meta.db_table) for name, model in models.items()}


Columns = Callable[[list[str], list[str], dict[str, Any]], list[str]]


def plan(rule: LegalBasis, now: dt.datetime, day: dt.date, year: int | None,
         columns: Columns | None = None, persons: tuple[int, int] | None = None) -> Plan:  # fmt: skip
    """The one query of an export under ``rule`` (columns: pgn, has identity, the person fields
    in order, the documents as JSON text when the basis has document fields). ``columns`` (the
    CSV path): the select list instead, from (person fields, document fields, params), with
    ``per.documents`` the documents already as ``json.dumps`` text. ``persons``: only the persons
    with ``low <= id < high``, the range applied inside every part of the query (one part of an
    export split over several server processes)."""
    fields = _scope.fields_for(rule, None, None)
    person_level = person_level_outputs()
    person_fields = [f for f in fields if f in person_level]
    diploma_fields = [f for f in fields if f not in person_level]
    unknown = [f for f in fields if f not in PERSON_SQL and f not in DOCUMENT_SQL]
    if unknown:  # a new output in legal_bases.yaml needs its column here
        raise LookupError(f"No SQL column for {', '.join(unknown)}.")
    t = _tables()
    hidden = [code for code, item in withdrawal_codes().items() if item.hidden]
    params: dict[str, Any] = {
        "now": now, "day": day, "withdrawn": DiplomaStatus.WITHDRAWN, "hidden": hidden,
        "tz": timezone.get_current_timezone_name(), "ho_kinds": sorted(_projection.HO_KINDS),
        "ho_since": _projection.HO_SINCE, "valid": DiplomaStatus.VALID, "earned": DiplomaStatus.EARNED,
        "whw": sorted(k for k, v in organisation_kinds().items() if v.law == _projection.HO_LAW),
    }  # fmt: skip
    in_force = (
        "{a}.recorded_at <= %(now)s AND {a}.valid_from <= %(day)s"
        " AND ({a}.valid_to IS NULL OR {a}.valid_to > %(day)s)"
    )
    # the person range of a part (empty for the whole export): on the person, or through the
    # document / enrolment / version the row belongs to
    of = {"person": "", "diploma": "", "version": "", "enrolment": ""}
    if persons is not None:
        params["low"], params["high"] = persons

        def span(a: str) -> str:
            return f"{a}person_id >= %(low)s AND {a}person_id < %(high)s"

        of = {
            "person": f" AND {span('v.')}",
            "diploma": f" AND {{a}} IN (SELECT id FROM {t['diploma']} WHERE {span('')})",
            "version": (f" AND {{a}} IN (SELECT x.id FROM {t['version']} x JOIN {t['diploma']} y"
                        f" ON y.id = x.diploma_id WHERE {span('y.')})"),
            "enrolment": f" AND {{a}} IN (SELECT id FROM {t['enrolment']} WHERE {span('')})",
        }  # fmt: skip
    ctes = [
        f"iv AS (SELECT DISTINCT ON (v.person_id) {NARROW}iv FROM {t['identity']} v"
        f" WHERE {in_force.format(a='v')}{of['person']}"
        " ORDER BY v.person_id, v.version DESC)"
    ]
    joins = ["LEFT JOIN iv ON iv.person_id = pe.id"]
    where = ["pe.merged_into_id IS NULL"]
    if persons is not None:
        where.append("pe.id >= %(low)s AND pe.id < %(high)s")
    with_documents = bool(diploma_fields) or "ho_document_since_1996" in person_fields
    if with_documents:
        filters = ["cur.date_of_issue <= %(day)s", "cur.status <> %(earned)s",  # _projection.visible
                   "NOT (cur.status = %(withdrawn)s AND cur.withdrawal_code = ANY(%(hidden)s))"]  # fmt: skip
        if year:
            params["year_from"], params["year_to"] = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
            filters.append("cur.date_of_issue >= %(year_from)s AND cur.date_of_issue < %(year_to)s")
        if "status" not in rule.fields:
            filters.append("cur.status <> %(withdrawn)s")
        if columns is None:
            document = ", ".join(
                f"'{name}', {DOCUMENT_SQL[name].format(**t)}" for name in diploma_fields
            )
            documents = f"json_agg(json_build_object({document}) ORDER BY cur.diploma_id)"
        else:  # the text json.dumps writes: {"name": value, ...} joined by ", " in [...]
            params["json_special"] = JSON_SPECIAL
            document = document_text(diploma_fields)
            documents = f"'[' || string_agg({document}, ', ' ORDER BY cur.diploma_id) || ']'"
        aggregates = []
        if "ho_document_since_1996" in person_fields:
            aggregates.append("bool_or(cur.kind = ANY(%(ho_kinds)s) AND cur.status = %(valid)s"
                              " AND cur.date_of_issue BETWEEN %(ho_since)s AND %(day)s)"
                              " AS ho_since_1996")  # fmt: skip
        if diploma_fields:
            aggregates.append(f"{documents} AS documents")
        ctes.append(
            f"cur AS (SELECT DISTINCT ON (v.diploma_id) {NARROW}cur FROM {t['version']} v"
            f" WHERE {in_force.format(a='v')}{of['diploma'].format(a='v.diploma_id')}"
            " ORDER BY v.diploma_id, v.version DESC)"
        )
        extra = ""
        if "corrected" in diploma_fields:
            ctes.append(
                f"fix AS (SELECT diploma_id, min(version) AS first_correction FROM {t['version']}"
                f" WHERE change = 'correction'{of['diploma'].format(a='diploma_id')}"
                " GROUP BY diploma_id)"
            )
            extra += " LEFT JOIN fix ON fix.diploma_id = cur.diploma_id"
        if columns is not None and "grades" in diploma_fields:
            ctes.append(f"gr AS ({grades_text(t['grade'], of['version'])})")
            extra += " LEFT JOIN gr ON gr.diploma_version_id = cur.id"
        ctes.append(
            f"per AS (SELECT d.person_id, {', '.join(aggregates)} FROM cur"
            f" JOIN {t['diploma']} d ON d.id = cur.diploma_id"
            f" JOIN {t['organisation']} o ON o.id = d.organisation_id"
            f" LEFT JOIN {t['programme']} p ON p.id = cur.programme_id{extra}"
            f" WHERE {' AND '.join(filters)} GROUP BY d.person_id)"
        )
        joins.append(("JOIN" if rule.population == "documents" else "LEFT JOIN")
                     + " per ON per.person_id = pe.id")  # fmt: skip
    elif rule.population == "documents":
        where.append("false")  # as the Python path: no documents looked at, nobody holds one
    if "ho_enrolled_on_peildatum" in person_fields:
        ctes.append(
            f"ev AS (SELECT DISTINCT ON (v.enrolment_id) {NARROW}ev FROM {t['enrolment_version']} v"
            f" WHERE {in_force.format(a='v')}{of['enrolment'].format(a='v.enrolment_id')}"
            " ORDER BY v.enrolment_id, v.version DESC)"
        )
        ctes.append(
            f"enr AS (SELECT DISTINCT e.person_id FROM ev JOIN {t['enrolment']} e"
            f" ON e.id = ev.enrolment_id JOIN {t['organisation']} o ON o.id = e.organisation_id"
            " WHERE o.kind = ANY(%(whw)s) AND ev.start_date <= %(day)s"
            " AND (ev.end_date IS NULL OR %(day)s < ev.end_date))"
        )
        joins.append("LEFT JOIN enr ON enr.person_id = pe.id")
    if columns is None:
        select = ["pe.pgn", "(iv.person_id IS NOT NULL)"] + [PERSON_SQL[f] for f in person_fields]
        if diploma_fields:
            select.append("COALESCE(per.documents, '[]'::json)::text")
    else:
        select = columns(person_fields, diploma_fields, params)
    sql = (
        f"WITH {', '.join(ctes)} SELECT {', '.join(select)} FROM {t['person']} pe "
        f"{' '.join(joins)} WHERE {' AND '.join(where)} ORDER BY pe.id"
    )
    return Plan(_narrow(sql), params, person_fields, diploma_fields)


NARROW = "@columns of "
KEYS = {"iv": ["person_id", "version"], "cur": ["diploma_id", "version"],
        "ev": ["enrolment_id", "version"]}  # fmt: skip


def _narrow(sql: str) -> str:
    """The current-version CTEs select the columns the query uses, not the wide rows (a smaller
    sort)."""
    for alias, keys in KEYS.items():
        used = set(re.findall(rf"(?<![\w.]){alias}\.(\w+)", sql)) | set(keys)
        sql = sql.replace(f"{NARROW}{alias}", ", ".join(f"v.{c}" for c in sorted(used)))
    return sql


@contextlib.contextmanager
def reader_cursor(name: str = "") -> Iterator[Any]:
    """A cursor of the raw connection that reads the register (the replica when there is one;
    ``name``: server-side), with this export's settings. Call inside the export's transaction."""
    reader = connections[replica.read_alias()]
    reader.ensure_connection()
    raw = reader.connection
    assert raw is not None
    with raw.cursor() as settings:  # for this export's transaction only
        export_settings(settings)
    with raw.cursor(name=name) as cursor:
        yield cursor


def export_settings(cursor: Any) -> None:
    """This export's settings, for its transaction only (a raw cursor)."""
    cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")  # sorts and hashes in memory
    cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves here
    cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")  # date::text as date.isoformat()


def rows(plan: Plan) -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]] | None]]:
    """(pgn, person values, documents or None) per person, from a server-side cursor. Call inside
    the export's transaction."""
    person_fields, diploma_fields = plan.person_fields, plan.diploma_fields
    identity = [f for f in person_fields if f in IDENTITY]
    dates = [f for f in diploma_fields if f in DATES]
    with_documents = bool(diploma_fields)
    size = len(person_fields)
    with reader_cursor("export_sql") as cursor:
        cursor.itersize = ITERSIZE
        cursor.execute(plan.sql, plan.params)
        while batch := cursor.fetchmany(ITERSIZE):
            for record in batch:
                values = dict(zip(person_fields, record[2 : 2 + size], strict=True))
                if not record[1]:
                    for name in identity:
                        del values[name]
                documents = None
                if with_documents:
                    documents = json.loads(record[2 + size], parse_float=Decimal)
                    if dates:
                        for doc in documents:
                            for name in dates:
                                if doc[name] is not None:
                                    doc[name] = dt.date.fromisoformat(doc[name])
                yield record[0], values, documents
