"""Benchmark (issue 12, "logging costs < 10 % of look-up throughput"): recipient look-ups per second
with the disclosure log as it is against the same look-ups with the log append replaced by nothing,
at 1, 4 and 16 concurrent clients, in one run.

    python scripts/throwaway_pg.py -- .venv/bin/python bench/log_cost.py [--persons 20000] [--seconds 5]
        [--rounds 3]

Each client is a process running Django's test client in-process (warmed up by 20 look-ups, then
all clients start together) (no HTTP server: the figure is
the application's own work), ``POST /api/v1/verstrekkingen/diplomas`` under art. 56 by UWV for
random holders. fsync and synchronous_commit are switched on. Three variants: "with log" as it
is (the append sent ahead and its commit awaited at the gate, logboek/gate.py); "awaited": the
append committed before ``disclose`` returns, as without the gate; "without": ``log_disclosure``
in the engine replaced by a stub. The last two are measurement devices only, never a
configuration. Prints look-ups/s per variant and client count and the log's cost
(1 - with/without).
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.mkdtemp()) / 'b.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")
os.environ.update({"API_RATE_CLIENT": "100000000/minute", "API_RATE_ANON": "100000000/minute",
                   "DIPLOMAREGISTER_LOG_LEVEL": "WARNING"})  # fmt: skip

import django  # noqa: E402

django.setup()

from _processes import total_count  # noqa: E402  (bench/_processes.py)
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402

from diplomaregister.logboek import gate  # noqa: E402
from diplomaregister.logboek.models import LogEntry  # noqa: E402
from diplomaregister.verstrekking import engine  # noqa: E402


def _worker(token: str, numbers: list[str], variant: str, seconds: float, seed: int,
            start: Any, out: multiprocessing.Queue) -> None:  # fmt: skip
    connections.close_all()
    if variant == "without":
        engine.log_disclosure = lambda **kwargs: LogEntry()  # type: ignore[assignment]
    elif variant == "awaited":  # the append committed before disclose() returns (no gate)
        gate.deferring = lambda: False  # type: ignore[assignment]
    client, rng = Client(HTTP_AUTHORIZATION=f"Bearer {token}"), random.Random(seed)

    def look_up() -> None:
        body = {"basis": "art56", "persoonsgebonden_nummer": rng.choice(numbers)}
        response = client.post("/api/v1/verstrekkingen/diplomas", json.dumps(body),
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 200, response.status_code

    for _ in range(WARM_UP):  # each process's first requests load templates, law tables, ...
        look_up()
    start.wait()  # every client measured over the same window
    n, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        look_up()
        n += 1
    connections.close_all()
    out.put(n)


WARM_UP = 20
VARIANTS = ("with log", "awaited", "without")


def rate(token: str, numbers: list[str], variant: str, clients: int, seconds: float) -> float:
    start = multiprocessing.Barrier(clients)
    args = [(token, numbers, variant, seconds, i, start) for i in range(clients)]
    return total_count(_worker, args, timeout=seconds + 120) / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/log_cost.py needs PostgreSQL (run it under scripts/throwaway_pg.py)")
    call_command("migrate", verbosity=0)
    call_command("generate_demo", persons=args.persons, no_channels=True, no_progress=True,
                 stdout=io.StringIO())  # fmt: skip
    from diplomaregister.organisations.auth import create_client
    from diplomaregister.organisations.models import Organisation
    from diplomaregister.register.models import DiplomaVersion, Person

    _c, token = create_client(Organisation.objects.get(code="UWV"), "bench", ["recipient"])
    numbers = list(Person.objects.filter(pk__in=DiplomaVersion.objects.values("person_id"))
                   .values_list("pgn", flat=True)[:5000])  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("ALTER SYSTEM SET fsync = on")
        cursor.execute("ALTER SYSTEM SET synchronous_commit = on")
        cursor.execute("SELECT pg_reload_conf()")
    print(
        f"{args.persons:,} persons; fsync on; {os.cpu_count()} cores; median of {args.rounds} "
        f"interleaved runs of {args.seconds:g} s per figure"
    )
    print(f"{'clients':>7} {'with log/s':>10} {'awaited/s':>10} {'without/s':>10} "
          f"{'log costs':>9} {'awaited costs':>13}")  # fmt: skip
    for clients in [int(c) for c in args.clients.split(",")]:
        runs: dict[str, list[float]] = {v: [] for v in VARIANTS}
        for _ in range(args.rounds):  # interleaved: a drift of the machine hits every variant
            for v in VARIANTS:
                runs[v].append(rate(token, numbers, v, clients, args.seconds))
        got = {v: statistics.median(r) for v, r in runs.items()}
        print(f"{clients:>7} {got['with log']:>10,.0f} {got['awaited']:>10,.0f} "
              f"{got['without']:>10,.0f} {1 - got['with log'] / got['without']:>9.1%} "
              f"{1 - got['awaited'] / got['without']:>13.1%}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
