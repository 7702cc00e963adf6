"""Set-based levering on PostgreSQL: one chunk of a delivery in a fixed number of statements.

COPY the prepared rows (levering/_prepare.py) into a session-local staging table → the rules as
one statement generated from the law tables (levering/sqlcheck.py) → the decisions of
``register/decide.py`` and ``register/facts.py`` (created, unchanged, corrected, withdrawn, another
person's key, identity new / corrected / mismatch) as set operations → ``INSERT … SELECT`` into the
register's tables → one feedback row per record and the chunk's counts. It runs in the chunk's
transaction, so a crash leaves nothing of the chunk; the staging rows vanish at commit.

Columns a delivery does not fill are inserted with the model field's default (read from ``_meta``),
as the ORM would. The per-record path (register/services.py) stays for single API records and
SQLite; levering/tests/test_setwise.py proves both give the same register rows and feedback.
"""

# ruff: noqa: S608  (SQL built from model tables, _meta columns and fixed names; values are bound)
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, models

from diplomaregister.levering._prepare import COLUMNS, Fallback, Prepared
from diplomaregister.levering.models import DeliveryRecord
from diplomaregister.levering.sqlcheck import STAGE, validation_sql
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.decide import EXTENDED_COLUMNS, GRADE_COLUMNS
from diplomaregister.register.models import (
    Diploma,
    DiplomaGrade,
    DiplomaVersion,
    Enrolment,
    EnrolmentVersion,
    IdentityMismatch,
    Person,
    PersonVersion,
    Programme,
    Result,
    ResultVersion,
)

DERIVED = {
    "ok": "boolean", "person_id": "bigint", "merged": "boolean", "p_type": "text",
    "p_assigned": "bigint", "target_id": "bigint", "holder_id": "bigint", "lv_id": "bigint",
    "lv_version": "int", "lv_valid_from": "date", "cur_id": "bigint", "programme_id": "bigint",
    "action": "text", "new_id": "bigint", "mismatch": "text[]", "d_id": "bigint", "v_id": "bigint",
}  # fmt: skip
SETUP = [
    f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ("
    + ", ".join(f"{n} {t}" for n, t in {**COLUMNS, **DERIVED}.items())
    + ") ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE IF NOT EXISTS _lev_violation (idx int, grp int, ord int, seq int, field text, "
    "rule text, message text) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE IF NOT EXISTS _lev_person (pgn text, pgn_type text, person_id bigint, "
    "family_name text, given_names text, gender text, birth_date date, v_version int, v_change text, "
    "v_death date, differs text[], source_ok boolean, first_idx int) ON COMMIT DELETE ROWS",
    f"DELETE FROM {STAGE}",
    "DELETE FROM _lev_violation",
    "DELETE FROM _lev_person",
]
FACTS = {"enrolment": (Enrolment, EnrolmentVersion, "start_date"),
         "result": (Result, ResultVersion, "result_date")}  # fmt: skip
ENROLMENT_VALUES = ("start_date", "end_date", "end_reason", "enrolment_form", "prior_education",
                    "programme_form", "programme_phase", "vo_leerweg")  # fmt: skip
RESULT_VALUES = ("result_type", "result_date", "subject_code", "outcome")
GRADES = (("school_exam_grade", "se_q"), ("central_exam_grade", "ce_q"), ("final_grade", "fg_q"))
ANALYZE = (
    f"ANALYZE {STAGE} (idx, rtype, ok, action, pgn, record_key, target_id, esector, programme_code)"
)
ACCEPTED = "s.ok AND s.action IN ('created', 'corrected', 'unchanged')"


class Statement:
    """An ``INSERT … SELECT`` naming every concrete column of ``model``: the given expressions,
    else the field's default as a parameter (Django sets defaults in Python, not in the table)."""

    def __init__(self, model: type[models.Model], given: dict[str, str]) -> None:
        self.columns, self.exprs, self.params = [], [], {}  # type: ignore[var-annotated]
        for f in model._meta.concrete_fields:
            if f.primary_key and f.column not in given:
                continue
            self.columns.append(connection.ops.quote_name(str(f.column)))
            if f.column in given:
                self.exprs.append(given[f.column])
            else:
                name = f"d_{model._meta.model_name}_{f.column}"
                self.exprs.append(f"%({name})s")
                self.params[name] = f.get_db_prep_save(f.get_default(), connection)

    def insert(self, table: str, tail: str, returning: str = "") -> str:
        sql = (
            f"INSERT INTO {table} ({', '.join(self.columns)}) SELECT {', '.join(self.exprs)} {tail}"
        )
        return sql + (f" RETURNING {returning}" if returning else "")


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


_SEQUENCES: dict[str, str] = {}


def _sequence(model: type[models.Model]) -> str:
    """The sequence of the table's id column (an identity column), read once."""
    table = _table(model)
    if table not in _SEQUENCES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            _SEQUENCES[table] = cursor.fetchone()[0]
    return _SEQUENCES[table]


def _run(cursor: Any, sql: str, params: dict[str, Any]) -> None:
    cursor.execute(sql, params)


def _copy(cursor: Any, prepared: Prepared) -> None:
    """The staging rows, formatted while they were prepared (``_prepare.copy_text``)."""
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {STAGE} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
    ):
        copy.write(prepared.data)


