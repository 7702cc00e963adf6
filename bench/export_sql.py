"""Benchmark (issue 12 item 5): the art. 55 export as one SQL query vs the Python path vs raw COPY.

    .venv/bin/python scripts/throwaway_pg.py -- env PYTHONPATH=src .venv/bin/python bench/export_sql.py \
        [--persons 870000] [--runs 1] [--no-python]

Data: ``generate_demo --persons N --no-channels`` (about 1.15 document versions per person), then
VACUUM ANALYZE; fsync and synchronous_commit are switched on (the throwaway server starts with
them off). Measured in the same run on the same rows:

  * SQL path: CBS under art. 55 through ``abonnementen.exports.export`` to CSV (engine
    ``disclose_stream``, ``ExportStream.copy_csv``: the ``_export_sql`` query finishing each CSV
    line, subject references in SQL, ``COPY ... TO STDOUT (FORMAT binary)`` into the file; the
    manifest and the log row as shipped);
  * the SQL path as one query (``_export_parts.SPLIT_FROM`` raised: one server process instead of
    ``_export_parts.PARTS`` on one exported snapshot);
  * Python path: the same export with ``_stream.SQL_EXPORTS = False`` (the look-up projection per
    person, in chunks);
  * baseline: ``COPY (SELECT ...) TO STDOUT (FORMAT csv)`` into a file of the same documents (the
    current version of each, same validity rule and filters, with person, identity, organisation and
    programme columns, one row per document, no nesting, no grades, no pseudonyms, no manifest).

Target (issue 12): the SQL-path export >= 0.5 x the COPY baseline (time ratio COPY / export).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-export-sql-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from diplomaregister.abonnementen.exports import export  # noqa: E402
from diplomaregister.core import clock  # noqa: E402
from diplomaregister.organisations.models import Organisation  # noqa: E402
from diplomaregister.register.models import DiplomaVersion, Person  # noqa: E402
from diplomaregister.verstrekking import _export_parts, _stream, engine  # noqa: E402

VERSIONS_PER_PERSON = 1.15

BASELINE = """
COPY (
  WITH cur AS (
    SELECT DISTINCT ON (v.diploma_id) v.* FROM register_diplomaversion v
    WHERE v.recorded_at <= %(now)s AND v.valid_from <= %(day)s
      AND (v.valid_to IS NULL OR v.valid_to > %(day)s)
    ORDER BY v.diploma_id, v.version DESC
  ), iv AS (
    SELECT DISTINCT ON (v.person_id) v.* FROM register_personversion v
    WHERE v.recorded_at <= %(now)s AND v.valid_from <= %(day)s
      AND (v.valid_to IS NULL OR v.valid_to > %(day)s)
    ORDER BY v.person_id, v.version DESC
  )
  SELECT pe.pgn, iv.family_name, iv.given_names, iv.gender, iv.birth_date, iv.death_date,
         cur.diploma_id, cur.version, cur.kind, cur.sector, o.name, o.code, cur.status,
         cur.valid_from, cur.recorded_at, cur.change, COALESCE(p.name_nl, ''),
         COALESCE(NULLIF(p.name_en, ''), p.name_nl, ''), COALESCE(p.code, ''), cur.date_of_issue,
         cur.exam_date, cur.ho_degree, cur.mbo_level, cur.vo_profile, cur.vo_leerweg,
         cur.mbo_leerweg, cur.ho_exam_type
  FROM cur JOIN register_diploma d ON d.id = cur.diploma_id
  JOIN register_person pe ON pe.id = d.person_id AND pe.merged_into_id IS NULL
  JOIN organisations_organisation o ON o.id = d.organisation_id
  LEFT JOIN register_programme p ON p.id = cur.programme_id
  LEFT JOIN iv ON iv.person_id = pe.id
  WHERE cur.date_of_issue <= %(day)s
    AND NOT (cur.status = 'withdrawn' AND cur.withdrawal_code = 'misattributed')
) TO STDOUT (FORMAT csv)
"""


def copy_baseline() -> tuple[float, int, int]:
    """(seconds, rows, bytes) of the raw COPY into a file."""
    out = TMP / "baseline.csv"
    now, day = clock.now(), clock.today()
    sql = BASELINE.replace("%(now)s", "%s").replace("%(day)s", "%s")
    params = [now, day, day, now, day, day, day]  # cur, iv, the issue date
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    start = time.perf_counter()
    with (
        transaction.atomic(),
        raw.cursor() as cursor,
        out.open("wb") as handle,
        cursor.copy(sql, params) as copy,
    ):
        for data in copy:
            handle.write(data)
    seconds = time.perf_counter() - start
    size = out.stat().st_size
    with out.open("rb") as handle:
        rows = sum(1 for _ in handle)
    out.unlink()
    return seconds, rows, size


def run_export(
    requester: engine.Requester, sql: bool, split: bool = True
) -> tuple[float, int, int]:
    out = TMP / f"art55-{'sql' if sql else 'python'}.csv"
    saved, saved_from = _stream.SQL_EXPORTS, _export_parts.SPLIT_FROM
    _stream.SQL_EXPORTS = sql
    if not split:
        _export_parts.SPLIT_FROM = 10**15  # one query, one server process
    try:
        start = time.perf_counter()
        rows = export(requester, "art55", out, "csv")
        seconds = time.perf_counter() - start
    finally:
        _stream.SQL_EXPORTS, _export_parts.SPLIT_FROM = saved, saved_from
    size = out.stat().st_size
    out.unlink()
    return seconds, rows, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=0, help="overrides --documents")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-python", action="store_true", help="skip the (slow) Python path")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/export_sql.py needs PostgreSQL (run it under scripts/throwaway_pg.py)")
    persons = args.persons or round(args.documents / VERSIONS_PER_PERSON)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("generate_demo", persons=persons, no_channels=True, no_progress=True,
                 stdout=io.StringIO())  # fmt: skip
    generated = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("ALTER SYSTEM SET fsync = on")
        cursor.execute("ALTER SYSTEM SET synchronous_commit = on")
        cursor.execute("SELECT pg_reload_conf()")
        for _ in range(50):  # the reload is asynchronous: wait until this backend sees it
            cursor.execute("SELECT current_setting('fsync'), current_setting('synchronous_commit'),"
                           " version()")  # fmt: skip
            fsync, sync, version = cursor.fetchone()
            if fsync == "on":
                break
            time.sleep(0.1)
    versions = DiplomaVersion.objects.count()
    print(f"{version.split(',')[0]}; fsync {fsync}, synchronous_commit {sync}; persons "
          f"{Person.objects.count():,}, document versions {versions:,} (generated in "
          f"{generated:.0f} s = {persons / generated:,.0f} persons/s)", flush=True)  # fmt: skip
    cbs = Organisation.objects.filter(code="CBS").first() or Organisation.objects.create(
        code="CBS", kind="cbs", name="Centraal Bureau voor de Statistiek"
    )
    requester = engine.Requester(kind="organisation", organisation=cbs, label="CBS")
    results: dict[str, list[tuple[float, int, int]]] = {"copy": [], "sql": [], "single": [],
                                                         "python": []}  # fmt: skip
    for index in range(args.runs):
        order = ["copy", "sql", "single", "python"]
        order = order if index % 2 == 0 else order[::-1]
        for variant in order:
            if variant == "python" and args.no_python:
                continue
            if variant == "copy":
                result = copy_baseline()
            else:
                result = run_export(requester, variant != "python", split=variant == "sql")
            results[variant].append(result)
            seconds, rows, size = result
            unit = "document rows" if variant == "copy" else "person rows"
            print(f"  run {index + 1} {variant:<6}: {rows:,} {unit} ({size / 1e6:,.0f} MB) in "
                  f"{seconds:.1f} s = {rows / seconds:,.0f} rows/s", flush=True)  # fmt: skip
    copy_s, copy_rows, _ = min(results["copy"])
    sql_s, sql_rows, _ = min(results["sql"])
    print(f"best of {args.runs}: COPY baseline {copy_s:.1f} s ({copy_rows / copy_s:,.0f} document "
          f"rows/s); SQL-path export {sql_s:.1f} s ({sql_rows / sql_s:,.0f} person rows/s, "
          f"{copy_rows / sql_s:,.0f} documents/s)")  # fmt: skip
    print(f"SQL-path export / COPY baseline: {copy_s / sql_s:.2f} (time ratio; target >= 0.5)")
    single_s, _, _ = min(results["single"])
    print(f"the same as one query (one server process): {single_s:.1f} s, "
          f"{copy_s / single_s:.2f} of COPY; split over {_export_parts.PARTS} parts "
          f"{single_s / sql_s:.2f}x faster")  # fmt: skip
    if results["python"]:
        py_s, py_rows, _ = min(results["python"])
        print(f"Python-path export {py_s:.1f} s ({py_rows / py_s:,.0f} person rows/s): "
              f"{copy_s / py_s:.2f} of COPY; the SQL path is {py_s / sql_s:.1f}x faster; rows "
              f"{'equal' if py_rows == sql_rows else 'NOT equal'} ({py_rows:,} vs {sql_rows:,})")  # fmt: skip


if __name__ == "__main__":
    main()
