"""Benchmark: batch levering through the full pipeline on PostgreSQL with durable commits (fsync,
synchronous_commit and full_page_writes switched on), each figure next to its baseline in one run:

    python scripts/throwaway_pg.py -- .venv/bin/python bench/levering_import.py [--records 600000]

1. ``--records`` new diplomas (a national year is ~600 000): CSV file -> parse -> rules -> decisions
   -> register rows -> per-record feedback, committed per chunk (set-based on PostgreSQL,
   levering/_staging.py). Baseline, the physical ceiling of any path: the same final register rows
   (persons, identity versions, diplomas, versions, grades) dumped and COPYed back into the
   register's own tables with their indexes, foreign keys and triggers, one durable commit.
2. Corrections and withdrawals of those diplomas (a quarter each), same pipeline.
3. ``--records`` enrolments (art. 18) of the same persons.
4. Single-record API writes with 2 worker processes (the per-record path).
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-levering-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

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


REGISTER = ("register_person", "register_personversion", "register_diploma", "register_diplomaversion",
            "register_diplomagrade")  # fmt: skip
FEEDBACK = ("levering_deliveryrecord",)


def durable() -> str:
    with connection.cursor() as cursor:
        for name in ("fsync", "synchronous_commit", "full_page_writes"):
            cursor.execute(f"ALTER SYSTEM SET {name} = on")
        cursor.execute("SELECT pg_reload_conf()")
        time.sleep(0.5)
        cursor.execute("SELECT current_setting('fsync'), current_setting('synchronous_commit'), "
                       "current_setting('full_page_writes'), version()")  # fmt: skip
        fsync, sync, fpw, version = cursor.fetchone()
    return (
        f"{version.split(',')[0]}; fsync {fsync}, synchronous_commit {sync}, full_page_writes {fpw}"
    )


def ceiling(tables: tuple[str, ...]) -> tuple[float, int]:
    """Dump the tables' rows, empty them and COPY the same rows back in one transaction (indexes,
    foreign keys and triggers in place), durably committed: seconds and rows. The rows (and ids)
    afterwards are exactly those before."""
    dumps, rows = {}, 0
    with connection.cursor() as cursor:
        for table in tables:
            buffer = bytearray()
            with cursor.cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                for block in copy:
                    buffer += block
            dumps[table] = bytes(buffer)
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows += cursor.fetchone()[0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    connection.cursor().execute("CHECKPOINT")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            with cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                view = memoryview(dumps[table])
                for offset in range(0, len(view), 1 << 20):
                    copy.write(view[offset : offset + (1 << 20)])
    seconds = time.perf_counter() - start
    with (
        connection.cursor() as cursor
    ):  # TRUNCATE dropped the statistics; the import's look-ups need them
        cursor.execute(f"ANALYZE {', '.join(tables)}")
    return seconds, rows


def import_file(org: Organisation, path: Path, chunk: int) -> tuple[float, Any]:
    start = time.perf_counter()
    delivery = pipeline.start(
        org, channel="file", file_name=path.name, file_sha256=files.sha256_of(path)
    )
    with path.open("rb") as stream:
        delivery = pipeline.run(delivery, files.read_records(stream, "csv"), chunk_size=chunk)
    return time.perf_counter() - start, delivery


def changes(n: int, total: int) -> dict[str, str]:
    """The first quarter corrected (another profile and grade), the second quarter withdrawn."""
    if n < total // 4:
        return {**record(n), "vo_profile": "NT", "programme_code": "HAVO-NT",
                "grades": GRADES.replace('"7"', '"8"'), "action": "", "effective_date": "", "reason": "", "reason_code": ""}  # fmt: skip
    return {"action": "withdraw", "record_key": f"B{n:08d}", "effective_date": "2024-08-01",
            "reason": "uitgereikt in fout", "reason_code": "error"}  # fmt: skip


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
    parser.add_argument("--records", type=int, default=600_000)
    parser.add_argument(
        "--chunk", type=int, default=5000, help="records per chunk (one transaction)"
    )
    parser.add_argument("--api", type=int, default=400, help="single-record API writes in all")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/levering_import.py needs PostgreSQL (run it under scripts/throwaway_pg.py)")
    call_command("migrate", verbosity=0)
    print(durable(), flush=True)
    org, _ = Organisation.objects.get_or_create(code="99ZZ", defaults={"name": "Bench Lyceum", "kind": "vo_school",
                                                                       "brin": "99ZZ", "bekostigd": True})  # fmt: skip
    n = args.records
    path = TMP / "delivery.csv"
    write_csv(path, n)
    seconds, delivery = import_file(org, path, args.chunk)
    rate = n / seconds
    print(f"1. {n:,} new diplomas through the pipeline (chunks of {args.chunk:,}): {seconds:.1f} s, "
          f"{rate:,.0f} records/s; created {delivery.created:,}, rejected {delivery.rejected:,}", flush=True)  # fmt: skip
    raw, rows = ceiling(REGISTER)
    print(f"   ceiling: raw COPY of the same {rows:,} final register rows into the register's own indexed "
          f"tables: {raw:.1f} s = {n / raw:,.0f} diplomas/s; ratio pipeline / ceiling {raw / seconds:.2f} "
          "(target >= 0.5)", flush=True)  # fmt: skip
    raw_all, rows_all = ceiling(REGISTER + FEEDBACK)
    print(
        f"   with the {rows_all - rows:,} feedback rows too: {raw_all:.1f} s; ratio {raw_all / seconds:.2f}"
    )
    print(f"   national year ({n:,} diplomas): {seconds:.1f} s (target < 60 s)", flush=True)
    fixes = TMP / "changes.csv"
    write_csv(fixes, n // 2, FIELDS + ["action", "effective_date", "reason", "reason_code"],
              lambda i: changes(i, n))  # fmt: skip
    seconds, delivery = import_file(org, fixes, args.chunk)
    print(f"2. {n // 2:,} corrections and withdrawals: {seconds:.1f} s, {n // 2 / seconds:,.0f} records/s "
          f"(target >= 10 000); corrected {delivery.corrected:,}, withdrawn {delivery.withdrawn:,}, "
          f"rejected {delivery.rejected:,}", flush=True)  # fmt: skip
    enrolments = TMP / "enrolments.csv"
    write_csv(enrolments, n, ENROLMENT_FIELDS, enrolment)
    seconds, delivery = import_file(org, enrolments, args.chunk)
    print(f"3. {n:,} enrolments: {seconds:.1f} s, {n / seconds:,.0f} records/s; created "
          f"{delivery.created:,}, rejected {delivery.rejected:,}", flush=True)  # fmt: skip
    raw = raw_copy(enrolments, ENROLMENT_FIELDS)
    print(
        f"   raw COPY of the same file into a bare text table: {raw:.2f} s, {n / raw:,.0f} records/s"
    )
    _client, token = create_client(org, "bench", ["deliver"])
    per_worker = args.api // 2
    connections.close_all()
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        ok = sum(pool.map(api_worker, [(token, 0, per_worker), (token, per_worker, per_worker)]))
    seconds = time.perf_counter() - start
    print(f"4. API single-record writes, 2 worker processes: {ok} created in {seconds:.1f} s, "
          f"{ok / seconds:,.0f} writes/s")  # fmt: skip


if __name__ == "__main__":
    main()