def _lookups(cursor: Any, p: dict[str, Any], kinds: set[str]) -> set[str]:
    """Which records passed the rules, and what the register holds for them; returns the record
    types of which the register holds some (the statements for absent types are skipped)."""
    targets = set()
    _run(cursor, f"""UPDATE {STAGE} s SET ok = NOT EXISTS (SELECT 1 FROM _lev_violation v WHERE v.idx = s.idx),
        action = CASE WHEN s.rtype = 'withdraw' THEN 'unknown' ELSE 'created' END,
        d_id = CASE WHEN s.rtype = 'diploma' THEN nextval(%(d_seq)s) END,
        v_id = CASE WHEN s.rtype = 'diploma' THEN nextval(%(v_seq)s) END,
        (person_id, merged, p_type, p_assigned) = (SELECT p.id, p.merged_into_id IS NOT NULL, p.pgn_type,
        p.assigned_by_id FROM {_table(Person)} p WHERE p.pgn = s.pgn)""", p)  # fmt: skip
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {STAGE} WHERE ok AND merged)")
    if cursor.fetchone()[0]:
        raise Fallback("a merged onderwijsnummer: the per-record path follows the merge")
    for rtype, table in (
        ("diploma", Diploma),
        ("withdraw", Diploma),
        *((k, m[0]) for k, m in FACTS.items()),
    ):
        if rtype not in kinds:
            continue
        version = DiplomaVersion if table is Diploma else FACTS[rtype][1]
        parent = {Diploma: "diploma_id", Enrolment: "enrolment_id", Result: "result_id"}[table]
        _run(cursor, f"""UPDATE {STAGE} s SET target_id = t.id, holder_id = t.person_id, lv_id = v.id,
            lv_version = v.version, lv_valid_from = v.valid_from
            FROM {_table(table)} t LEFT JOIN LATERAL (SELECT x.id, x.version, x.valid_from FROM {_table(version)} x
            WHERE x.{parent} = t.id ORDER BY x.version DESC LIMIT 1) v ON TRUE
            WHERE t.organisation_id = %(org)s AND t.record_key = s.record_key AND s.ok AND s.rtype = '{rtype}'""", p)  # fmt: skip
        if (
            cursor.rowcount
        ):  # the records the chunk changes, locked as the per-record path locks them
            targets.add(rtype)
            _run(cursor, f"""SELECT count(*) FROM (SELECT 1 FROM {_table(table)} t JOIN {STAGE} s ON s.target_id = t.id
                WHERE s.rtype = '{rtype}' FOR UPDATE OF t) locked""", p)  # fmt: skip
    if "diploma" not in targets:
        return targets
    extended = " OR ".join(
        f"v.{c} IS DISTINCT FROM %(d_diplomaversion_{c})s" for c in EXTENDED_COLUMNS
    )
    check = Statement(DiplomaVersion, {})
    cursor.execute(f"""SELECT EXISTS (SELECT 1 FROM {STAGE} s JOIN {_table(DiplomaVersion)} v ON v.id = s.lv_id
        WHERE s.rtype = 'diploma' AND s.ok AND (v.status = 'earned' OR {extended} OR EXISTS (SELECT 1
        FROM {_table(DiplomaGrade)} g WHERE g.diploma_version_id = v.id AND (g.credits_ec IS NOT NULL
        OR g.pass_result <> '' OR g.result_date IS NOT NULL))))""", check.params)  # fmt: skip
    if cursor.fetchone()[0]:
        raise Fallback(
            "a stored version with extended data: the per-record path applies the scenario"
        )
    return targets


