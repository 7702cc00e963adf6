"""Benchmark: disclosure look-ups with the disclosure log against the same look-ups without it (and a
raw SQL read of the same rows), and a bulk export under art. 55 against a raw COPY of the same rows,
in one run on the same data.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/verstrekking.py [--persons 20000] [--lookups 2000] [--rounds 3] [--block 20]

Data: ``generate_demo``. Look-ups: art. 56 (UWV) through ``verstrekking.engine.disclose`` with the
persoonsgebonden nummer as the API passes it; the baseline runs the identical engine code with
``engine.log_disclosure`` replaced by a no-op (target: logging costs < 15 %). The two variants run
the same numbers interleaved in blocks of ``--block`` look-ups (alternating which goes first), so
drift on a shared VM hits both alike; each of ``--rounds`` rounds passes all numbers through both,
and the mean rate per variant is compared.
The raw floor: one SQL statement per number reading the same persons and current documents.
Export: ``abonnementen.exports.export`` to CSV and Parquet (rows/s) against
``COPY (SELECT ... json_agg(documents) ... GROUP BY person) TO STDOUT``: one row per person with
current documents, as the export writes.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-verstrekking-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from diplomaregister.abonnementen.exports import export  # noqa: E402
from diplomaregister.organisations.models import Organisation  # noqa: E402
from diplomaregister.register.models import DiplomaVersion, Person  # noqa: E402
from diplomaregister.verstrekking import engine  # noqa: E402

RAW_LOOKUP = """SELECT p.pgn, pv.family_name, pv.given_names, pv.gender, pv.birth_date, pv.death_date,
       v.kind, v.sector, o.name, o.code, v.date_of_issue, v.status, v.exam_date
  FROM register_person p
  JOIN register_personversion pv ON pv.person_id = p.id AND pv.version = 1
  LEFT JOIN register_diplomaversion v ON v.person_id = p.id AND v.version = (
       SELECT max(version) FROM register_diplomaversion x WHERE x.diploma_id = v.diploma_id)
  LEFT JOIN register_diploma d ON d.id = v.diploma_id
  LEFT JOIN organisations_organisation o ON o.id = d.organisation_id
 WHERE p.pgn = %s"""


def lookups(numbers: list[str], requester: engine.Requester) -> float:
    """Seconds for look-ups of ``numbers`` through the engine (with whatever log is installed)."""
    start = time.perf_counter()
    for number in numbers:
        engine.disclose(requester=requester, basis="art56", subject=number, channel="api")
    return time.perf_counter() - start


def interleaved(numbers: list[str], requester: engine.Requester, block: int) -> tuple[float, float]:
    """Look-ups per second (with the log, without it): the same numbers in blocks of ``block``, each
    block run with and without the log in alternating order, so drift on a shared machine (noisy
    neighbours, caches, the growing log) hits both variants alike."""
    real_log = engine.log_disclosure
    seconds = {True: 0.0, False: 0.0}
    try:
        for index in range(0, len(numbers), block):
            chunk = numbers[index : index + block]
            for logged in (True, False) if (index // block) % 2 == 0 else (False, True):
                engine.log_disclosure = real_log if logged else (lambda **kwargs: None)  # type: ignore[assignment]
                seconds[logged] += lookups(chunk, requester)
    finally:
        engine.log_disclosure = real_log
    return len(numbers) / seconds[True], len(numbers) / seconds[False]


def raw_lookups(numbers: list[str]) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for number in numbers:
            cursor.execute(RAW_LOOKUP, [number])
            cursor.fetchall()
    return len(numbers) / (time.perf_counter() - start)


def raw_export_seconds() -> tuple[float, int]:
    """The same shape as the export: one row per person holding a current document, its documents
    nested as JSON, written by the database itself (no Python per row)."""
    sql = """COPY (SELECT p.pgn, pv.family_name, pv.given_names, pv.gender, pv.birth_date, pv.death_date,
                 json_agg(json_build_object('kind', v.kind, 'sector', v.sector, 'organisation_name', o.name,
                          'organisation_code', o.code, 'date_of_issue', v.date_of_issue, 'status', v.status,
                          'exam_date', v.exam_date) ORDER BY v.id)
          FROM register_diplomaversion v JOIN register_diploma d ON d.id = v.diploma_id
          JOIN organisations_organisation o ON o.id = d.organisation_id
          JOIN register_person p ON p.id = v.person_id
          JOIN register_personversion pv ON pv.person_id = p.id AND pv.version = 1
          WHERE v.version = (SELECT max(version) FROM register_diplomaversion x WHERE x.diploma_id = v.diploma_id)
          GROUP BY p.id, pv.id ORDER BY p.id)
          TO STDOUT"""  # text format: newlines inside values are escaped, one line per row
    rows = 0
    start = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for chunk in copy:
            rows += bytes(chunk).count(b"\n")
    return time.perf_counter() - start, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--block", type=int, default=20, help="look-ups per interleaved block")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command(
        "generate_demo", persons=args.persons, seed=1, no_progress=True, stdout=io.StringIO()
    )
    uwv = Organisation.objects.get(code="UWV")
    cbs = Organisation.objects.get(code="CBS")
    holders = list(
        Person.objects.filter(pk__in=DiplomaVersion.objects.values("person_id")).values_list(
            "pgn", flat=True
        )
    )
    sample = random.Random(1).choices(holders, k=args.lookups)
    requester = engine.Requester(kind="organisation", organisation=uwv, label="UWV")
    interleaved(sample[:200], requester, args.block)  # warm-up
    logged: list[float] = []
    unlogged: list[float] = []
    raw: list[float] = []
    for _ in range(args.rounds):
        with_log, without_log = interleaved(sample, requester, args.block)
        logged.append(with_log)
        unlogged.append(without_log)
        raw.append(raw_lookups(sample))
    with_log, without_log = statistics.fmean(logged), statistics.fmean(unlogged)
    print(f"database: {connection.vendor}; persons {args.persons}; look-ups {args.lookups} x "
          f"{args.rounds} rounds, with and without the log interleaved in blocks of {args.block} "
          f"(art. 56, UWV, engine.disclose by number)")  # fmt: skip
    print(f"look-ups with logging: {with_log:,.0f}/s (rounds: {', '.join(f'{r:,.0f}' for r in logged)}); "
          f"without logging: {without_log:,.0f}/s (rounds: {', '.join(f'{r:,.0f}' for r in unlogged)})")  # fmt: skip
    print(f"logging costs {100 * (1 - with_log / without_log):.1f} % of the look-up rate "
          f"(target < 15 %); per look-up {1000 / with_log - 1000 / without_log:.2f} ms of "
          f"{1000 / with_log:.2f} ms")  # fmt: skip
    raw_rate = statistics.fmean(raw)
    print(f"raw SQL read of the same rows (one statement per number): {raw_rate:,.0f}/s; "
          f"ratio engine with log / raw: {with_log / raw_rate:.3f}")  # fmt: skip
    cbs_requester = engine.Requester(kind="organisation", organisation=cbs, label="CBS")
    for fmt in ("csv", "parquet"):
        start = time.perf_counter()
        count = export(cbs_requester, "art55", TMP / f"art55.{fmt}", fmt)
        seconds = time.perf_counter() - start
        print(
            f"export art. 55 ({fmt}): {count:,} rows in {seconds:.1f} s, {count / seconds:,.0f} rows/s"
        )
        if connection.vendor == "postgresql" and fmt == "csv":
            raw_seconds, raw_rows = raw_export_seconds()
            print(f"raw COPY TO of the same rows (one per person, documents as JSON): {raw_rows:,} rows, {raw_rows / raw_seconds:,.0f} rows/s; "
                  f"ratio export / raw: {(count / seconds) / (raw_rows / raw_seconds):.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
