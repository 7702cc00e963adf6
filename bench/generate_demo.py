"""Benchmark: ``generate_demo`` against a raw COPY of the same rows, in one run.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/generate_demo.py [--persons 100000]

Prints persons/s and rows/s of the generator (row building in Python + COPY per table per chunk)
and of a raw baseline: the very rows it wrote, read back with ``COPY ... TO STDOUT`` and loaded with
``COPY ... FROM STDIN`` into bare tables of the same shape (no indexes, no constraints, no Python
row building). The ratio says what the generator costs over the database's own bulk path.
Without DATABASE_URL it runs on a temporary SQLite file (no COPY baseline there).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-demo-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from diplomaregister.demo.persons import WRITE_ORDER  # noqa: E402
from diplomaregister.demo.services import generate  # noqa: E402


def raw_copy_seconds() -> tuple[float, int]:
    """Copy every generated table's rows into an unlogged bare twin via COPY, timing the load."""
    total_rows = 0
    elapsed = 0.0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for model in WRITE_ORDER:
            table = model._meta.db_table
            bare = f"bench_bare_{table}"
            cursor.execute(f'DROP TABLE IF EXISTS "{bare}"')
            cursor.execute(f'CREATE TABLE "{bare}" (LIKE "{table}" INCLUDING DEFAULTS)')
            buffer = bytearray()
            with raw.copy(f'COPY "{table}" TO STDOUT') as out:
                for chunk in out:
                    buffer += chunk
            start = time.perf_counter()
            with raw.copy(f'COPY "{bare}" FROM STDIN') as copy:
                copy.write(bytes(buffer))
            elapsed += time.perf_counter() - start
            cursor.execute(f'SELECT count(*) FROM "{bare}"')
            total_rows += cursor.fetchone()[0]
            cursor.execute(f'DROP TABLE "{bare}"')
    return elapsed, total_rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    summary = generate(args.persons, seed=1, batch_size=args.batch_size, progress=True)
    seconds = time.perf_counter() - start
    rows = sum(summary.rows.values())
    print(
        f"database: {connection.vendor}; persons {summary.persons}, documents {summary.documents}"
    )
    print(f"generate_demo: {seconds:.1f} s, {summary.persons / seconds:,.0f} persons/s, "
          f"{rows / seconds:,.0f} rows/s ({rows:,} rows)")  # fmt: skip
    if connection.vendor != "postgresql":
        print("raw COPY baseline: only on PostgreSQL")
        return
    raw_seconds, raw_rows = raw_copy_seconds()
    print(f"raw COPY of the same rows into bare tables: {raw_seconds:.1f} s, "
          f"{raw_rows / raw_seconds:,.0f} rows/s")  # fmt: skip
    print(
        f"ratio generate_demo / raw COPY (rows/s): {(rows / seconds) / (raw_rows / raw_seconds):.2f}"
    )
    print(f"projected 1 M persons: {1_000_000 / (summary.persons / seconds) / 60:.1f} min")


if __name__ == "__main__":
    main()