def _grade_rows(alias: str) -> str:
    return (f"ARRAY(SELECT ROW(e->>0, e->>1, (e->>2)::numeric, (e->>3)::numeric, (e->>4)::numeric) "
            f"FROM jsonb_array_elements({alias}.grades) e ORDER BY 1)")  # fmt: skip


def _decide(cursor: Any, p: dict[str, Any], kinds: set[str], targets: set[str]) -> None:
    """decide.decide_diploma, the withdrawal of services.withdraw_diploma and facts._append."""
    dv, grade = _table(DiplomaVersion), _table(DiplomaGrade)
    stored = (f"ARRAY(SELECT ROW(g.subject_code::text, g.subject_name::text, g.school_exam_grade, g.central_exam_grade, "
              f"g.final_grade) FROM {grade} g WHERE g.diploma_version_id = v.id ORDER BY 1)")  # fmt: skip
    same = " AND ".join([
        "v.kind = s.kind", "v.date_of_issue = s.date_of_issue", "v.sector = s.esector",
        "v.exam_date IS NOT DISTINCT FROM s.exam_date", "coalesce(pr.code, '') = s.programme_code",
        *(f"v.{c} = s.{c}" for c in ("vo_profile", "vo_leerweg", "mbo_leerweg", "ho_degree", "ho_exam_type")),
        "v.mbo_level IS NOT DISTINCT FROM s.mbo_level", "v.bekostigd IS NOT DISTINCT FROM s.bekostigd",
        "v.overige_gegevens = s.overige", f"{stored} = {_grade_rows('s')}",
    ])  # fmt: skip
    if "diploma" in targets:
        _run(cursor, f"""UPDATE {STAGE} s SET action = CASE WHEN s.target_id IS NULL THEN 'created'
        WHEN s.holder_id IS DISTINCT FROM s.person_id THEN 'other_person'
        WHEN v.status = 'withdrawn' THEN 'was_withdrawn' WHEN {same} THEN 'unchanged' ELSE 'corrected' END
        FROM {STAGE} t LEFT JOIN {dv} v ON v.id = t.lv_id LEFT JOIN {_table(Programme)} pr ON pr.id = v.programme_id
        WHERE t.idx = s.idx AND s.ok AND s.rtype = 'diploma' AND s.target_id IS NOT NULL""", p)  # fmt: skip
    if "withdraw" in targets:
        _withdrawal_decisions(cursor, p)
    if kinds & {"diploma", "enrolment"}:
        _programmes(cursor, p)
    for rtype, (_identity, version, _start) in FACTS.items():
        if rtype in targets:
            _fact_decisions(cursor, p, rtype, version)
    if targets or "withdraw" in kinds:
        _rejections(cursor, p)


