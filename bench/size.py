"""Benchmark (issue 12, size): bytes per person of the register's tables and indexes on PostgreSQL
after ``generate_demo``, and the projection to 17 M persons.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/size.py [--persons 200000]

Prints, per register table, rows, heap and index bytes; the totals per person; the index share;
and the same total scaled to 17 M persons. Figures only.
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.mkdtemp()) / 'b.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

SIZES = """
SELECT c.relname, c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid),
       (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
 WHERE c.relkind = 'r' AND c.relname LIKE 'register\\_%%'
 ORDER BY pg_total_relation_size(c.oid) DESC
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=200_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/size.py needs PostgreSQL (run it under scripts/throwaway_pg.py)")
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("generate_demo", persons=args.persons, no_channels=True, no_progress=True,
                 stdout=io.StringIO())  # fmt: skip
    took = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(SIZES)
        rows = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM register_person")
        persons = cursor.fetchone()[0]
    print(
        f"generate_demo --persons {args.persons:,}: {took:.0f} s ({args.persons / took:,.0f} persons/s)"
    )
    print(f"{'table':<28} {'rows':>10} {'heap MB':>8} {'index MB':>8} {'indexes':>7}")
    heap = index = 0
    for name, count, table_bytes, index_bytes, n in rows:
        heap, index = heap + table_bytes, index + index_bytes
        print(f"{name:<28} {count:>10,} {table_bytes / 1e6:>8.1f} {index_bytes / 1e6:>8.1f} {n:>7}")
    total = heap + index
    print(f"total {total / 1e6:,.1f} MB for {persons:,} persons: {total / persons:,.0f} bytes per person "
          f"(heap {heap / persons:,.0f}, indexes {index / persons:,.0f} = {index / total:.0%}); "
          f"17 M persons: {total / persons * 17e6 / 1e9:,.1f} GB")  # fmt: skip


if __name__ == "__main__":
    main()
