"""Benchmark (issue 12, "a log that does not serialise the country"): appends to the disclosure log
from many clients with durable commits, against a plain insert of the same rows, in one run.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/log_append.py [--seconds 5] [--clients 1,4,16]

Three variants, each for ``--seconds`` per client count, every append its own committed
transaction (fsync and synchronous_commit switched on: the throwaway server starts without them):

  * ``plain``: INSERT of the same row into a copy of the log table (same columns and indexes, no
    chain, no trigger): the ceiling of any logging design;
  * ``chains``: ``logboek.services.log_disclosure``, the log as it is (32 parallel hash chains, a
    free head taken with SKIP LOCKED, hashed in SQL);
  * ``sent ahead``: the same append as a request makes it (logboek/gate.py): sent on the log
    session (libpq, prepared), its commit awaited at once;
  * ``one chain``: the same code forced onto one chain head (the design before issue 12).

Prints rows/s per variant and client count, and the ratios chains/plain, sent-ahead/plain and
one-chain/plain (target at 16 clients: >= 0.7). Ends with ``verify_log`` over every row written.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TMP = Path(tempfile.mkdtemp(prefix="bench-log-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")

import django  # noqa: E402

django.setup()

from _processes import total_count  # noqa: E402  (bench/_processes.py)
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from diplomaregister.logboek import gate, services  # noqa: E402
from diplomaregister.verstrekking.engine import Requester  # noqa: E402

REQUESTER = Requester(kind="public", label="Verificatie")
VARIANTS = ("plain", "chains", "sent ahead", "one chain")
FIELDS = ["birth_date", "date_of_issue", "family_name", "kind", "organisation"]
PLAIN_SQL = (
    "INSERT INTO bench_plain_log (chain, seq, occurred_at, trace_id, basis, article, activity_nl, "
    "activity_en, recipient_kind, recipient_label, recipient_code, client_id, user_id, subject_ref, "
    "fields, record_count, channel, outcome, reason, prev_hash, row_hash) VALUES (%s, %s, now(), "
    "%s, 'art50', 'art. 50', '', '', 'public', 'Verificatie', '', NULL, NULL, %s, %s, 1, 'api', "
    "'disclosed', '', %s, %s)"
)


def _row(ref: str) -> dict[str, Any]:
    return {"trace_id": ref[:32], "basis": "art50", "requester": REQUESTER, "subject": ref,
            "fields": FIELDS, "channel": "api", "outcome": "disclosed", "record_count": 1}  # fmt: skip


def _worker(variant: str, worker: int, seconds: float, out: multiprocessing.Queue) -> None:
    connections.close_all()
    if variant == "one chain":
        services._APPEND_FREE = services._APPEND_WAIT  # type: ignore[misc]
        services.CHAINS = 1  # type: ignore[misc]
    services.ANCHOR_EVERY = 1e9  # anchors are not part of the figure
    n, deadline = 0, time.perf_counter() + seconds
    with connection.cursor() as cursor:
        while time.perf_counter() < deadline:
            ref = f"{worker:05d}{n:059d}"
            if variant == "plain":
                cursor.execute(PLAIN_SQL, [worker, n, ref, ref, '["' + '","'.join(FIELDS) + '"]',
                                           "0" * 64, "f" * 64])  # fmt: skip
            elif variant == "sent ahead":  # as in a request: sent on the log session, then awaited
                with gate.opened():
                    services.log_disclosure_ahead(**_row(ref))
                    gate.settle()
            else:  # as the engine calls it outside a request: one statement, committed on its own
                services.log_disclosure(**_row(ref))
            n += 1
    connections.close_all()
    out.put(n)


def run(variant: str, clients: int, seconds: float) -> float:
    args = [(variant, w + clients * 1000, seconds) for w in range(clients)]
    return total_count(_worker, args, timeout=seconds + 120) / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", default="1,4,16")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/log_append.py needs PostgreSQL (run it under scripts/throwaway_pg.py)")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_log")
        cursor.execute("CREATE TABLE bench_plain_log (LIKE logboek_logentry INCLUDING ALL)")
        cursor.execute("ALTER SYSTEM SET fsync = on")
        cursor.execute("ALTER SYSTEM SET synchronous_commit = on")
        cursor.execute("SELECT pg_reload_conf()")
    connections.close_all()
    time.sleep(1)  # the reload is asynchronous
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('fsync'), current_setting('synchronous_commit'), "
                       "current_setting('max_connections'), version()")  # fmt: skip
        fsync, sync, maxconn, version = cursor.fetchone()
    print(f"{version.split(',')[0]}; fsync {fsync}, synchronous_commit {sync}; "
          f"{os.cpu_count()} cores; {args.seconds:g} s per figure", flush=True)  # fmt: skip
    print(f"{'clients':>7}  {'plain/s':>9}  {'chains/s':>9}  {'ahead/s':>9}  {'one chain/s':>11}  "
          f"{'chains/plain':>12}  {'ahead/plain':>11}  {'one/plain':>9}")  # fmt: skip
    for clients in [int(c) for c in args.clients.split(",")]:
        rates = {v: run(v, clients, args.seconds) for v in VARIANTS}
        print(f"{clients:>7}  {rates['plain']:>9,.0f}  {rates['chains']:>9,.0f}  "
              f"{rates['sent ahead']:>9,.0f}  {rates['one chain']:>11,.0f}  "
              f"{rates['chains'] / rates['plain']:>12.2f}  "
              f"{rates['sent ahead'] / rates['plain']:>11.2f}  "
              f"{rates['one chain'] / rates['plain']:>9.2f}", flush=True)  # fmt: skip
    start = time.perf_counter()
    call_command("verify_log")
    print(f"verify_log: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