def _withdrawal_decisions(cursor: Any, p: dict[str, Any]) -> None:
    dv = _table(DiplomaVersion)
    _run(cursor, f"""UPDATE {STAGE} s SET cur_id = coalesce((SELECT v.id FROM {dv} v WHERE v.diploma_id = s.target_id
        AND v.recorded_at <= %(now)s AND v.valid_from <= s.effective_date
        AND (v.valid_to IS NULL OR s.effective_date < v.valid_to) ORDER BY v.version DESC LIMIT 1), s.lv_id)
        WHERE s.ok AND s.rtype = 'withdraw' AND s.target_id IS NOT NULL""", p)  # fmt: skip
    _run(cursor, f"""UPDATE {STAGE} s SET action = CASE WHEN s.target_id IS NULL THEN 'unknown'
        WHEN l.status = 'withdrawn' THEN 'withdrawn' WHEN s.effective_date < c.date_of_issue THEN 'before_issue'
        ELSE 'withdraw' END
        FROM {STAGE} t LEFT JOIN {dv} l ON l.id = t.lv_id LEFT JOIN {dv} c ON c.id = t.cur_id
        WHERE t.idx = s.idx AND s.ok AND s.rtype = 'withdraw' AND s.target_id IS NOT NULL""", p)  # fmt: skip


def _fact_decisions(
    cursor: Any, p: dict[str, Any], rtype: str, version: type[models.Model]
) -> None:
    values = ENROLMENT_VALUES if rtype == "enrolment" else RESULT_VALUES
    equal = [f"v.{c} IS NOT DISTINCT FROM s.{c}" for c in values]
    if rtype == "enrolment":
        equal.append("v.programme_id IS NOT DISTINCT FROM s.programme_id")
    else:
        equal += [f"v.{c} IS NOT DISTINCT FROM s.{c}" for c, _q in GRADES]
    _run(cursor, f"""UPDATE {STAGE} s SET action = CASE
        WHEN s.target_id IS NULL THEN 'created' WHEN s.holder_id IS DISTINCT FROM s.person_id THEN 'other_person'
        WHEN v.id IS NOT NULL AND {' AND '.join(equal)} THEN 'unchanged' ELSE 'corrected' END
        FROM {STAGE} t LEFT JOIN {_table(version)} v ON v.id = t.lv_id
        WHERE t.idx = s.idx AND s.ok AND s.rtype = '{rtype}' AND s.target_id IS NOT NULL""", p)  # fmt: skip


def _rejections(cursor: Any, p: dict[str, Any]) -> None:
    _run(cursor, f"""INSERT INTO _lev_violation (idx, grp, ord, seq, field, rule, message)
        SELECT s.idx, 9, 0, 0, r.field, r.rule, r.message FROM {STAGE} s JOIN (VALUES
        ('diploma', 'other_person', 'pgn', 'record_key.other_person', 'This record key is registered for another person; withdraw it and deliver the document under a new record key.'),
        ('diploma', 'was_withdrawn', 'record_key', 'withdrawn', 'The document was withdrawn; it cannot be corrected.'),
        ('enrolment', 'other_person', 'pgn', 'record_key.other_person', 'This record key belongs to another person.'),
        ('result', 'other_person', 'pgn', 'record_key.other_person', 'This record key belongs to another person.'),
        ('withdraw', 'unknown', 'record_key', 'unknown', 'No document with this record key was delivered.'),
        ('withdraw', 'before_issue', 'effective_date', 'before_issue', 'A withdrawal cannot precede the date of issue.')
        ) AS r(rtype, action, field, rule, message) ON r.rtype = s.rtype AND r.action = s.action
        WHERE s.ok""", p)  # fmt: skip


