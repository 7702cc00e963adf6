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

Rows are streamed with a server-side cursor (constant memory). Pseudonyms and subject references
stay in Python (``_stream``), computed by the same functions as for a look-up.
"""

# ruff: noqa: S608  (the SQL is built from quoted model tables and the fixed columns below; values are bound)
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
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
    "corrected": (
        "EXISTS (SELECT 1 FROM {version} c WHERE c.diploma_id = cur.diploma_id"
        " AND c.version <= cur.version AND c.change = 'correction')"
    ),
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


def plan(rule: LegalBasis, now: dt.datetime, day: dt.date, year: int | None) -> Plan:
    """The one query of an export under ``rule`` (columns: pgn, has identity, the person fields
    in order, the documents as JSON text when the basis has document fields)."""
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
    ctes = [
        f"iv AS (SELECT DISTINCT ON (v.person_id) v.* FROM {t['identity']} v"
        f" WHERE {in_force.format(a='v')} ORDER BY v.person_id, v.version DESC)"
    ]
    joins = ["LEFT JOIN iv ON iv.person_id = pe.id"]
    where = ["pe.merged_into_id IS NULL"]
    with_documents = bool(diploma_fields) or "ho_document_since_1996" in person_fields
    if with_documents:
        filters = ["cur.date_of_issue <= %(day)s", "cur.status <> %(earned)s",  # _projection.visible
                   "NOT (cur.status = %(withdrawn)s AND cur.withdrawal_code = ANY(%(hidden)s))"]  # fmt: skip
        if year:
            params["year_from"], params["year_to"] = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
            filters.append("cur.date_of_issue >= %(year_from)s AND cur.date_of_issue < %(year_to)s")
        if "status" not in rule.fields:
            filters.append("cur.status <> %(withdrawn)s")
        document = ", ".join(
            f"'{name}', {DOCUMENT_SQL[name].format(**t)}" for name in diploma_fields
        )
        aggregates = ["bool_or(cur.kind = ANY(%(ho_kinds)s) AND cur.status = %(valid)s"
                      " AND cur.date_of_issue BETWEEN %(ho_since)s AND %(day)s) AS ho_since_1996"]  # fmt: skip
        if diploma_fields:
            aggregates.append(
                f"json_agg(json_build_object({document}) ORDER BY cur.diploma_id) AS documents"
            )
        ctes.append(
            f"cur AS (SELECT DISTINCT ON (v.diploma_id) v.* FROM {t['version']} v"
            f" WHERE {in_force.format(a='v')} ORDER BY v.diploma_id, v.version DESC)"
        )
        ctes.append(
            f"per AS (SELECT d.person_id, {', '.join(aggregates)} FROM cur"
            f" JOIN {t['diploma']} d ON d.id = cur.diploma_id"
            f" JOIN {t['organisation']} o ON o.id = d.organisation_id"
            f" LEFT JOIN {t['programme']} p ON p.id = cur.programme_id"
            f" WHERE {' AND '.join(filters)} GROUP BY d.person_id)"
        )
        joins.append(("JOIN" if rule.population == "documents" else "LEFT JOIN")
                     + " per ON per.person_id = pe.id")  # fmt: skip
    elif rule.population == "documents":
        where.append("false")  # as the Python path: no documents looked at, nobody holds one
    if "ho_enrolled_on_peildatum" in person_fields:
        ctes.append(
            f"ev AS (SELECT DISTINCT ON (v.enrolment_id) v.* FROM {t['enrolment_version']} v"
            f" WHERE {in_force.format(a='v')} ORDER BY v.enrolment_id, v.version DESC)"
        )
        ctes.append(
            f"enr AS (SELECT DISTINCT e.person_id FROM ev JOIN {t['enrolment']} e"
            f" ON e.id = ev.enrolment_id JOIN {t['organisation']} o ON o.id = e.organisation_id"
            " WHERE o.kind = ANY(%(whw)s) AND ev.start_date <= %(day)s"
            " AND (ev.end_date IS NULL OR %(day)s < ev.end_date))"
        )
        joins.append("LEFT JOIN enr ON enr.person_id = pe.id")
    columns = ["pe.pgn", "(iv.person_id IS NOT NULL)"] + [PERSON_SQL[f] for f in person_fields]
    if diploma_fields:
        columns.append("COALESCE(per.documents, '[]'::json)::text")
    sql = (
        f"WITH {', '.join(ctes)} SELECT {', '.join(columns)} FROM {t['person']} pe "
        f"{' '.join(joins)} WHERE {' AND '.join(where)} ORDER BY pe.id"
    )
    return Plan(sql, params, person_fields, diploma_fields)


def rows(plan: Plan) -> Iterator[tuple[str, dict[str, Any], list[dict[str, Any]] | None]]:
    """(pgn, person values, documents or None) per person, from a server-side cursor. Call inside
    the export's transaction."""
    person_fields, diploma_fields = plan.person_fields, plan.diploma_fields
    identity = [f for f in person_fields if f in IDENTITY]
    dates = [f for f in diploma_fields if f in DATES]
    with_documents = bool(diploma_fields)
    size = len(person_fields)
    reader = connections[replica.read_alias()]  # the replica when there is one
    reader.ensure_connection()
    raw = reader.connection
    assert raw is not None
    with raw.cursor() as settings:  # for this export's transaction only
        settings.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")  # sorts and hashes in memory
        settings.execute("SET LOCAL jit = off")  # compiling costs more than it saves here
    with raw.cursor(name="export_sql") as cursor:
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
