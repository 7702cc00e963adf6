"""Every index of the register's and the log's tables earns its keep (issue 12): each is listed
here with the query of the code that uses it, and PostgreSQL's planner uses it for that query.
A new index without a query here fails the test, as does an index the query no longer uses.
(Primary keys are not listed: every table has one.)"""

from __future__ import annotations

import pytest
from django.db import connection, transaction

pytestmark = pytest.mark.django_db

# (table, indexed columns): (who reads it, the query). Parameters are literals: the plan is what
# counts, so the tables may be empty (sequential scans are switched off for the check).
USES: dict[tuple[str, tuple[str, ...]], tuple[str, str]] = {
    ("register_person", ("pgn",)): (
        "engine._person_id: a look-up by persoonsgebonden nummer",
        "SELECT id, merged_into_id FROM register_person WHERE pgn = '123456782'"),
    ("register_person", ("merged_into_id",)): (
        "engine.numbers_of: the onderwijsnummers merged into a BSN (holder's log page)",
        "SELECT pgn FROM register_person WHERE id = 1 OR merged_into_id = 1"),
    ("register_personversion", ("person_id", "version")): (
        "selectors.identity: the person's identity versions",
        "SELECT * FROM register_personversion WHERE person_id = 1"),
    ("register_programme", ("sector", "code")): (
        "levering: the programme of a delivered record",
        "SELECT id FROM register_programme WHERE sector = 'vo' AND code = 'HAVO-NG'"),
    ("register_diploma", ("organisation_id", "record_key")): (
        "levering: the document a record (organisation, record key) corrects or withdraws",
        "SELECT id FROM register_diploma WHERE organisation_id = 1 AND record_key = 'VO-1'"),
    ("register_diploma", ("person_id", "organisation_id")): (
        "_scope.probe and selectors: the person's documents (at the asking institution)",
        "SELECT 1 FROM register_diploma WHERE person_id = 1 AND organisation_id IN (1, 2)"),
    ("register_diplomaversion", ("diploma_id", "version")): (
        "selectors._documents_with_versions: the versions of the person's documents",
        "SELECT v.id FROM register_diplomaversion v JOIN register_diploma d ON d.id = v.diploma_id"
        " WHERE d.person_id = 1 ORDER BY v.diploma_id, v.version"),
    ("register_diplomagrade", ("diploma_version_id",)): (
        "selectors._documents_with_versions: the grades of those versions",
        "SELECT * FROM register_diplomagrade WHERE diploma_version_id IN (1, 2, 3)"),
    ("register_enrolment", ("organisation_id", "record_key")): (
        "levering: the enrolment a record corrects",
        "SELECT id FROM register_enrolment WHERE organisation_id = 1 AND record_key = 'I-1'"),
    ("register_enrolment", ("person_id", "organisation_id")): (
        "_scope.probe: is the person enrolled at the asking institution",
        "SELECT 1 FROM register_enrolment WHERE person_id = 1 AND organisation_id IN (1, 2)"),
    ("register_enrolmentversion", ("enrolment_id", "version")): (
        "_stream._ho_enrolled and levering: the versions of an enrolment",
        "SELECT id FROM register_enrolmentversion WHERE enrolment_id = 1 ORDER BY version"),
    ("register_result", ("organisation_id", "record_key")): (
        "levering: the result a record corrects",
        "SELECT id FROM register_result WHERE organisation_id = 1 AND record_key = 'R-1'"),
    ("register_resultversion", ("result_id", "version")): (
        "levering: the latest version of a result",
        "SELECT id FROM register_resultversion WHERE result_id = 1 ORDER BY version DESC LIMIT 1"),
    ("register_identitymismatch", ("organisation_id", "recorded_at")): (
        "identity_report: an institution's identity mismatches since a date",
        "SELECT id FROM register_identitymismatch WHERE organisation_id = 1"
        " AND recorded_at >= '2025-01-01' ORDER BY recorded_at"),
    ("logboek_logentry", ("chain", "seq", "occurred_at")): (
        "verify_log and the append: one chain in order, its last row (the month partition key is\n"
        " part of every unique index of the log)",
        "SELECT seq, row_hash FROM logboek_logentry WHERE chain = 3 ORDER BY seq DESC LIMIT 1"),
    ("logboek_logentry", ("subject_ref", "occurred_at")): (
        "the holder's log page: rows about the holder, newest first",
        "SELECT id FROM logboek_logentry WHERE subject_ref = 'abc' ORDER BY occurred_at DESC LIMIT 26"),
    ("logboek_subjectmanifest", ("subject_ref",)): (
        "the holder's log page: the exports that contained the holder",
        "SELECT entry_id FROM logboek_subjectmanifest WHERE subject_ref = 'abc'"),
    ("logboek_loganchor", ("seq",)): (
        "logboek.services.anchor: the last anchor",
        "SELECT * FROM logboek_loganchor ORDER BY seq DESC LIMIT 1"),
}  # fmt: skip

CATALOGUE = """
SELECT t.relname, i.relname, array_agg(a.attname ORDER BY k.ord)
  FROM pg_index ix
  JOIN pg_class i ON i.oid = ix.indexrelid
  JOIN pg_class t ON t.oid = ix.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
 CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
 WHERE NOT ix.indisprimary AND NOT t.relispartition
   AND (t.relname LIKE 'register\\_%%' OR t.relname LIKE 'logboek\\_%%')
 GROUP BY t.relname, i.relname
"""
# an index of a partitioned table (the log) is used through its partitions' indexes
CHILDREN = "SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid JOIN pg_class p ON p.oid = h.inhparent WHERE p.relname = %s"


@pytest.fixture
def indexes() -> dict[tuple[str, tuple[str, ...]], str]:
    if connection.vendor != "postgresql":
        pytest.skip("the production indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(CATALOGUE)
        return {(table, tuple(columns)): name for table, name, columns in cursor.fetchall()}


def test_every_index_is_listed_with_the_query_that_uses_it(indexes):
    assert set(indexes) - set(USES) == set(), "an index no query here uses: list it or drop it"
    assert set(USES) - set(indexes) == set(), "a listed index is gone: update the list"


@pytest.mark.parametrize("key", list(USES), ids=[f"{t}({','.join(c)})" for t, c in USES])
def test_the_planner_uses_the_index_for_its_query(indexes, key):
    name = indexes[key]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CHILDREN, [name])
        names = {name, *(row[0] for row in cursor.fetchall())}
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + USES[key][1])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert any(n in plan for n in names), f"{USES[key][0]}: plan does not use {name}:\n{plan}"