def _programmes(cursor: Any, p: dict[str, Any]) -> None:
    """services._programme (get or create by sector and code) for the documents written, then the
    enrolments' programme (the first by code, as ``pipeline._fact`` looks it up): one that existed
    before the chunk, or one a document earlier in the chunk created."""
    written = "s.ok AND s.rtype = 'diploma' AND s.action IN ('created', 'corrected')"
    programme = Statement(Programme, {"sector": "x.esector", "code": "x.programme_code",
                                      "name_nl": "x.programme_code"})  # fmt: skip
    cursor.execute(programme.insert(_table(Programme), f"""FROM (SELECT DISTINCT s.esector, s.programme_code
        FROM {STAGE} s WHERE {written} AND s.programme_code <> '') x ORDER BY 1, 2
        ON CONFLICT (sector, code) DO NOTHING""", "id"), {**p, **programme.params})  # fmt: skip
    new = [row[0] for row in cursor.fetchall()]
    _run(cursor, f"""UPDATE {STAGE} s SET programme_id = (SELECT pr.id FROM {_table(Programme)} pr
        WHERE pr.code = s.programme_code AND (pr.id <> ALL(%(new)s::bigint[]) OR EXISTS (SELECT 1 FROM {STAGE} d
        WHERE d.rtype = 'diploma' AND d.ok AND d.action IN ('created', 'corrected') AND d.esector = pr.sector
        AND d.programme_code = pr.code
        AND d.idx < s.idx)) ORDER BY pr.id LIMIT 1)
        WHERE s.ok AND s.rtype = 'enrolment' AND s.programme_code <> ''""", {**p, "new": new})  # fmt: skip


def _identities(cursor: Any, p: dict[str, Any]) -> None:
    """decide.decide_identity once per person of the chunk's accepted records; a mismatch row per
    accepted record (as the per-record path writes one per record)."""
    pv = _table(PersonVersion)
    fields = ("family_name", "given_names", "gender", "birth_date")
    differs = ", ".join(f"CASE WHEN l.{f} IS DISTINCT FROM a.{f} THEN '{f}' END" for f in fields)
    _run(cursor, f"""INSERT INTO _lev_person SELECT a.pgn, a.pgn_type, a.person_id, a.family_name, a.given_names,
        a.gender, a.birth_date,
        CASE WHEN a.person_id IS NULL OR l.id IS NULL THEN 1
             WHEN d.differs = '{{}}' OR NOT a.source_ok THEN NULL ELSE l.version + 1 END,
        CASE WHEN a.person_id IS NULL OR l.id IS NULL THEN 'new' ELSE 'correction' END,
        CASE WHEN a.person_id IS NULL OR l.id IS NULL THEN NULL ELSE l.death_date END,
        CASE WHEN l.id IS NULL THEN '{{}}' ELSE d.differs END, a.source_ok, a.idx
        FROM (SELECT DISTINCT ON (s.pgn) s.*, coalesce(s.p_type = 'onderwijsnummer' AND s.p_assigned = %(org)s, FALSE) AS source_ok
              FROM {STAGE} s WHERE {ACCEPTED} ORDER BY s.pgn, s.idx) a
        LEFT JOIN LATERAL (SELECT * FROM {pv} x WHERE x.person_id = a.person_id ORDER BY x.version DESC LIMIT 1) l ON TRUE
        CROSS JOIN LATERAL (SELECT array_remove(ARRAY[{differs}]::text[], NULL) AS differs) d""", p)  # fmt: skip
    person = Statement(Person, {"pgn": "lp.pgn", "pgn_type": "lp.pgn_type", "created_at": "%(now)s",
                                "assigned_by_id": "CASE WHEN lp.pgn_type = 'onderwijsnummer' THEN %(org)s END",
                                "merged_into_id": "NULL"})  # fmt: skip
    insert = person.insert(_table(Person), "FROM _lev_person lp WHERE lp.person_id IS NULL ORDER BY lp.first_idx",
                           "id, pgn")  # fmt: skip
    _run(cursor, f"""WITH ins AS ({insert}), lp AS (UPDATE _lev_person lp SET person_id = ins.id FROM ins
        WHERE lp.pgn = ins.pgn) UPDATE {STAGE} s SET person_id = ins.id FROM ins WHERE s.pgn = ins.pgn""",
         {**p, **person.params})  # fmt: skip
    version = Statement(PersonVersion, {
        "version": "lp.v_version", "valid_from": "lp.birth_date", "valid_to": "NULL", "recorded_at": "%(now)s",
        "change": "lp.v_change", "source": "%(source)s", "person_id": "lp.person_id",
        "family_name": "lp.family_name", "given_names": "lp.given_names", "gender": "lp.gender",
        "birth_date": "lp.birth_date", "death_date": "lp.v_death"})  # fmt: skip
    _run(cursor, version.insert(pv, "FROM _lev_person lp WHERE lp.v_version IS NOT NULL ORDER BY lp.first_idx"),
         {**p, **version.params})  # fmt: skip
    _run(cursor, f"""UPDATE {STAGE} s SET mismatch = lp.differs FROM _lev_person lp
        WHERE lp.pgn = s.pgn AND {ACCEPTED} AND NOT lp.source_ok AND lp.differs <> '{{}}'""", p)  # fmt: skip
    mismatch = Statement(IdentityMismatch, {"person_id": "s.person_id", "organisation_id": "%(org)s",
                                            "fields": "to_jsonb(s.mismatch)", "recorded_at": "%(now)s",
                                            "source": "%(source)s"})  # fmt: skip
    _run(cursor, mismatch.insert(_table(IdentityMismatch),
                                 f"FROM {STAGE} s WHERE s.mismatch IS NOT NULL ORDER BY s.idx"),
         {**p, **mismatch.params})  # fmt: skip


