"""Benchmark: levering throughput with scenario 1 (complete extension) against scenario 4 (no
change) on the same records: WO master diplomas carrying every extended field (afstudeerrichting,
judicium, graad + toevoeging, languages, a joint-degree partner on some, and a grade list of 13
units adding up to 120 EC with its weighted average), through the full pipeline (JSON Lines file ->
parse -> rules -> scenario cut -> decisions -> register rows -> per-record feedback), durable
commits on PostgreSQL:

    python scripts/throwaway_pg.py -- .venv/bin/python bench/scenario_levering.py [--records 50000]

Scenario 4 refuses nothing of the record: it warns per record and stores none of the extended
fields; scenario 1 validates and stores them all (13 grade rows per diploma). The register and the
delivery tables are emptied between runs, so both import the same file into the same empty tables.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-scenario-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from diplomaregister.core.pgn import synthetic_bsn  # noqa: E402
from diplomaregister.levering import files, pipeline  # noqa: E402
from diplomaregister.organisations.models import Organisation  # noqa: E402
from diplomaregister.register.extended import weighted_average  # noqa: E402
from diplomaregister.register.inputs import GradeData  # noqa: E402

TABLES = ("register_diplomagrade", "register_diplomaversion", "register_diploma",
          "register_identitymismatch", "register_personversion", "register_person",
          "levering_deliveryrecord", "levering_delivery")  # fmt: skip


def units(n: int) -> list[dict[str, str]]:
    rows = [{"subject_code": f"INFOM{i:02d}", "subject_name": f"Course {i}", "credits_ec": "7.5",
             "final_grade": str(Decimal(55 + (n + i * 7) % 40) / 10), "result_date": "2024-06-01"}
            for i in range(12)]  # fmt: skip
    rows.append({"subject_code": "INFOMTHE", "subject_name": "Master thesis", "credits_ec": "30",
                 "final_grade": str(Decimal(60 + n % 35) / 10), "result_date": "2024-07-01"})  # fmt: skip
    return rows


def record(n: int) -> dict[str, object]:
    grades = units(n)
    average = weighted_average([GradeData(g["subject_code"], g["subject_name"],
                                          final_grade=Decimal(g["final_grade"]),
                                          credits_ec=Decimal(g["credits_ec"])) for g in grades])  # fmt: skip
    partners = [{"organisation_code": "99ZZ"}, {"name": "KU Leuven", "country": "BE"}]
    return {
        "record_key": f"M{n:08d}", "pgn": synthetic_bsn(2_000_000 + n), "family_name": "Jansen",
        "given_names": "Anna", "gender": "V", "birth_date": "1999-03-01", "kind": "a", "sector": "WO",
        "date_of_issue": "2024-08-30", "exam_date": "2024-07-12", "programme_code": "60300",
        "ho_exam_type": "afsluitend", "ho_degree": "Master of Science", "degree": "master",
        "degree_addition": "of_science", "specialisation": "Artificial Intelligence",
        "judicium": "cum_laude" if n % 15 == 0 else "", "instruction_languages": ["en"],
        "awarding_organisations": partners if n % 40 == 0 else [], "grades": grades,
        "weighted_average": str(average),
    }  # fmt: skip


def durable() -> str:
    with connection.cursor() as cursor:
        for name in ("fsync", "synchronous_commit", "full_page_writes"):
            cursor.execute(f"ALTER SYSTEM SET {name} = on")
        cursor.execute("SELECT pg_reload_conf()")
        time.sleep(0.5)
        cursor.execute("SELECT version()")
        return str(cursor.fetchone()[0]).split(",")[0]


def empty() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
    connection.cursor().execute("CHECKPOINT")


def run(org: Organisation, path: Path, scenario: str, chunk: int) -> tuple[float, dict[str, int]]:
    settings.DIPLOMA_SCENARIO = scenario
    empty()
    start = time.perf_counter()
    delivery = pipeline.start(
        org, channel="file", file_name=path.name, file_sha256=files.sha256_of(path)
    )
    with path.open("rb") as stream:
        delivery = pipeline.run(delivery, files.read_records(stream, "jsonl"), chunk_size=chunk)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM register_diplomagrade")
        grades = cursor.fetchone()[0]
    return seconds, {
        "created": delivery.created,
        "rejected": delivery.rejected,
        "grade_rows": grades,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument(
        "--chunk", type=int, default=5000, help="records per chunk (one transaction)"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit(
            "bench/scenario_levering.py needs PostgreSQL (run it under scripts/throwaway_pg.py)"
        )
    call_command("migrate", verbosity=0)
    print(durable(), flush=True)
    org, _ = Organisation.objects.get_or_create(code="99ZZ", defaults={
        "name": "Bench Universiteit", "kind": "universiteit", "brin": "99ZZ", "bekostigd": True})  # fmt: skip
    path = TMP / "delivery.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(args.records):
            handle.write(json.dumps(record(n)) + "\n")
    size = path.stat().st_size / 1e6
    print(f"{args.records:,} WO master diplomas with every extended field ({size:.0f} MB JSON Lines), "
          f"chunks of {args.chunk:,}", flush=True)  # fmt: skip
    rates = {}
    for scenario in ("4", "1", "4", "1"):  # twice each, alternating: the second pair is warm
        seconds, counts = run(org, path, scenario, args.chunk)
        rates.setdefault(scenario, []).append(args.records / seconds)
        print(f"  scenario {scenario}: {seconds:6.1f} s, {args.records / seconds:8,.0f} records/s; "
              f"{counts}", flush=True)  # fmt: skip
    best = {s: max(r) for s, r in rates.items()}
    print(
        f"throughput scenario 1 / scenario 4 = {best['1'] / best['4']:.2f} "
        f"({best['1']:,.0f} vs {best['4']:,.0f} records/s, best of two runs each)"
    )


if __name__ == "__main__":
    main()
