"""Benchmark: batch import through the full levering pipeline vs a raw COPY of the same rows, for
diplomas and for enrolments (art. 18), and single-record API writes per second with 2 worker
processes, in one run.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/levering_import.py [--records 100000] [--api 400]

Pipeline: CSV file -> parse -> validation (field catalogue, kind table) -> register insert-only writes
-> per-record feedback, committed per chunk. Baseline: COPY of the same CSV file into a bare table of
text columns (no validation, no keys, no history). Prints both rates and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-levering-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from diplomaregister.core.pgn import synthetic_bsn  # noqa: E402
from diplomaregister.levering import files, pipeline  # noqa: E402
from diplomaregister.organisations.auth import create_client  # noqa: E402
from diplomaregister.organisations.models import Organisation  # noqa: E402

FIELDS = ["record_key", "pgn", "family_name", "given_names", "gender", "birth_date", "kind",
          "date_of_issue", "programme_code", "vo_profile", "grades"]  # fmt: skip
GRADES = json.dumps([{"subject_code": "NE", "subject_name": "Nederlands", "school_exam_grade": "6.5",
                      "central_exam_grade": "7.1", "final_grade": "7"}])  # fmt: skip


def record(n: int, prefix: str = "B") -> dict[str, str]:
    return {"record_key": f"{prefix}{n:08d}", "pgn": synthetic_bsn(1_000_000 + n), "family_name": "Jansen",
            "given_names": "Sem", "gender": "M", "birth_date": "2007-03-01", "kind": "l",
            "date_of_issue": "2024-07-10", "programme_code": "HAVO-NG", "vo_profile": "NG", "grades": GRADES}  # fmt: skip


ENROLMENT_FIELDS = ["type", "record_key", "pgn", "family_name", "given_names", "gender", "birth_date",
                    "start_date", "end_date", "enrolment_form", "programme_code"]  # fmt: skip


def enrolment(n: int) -> dict[str, str]:
    return {"type": "enrolment", "record_key": f"I{n:08d}", "pgn": synthetic_bsn(1_000_000 + n),
            "family_name": "Jansen", "given_names": "Sem", "gender": "M", "birth_date": "2007-03-01",
            "start_date": "2019-08-01", "end_date": "2024-07-10", "enrolment_form": "voltijd",
            "programme_code": "HAVO-NG"}  # fmt: skip


def write_csv(path: Path, count: int, fields: list[str] = FIELDS, make=record) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, delimiter=";")
        writer.writeheader()
        for n in range(count):
            writer.writerow(make(n))


def raw_copy(path: Path, fields: list[str] = FIELDS) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_delivery")
        cursor.execute(
            "CREATE TABLE bench_raw_delivery (" + ", ".join(f'"{f}" text' for f in fields) + ")"
        )
        start = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.cursor.copy(
                "COPY bench_raw_delivery FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')"
            ) as copy,
        ):
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        elapsed = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_raw_delivery")
    return elapsed


def api_worker(args: tuple[str, int, int]) -> int:
    token, start, count = args
    connections.close_all()
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    ok = 0
    for n in range(start, start + count):
        body = record(n, prefix="A")
        body["grades"] = json.loads(body["grades"])
        ok += client.post("/api/v1/diplomas", body, format="json").status_code == 201
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--api", type=int, default=400, help="single-record API writes in all")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    org, _ = Organisation.objects.get_or_create(code="99ZZ", defaults={"name": "Bench Lyceum", "kind": "vo_school",
                                                                       "brin": "99ZZ", "bekostigd": True})  # fmt: skip
    path = TMP / "delivery.csv"
    write_csv(path, args.records)
    start = time.perf_counter()
    delivery = pipeline.start(
        org, channel="file", file_name=path.name, file_sha256=files.sha256_of(path)
    )
    with path.open("rb") as stream:
        delivery = pipeline.run(delivery, files.read_records(stream, "csv"), chunk_size=1000)
    seconds = time.perf_counter() - start
    rate = args.records / seconds
    print(f"database: {connection.vendor}; records {args.records}; accepted {delivery.created}, "
          f"rejected {delivery.rejected}")  # fmt: skip
    print(f"pipeline import: {seconds:.1f} s, {rate:,.0f} records/s "
          f"(1 M records: {1_000_000 / rate / 60:.0f} min)")  # fmt: skip
    if connection.vendor == "postgresql":
        raw = raw_copy(path)
        print(f"raw COPY of the same file: {raw:.2f} s, {args.records / raw:,.0f} records/s")
        print(f"ratio pipeline / raw COPY: {rate / (args.records / raw):.3f} (target >= 0.5)")
    # enrolments (art. 18) of the same persons, through the same pipeline
    enrolments = TMP / "enrolments.csv"
    write_csv(enrolments, args.records, ENROLMENT_FIELDS, enrolment)
    start = time.perf_counter()
    delivery = pipeline.start(org, channel="file", file_name=enrolments.name,
                              file_sha256=files.sha256_of(enrolments))  # fmt: skip
    with enrolments.open("rb") as stream:
        delivery = pipeline.run(delivery, files.read_records(stream, "csv"), chunk_size=1000)
    seconds = time.perf_counter() - start
    facts = args.records / seconds
    print(f"enrolments: accepted {delivery.created}, rejected {delivery.rejected}; pipeline import "
          f"{seconds:.1f} s, {facts:,.0f} records/s (record by record: no set-wise path yet)")  # fmt: skip
    if connection.vendor == "postgresql":
        raw = raw_copy(enrolments, ENROLMENT_FIELDS)
        print(f"raw COPY of the same file: {raw:.2f} s, {args.records / raw:,.0f} records/s; "
              f"ratio {facts / (args.records / raw):.3f}")  # fmt: skip
    _client, token = create_client(org, "bench", ["deliver"])
    per_worker = args.api // 2
    connections.close_all()
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        ok = sum(pool.map(api_worker, [(token, 0, per_worker), (token, per_worker, per_worker)]))
    seconds = time.perf_counter() - start
    print(f"API single-record writes, 2 worker processes: {ok} created in {seconds:.1f} s, "
          f"{ok / seconds:,.0f} writes/s")  # fmt: skip


if __name__ == "__main__":
    main()