def _diplomas(cursor: Any, p: dict[str, Any]) -> None:
    written = "s.ok AND s.rtype = 'diploma' AND s.action IN ('created', 'corrected')"
    diploma = Statement(Diploma, {"id": "s.d_id", "person_id": "s.person_id", "organisation_id": "%(org)s",
                                  "record_key": "s.record_key", "created_at": "%(now)s"})  # fmt: skip
    # ids drawn from the tables' sequences with the look-up: no RETURNING joined back
    # (in the staging table's order, that of the records: the ids are drawn, no sort is needed)
    _run(cursor, diploma.insert(_table(Diploma), f"FROM {STAGE} s WHERE {written} AND s.action = 'created'"),
         {**p, **diploma.params})  # fmt: skip
    columns = {c: f"s.{c}" for c in ("kind", "date_of_issue", "exam_date", "vo_profile", "vo_leerweg",
                                     "mbo_leerweg", "ho_degree", "ho_exam_type", "bekostigd")}  # fmt: skip
    version = Statement(DiplomaVersion, {"id": "s.v_id", "programme_id": "pr.id",
        **columns, "version": "coalesce(s.lv_version, 0) + 1",
        "valid_from": "CASE WHEN s.action = 'created' THEN s.date_of_issue ELSE least(s.lv_valid_from, s.date_of_issue) END",
        "valid_to": "NULL", "recorded_at": "%(now)s", "source": "%(source)s",
        "change": "CASE WHEN s.action = 'created' THEN 'new' ELSE 'correction' END",
        "diploma_id": "coalesce(s.target_id, s.d_id)", "person_id": "s.person_id", "status": "'valid'", "sector": "s.esector",
        "mbo_level": "s.mbo_level::smallint", "withdrawal_reason": "''", "withdrawal_code": "''",
        "overige_gegevens": "s.overige"})  # fmt: skip
    insert = version.insert(_table(DiplomaVersion), f"FROM {STAGE} s LEFT JOIN {_table(Programme)} pr ON "
                            f"pr.sector = s.esector AND pr.code = s.programme_code WHERE {written}")  # fmt: skip
    _run(cursor, insert, {**p, **version.params})
    grade = Statement(DiplomaGrade, {"diploma_version_id": "s.v_id", "person_id": "s.person_id",
                                     "subject_code": "e->>0", "subject_name": "e->>1",
                                     "school_exam_grade": "(e->>5)::numeric", "central_exam_grade": "(e->>6)::numeric",
                                     "final_grade": "(e->>7)::numeric"})  # fmt: skip
    _run(cursor, grade.insert(_table(DiplomaGrade), f"""FROM {STAGE} s CROSS JOIN LATERAL
        jsonb_array_elements(s.grades) WITH ORDINALITY AS g(e, n) WHERE {written} ORDER BY s.idx, g.n"""),
         {**p, **grade.params})  # fmt: skip


