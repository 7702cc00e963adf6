"""Benchmark: disclosure look-ups with the disclosure log against the same look-ups without it, and a
bulk export under art. 55 against a raw COPY of the same rows, in one run on the same data.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/verstrekking.py [--persons 20000] [--lookups 2000]

Data: ``generate_demo``. Look-ups: art. 56 (UWV) through ``verstrekking.engine.disclose_diplomas``;
the baseline runs the identical engine code with the log write replaced by a no-op (target: logging
costs < 15 %). Export: ``abonnementen.exports.export`` to CSV and Parquet (rows/s) against
``COPY (SELECT ... FROM register tables) TO STDOUT`` of the current versions.
"""

from __future__ import annotations

import argparse
import os
import random
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
from diplomaregister.demo.services import generate  # noqa: E402
from diplomaregister.organisations.models import Organisation  # noqa: E402
from diplomaregister.register.models import DiplomaVersion, Person  # noqa: E402
from diplomaregister.verstrekking import engine  # noqa: E402


def lookups(persons: list[Person], requester: engine.Requester) -> float:
    start = time.perf_counter()
    for person in persons:
        engine.disclose_diplomas(requester=requester, basis="art56", subject=person, channel="api")
    return len(persons) / (time.perf_counter() - start)


def raw_export_seconds() -> tuple[float, int]:
    sql = """COPY (SELECT p.pgn, pv.family_name, pv.given_names, pv.gender, pv.birth_date, pv.death_date,
                 v.kind, v.sector, o.name, o.code, v.date_of_issue, v.status, v.exam_date
          FROM register_diplomaversion v JOIN register_diploma d ON d.id = v.diploma_id
          JOIN organisations_organisation o ON o.id = d.organisation_id
          JOIN register_person p ON p.id = v.person_id
          JOIN register_personversion pv ON pv.person_id = p.id AND pv.version = 1
          WHERE v.version = (SELECT max(version) FROM register_diplomaversion x WHERE x.diploma_id = v.diploma_id))
          TO STDOUT WITH (FORMAT csv)"""
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
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    generate(args.persons, seed=1, progress=False)
    uwv, _ = Organisation.objects.get_or_create(code="UWV", defaults={"name": "UWV", "kind": "uwv"})
    cbs, _ = Organisation.objects.get_or_create(code="CBS", defaults={"name": "CBS", "kind": "cbs"})
    holders = list(Person.objects.filter(pk__in=DiplomaVersion.objects.values("person_id")))
    sample = random.Random(1).choices(holders, k=args.lookups)
    requester = engine.Requester(kind="organisation", organisation=uwv, label="UWV")
    lookups(sample[:200], requester)  # warm-up
    logged = lookups(sample, requester)
    real_log = engine.log_disclosure
    engine.log_disclosure = lambda **kwargs: None  # type: ignore[assignment]
    try:
        unlogged = lookups(sample, requester)
    finally:
        engine.log_disclosure = real_log
    logged_again = lookups(sample, requester)
    logged = (logged + logged_again) / 2
    print(
        f"database: {connection.vendor}; persons {args.persons}; look-ups {args.lookups} (art. 56, UWV)"
    )
    print(f"look-ups with logging: {logged:,.0f}/s; without logging: {unlogged:,.0f}/s; "
          f"logging costs {100 * (1 - logged / unlogged):.1f} % (target < 15 %)")  # fmt: skip
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
            print(f"raw COPY TO of the same rows: {raw_rows:,} rows, {raw_rows / raw_seconds:,.0f} rows/s; "
                  f"ratio export / raw: {(count / seconds) / (raw_rows / raw_seconds):.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