def _withdrawals(cursor: Any, p: dict[str, Any]) -> None:
    """services.withdraw_diploma: the columns of the version in force on the effective date, withdrawn."""
    todo = "s.ok AND s.rtype = 'withdraw' AND s.action = 'withdraw'"
    given = {"version": "s.lv_version + 1", "valid_from": "s.effective_date", "valid_to": "NULL",
             "recorded_at": "%(now)s", "change": "'withdrawal'", "source": "%(source)s", "status": "'withdrawn'",
             "withdrawal_reason": "s.reason", "withdrawal_code": "s.reason_code", "diploma_id": "s.target_id",
             "person_id": "s.holder_id"}  # fmt: skip
    for f in DiplomaVersion._meta.concrete_fields:
        if not f.primary_key and str(f.column) not in given:
            given[str(f.column)] = f"c.{connection.ops.quote_name(str(f.column))}"
    version = Statement(DiplomaVersion, given)
    insert = version.insert(_table(DiplomaVersion), f"FROM {STAGE} s JOIN {_table(DiplomaVersion)} c ON c.id = s.cur_id "
                            f"WHERE {todo} ORDER BY s.idx", "id, diploma_id")  # fmt: skip
    _run(cursor, f"""WITH ins AS ({insert}) UPDATE {STAGE} s SET new_id = ins.id FROM ins
        WHERE s.target_id = ins.diploma_id AND {todo}""", {**p, **version.params})  # fmt: skip
    copied = {n: f"g.{n}" for n in GRADE_COLUMNS}
    grade = Statement(
        DiplomaGrade, {**copied, "diploma_version_id": "s.new_id", "person_id": "s.holder_id"}
    )
    _run(cursor, grade.insert(_table(DiplomaGrade), f"""FROM {STAGE} s JOIN {_table(DiplomaGrade)} g
        ON g.diploma_version_id = s.cur_id WHERE {todo} ORDER BY s.idx, g.id"""), {**p, **grade.params})  # fmt: skip


def _facts(cursor: Any, p: dict[str, Any], kinds: set[str]) -> None:
    for rtype, (identity, version, start) in FACTS.items():
        if rtype not in kinds:
            continue
        written = f"s.ok AND s.rtype = '{rtype}' AND s.action IN ('created', 'corrected')"
        parent = identity._meta.model_name
        ident = Statement(identity, {"person_id": "s.person_id", "organisation_id": "%(org)s",
                                     "record_key": "s.record_key"})  # fmt: skip
        insert = ident.insert(_table(identity), f"FROM {STAGE} s WHERE {written} AND s.action = 'created' "
                              "ORDER BY s.idx", "id, record_key")  # fmt: skip
        _run(cursor, f"""WITH ins AS ({insert}) UPDATE {STAGE} s SET target_id = ins.id FROM ins
            WHERE s.record_key = ins.record_key AND s.rtype = '{rtype}'""", {**p, **ident.params})  # fmt: skip
        values = ENROLMENT_VALUES + ("programme_id",) if rtype == "enrolment" else RESULT_VALUES
        given = {c: f"s.{c}" for c in values}
        if rtype == "result":
            given.update({c: f"s.{q}" for c, q in GRADES})
        statement = Statement(version, {
            **given, f"{parent}_id": "s.target_id", "person_id": "s.person_id",
            "version": "coalesce(s.lv_version, 0) + 1", "valid_to": "NULL", "recorded_at": "%(now)s",
            "valid_from": f"CASE WHEN s.action = 'created' THEN s.{start} ELSE least(s.lv_valid_from, s.{start}) END",
            "change": "CASE WHEN s.action = 'created' THEN 'new' ELSE 'correction' END", "source": "%(source)s"})  # fmt: skip
        _run(cursor, statement.insert(_table(version), f"FROM {STAGE} s WHERE {written} ORDER BY s.idx"),
             {**p, **statement.params})  # fmt: skip


def _feedback(cursor: Any, p: dict[str, Any]) -> dict[str, int]:
    warning = ("jsonb_build_array(jsonb_build_object('field', 'identity', 'rule', 'identity.mismatch', 'message', "
               "'The identity delivered differs from the register''s source (' || array_to_string(s.mismatch, ', ') "
               "|| '); the register keeps its own. Check the number or ask the person to correct the source.', "
               "'record', ''))")  # fmt: skip
    record = Statement(DeliveryRecord, {
        "delivery_id": "%(delivery)s", "index": "s.idx", "record_key": "s.fb_key",
        "outcome": "CASE WHEN v.list IS NOT NULL THEN 'rejected' WHEN s.rtype = 'withdraw' THEN 'withdrawn' "
                   "ELSE s.action END",
        "violations": "coalesce(v.list, '[]'::jsonb)",
        "warnings": f"CASE WHEN v.list IS NULL AND s.rtype = 'diploma' AND s.mismatch IS NOT NULL THEN {warning} "
                    "ELSE '[]'::jsonb END"})  # fmt: skip
    insert = record.insert(_table(DeliveryRecord), f"""FROM {STAGE} s LEFT JOIN (
        SELECT idx, jsonb_agg(jsonb_build_object('field', field, 'rule', rule, 'message', message, 'record', '')
               ORDER BY ord, seq) AS list
        FROM (SELECT *, min(grp) OVER (PARTITION BY idx) AS first FROM _lev_violation) x
        WHERE grp = first GROUP BY idx) v ON v.idx = s.idx ORDER BY s.idx""", "outcome")  # fmt: skip
    cursor.execute(f"WITH ins AS ({insert}) SELECT outcome, count(*) FROM ins GROUP BY outcome",
                   {**p, **record.params})  # fmt: skip
    return dict(cursor.fetchall())


def write_chunk(prepared: Prepared, organisation: Organisation, *, delivery_id: int,
                recorded_at: dt.datetime, source: str, immediate: bool = True) -> dict[str, int]:  # fmt: skip
    """Decide and write a prepared chunk and its feedback; returns the counts per outcome. Runs
    inside the caller's transaction (raises :class:`Fallback` before writing when the chunk must
    go record by record)."""
    p = {"org": organisation.pk, "d_seq": _sequence(Diploma), "v_seq": _sequence(DiplomaVersion), "now": recorded_at, "today": recorded_at.date(), "source": source,
         "delivery": delivery_id}  # fmt: skip
    with connection.cursor() as cursor:
        # JIT compilation costs more than these short statements over a few thousand rows save;
        # every look-up is by a unique key: an index, even where a growing table's statistics
        # are stale and call it empty (the staging table is scanned either way). One round trip.
        cursor.execute(
            ";\n".join(["SET LOCAL jit = off", "SET LOCAL enable_seqscan = off", *SETUP])
        )
        _copy(cursor, prepared)
        cursor.execute(ANALYZE)  # a temporary table has no statistics: joins by hash
        _run(cursor, validation_sql(organisation), p)
        cursor.execute("ANALYZE _lev_violation")
        kinds = set(prepared.kinds)
        targets = _lookups(cursor, p, kinds)
        _decide(cursor, p, kinds, targets)
        cursor.execute(ANALYZE)  # the decisions as statistics for the writes' joins
        if immediate:  # check the foreign keys per statement, not all at COMMIT
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _identities(cursor, p)
        if "diploma" in kinds:
            _diplomas(cursor, p)
        if "withdraw" in targets:
            _withdrawals(cursor, p)
        _facts(cursor, p, kinds)
        counts = _feedback(cursor, p)
        if immediate:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return counts
