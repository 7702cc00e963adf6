"""Benchmark (issue 12, "look-ups near plain Django speed"): the recipient look-up, the holder's
``/mijn/`` and ``/verifieren/<code>`` under the production server, against a plain Django view on
the same server, at concurrency 1, 2 and 4, in one run.

    .venv/bin/python bench/lookups.py [--persons 200000] [--seconds 10] [--workers 2]
    # 5 M persons (issue 12): generate once (~15-20 min), measure when the machine is quiet
    .venv/bin/python scripts/throwaway_pg.py -- .venv/bin/python bench/lookups.py --reuse \
        --persons 5000000 --start-when /tmp/measure-now

Starts its own throwaway PostgreSQL (scripts/throwaway_pg.py, fsync and synchronous_commit
switched on; ``--reuse``: the database of DATABASE_URL), fills it with ``generate_demo`` up to N
persons (rate printed), and serves it with
``diplomaregister serve`` (gunicorn, 2 sync workers) on 127.0.0.1. Each client thread sends one
request at a time on a new connection (gunicorn's sync workers do not keep connections alive):

  * ``plain``: ``GET /healthz`` (a Django view running ``SELECT 1``): the baseline;
  * ``lookup``: ``POST /api/v1/verstrekkingen/diplomas`` under art. 56 by UWV, random holders;
  * ``mijn``: ``GET /mijn/`` as one of 50 holders logged in through the DigiD mock;
  * ``verify``: ``GET /verifieren/<code>`` for one of 50 extracts.

Prints requests/s, p50 and p99 per kind and concurrency, and the ratio to ``plain`` at the same
concurrency (targets: >= 0.4 at concurrency 2, p99 < 20 ms up to concurrency 4). The rate limits
are raised for the run (capacity is measured, not the limits). Figures only; nothing asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
import load  # noqa: E402  (bench/load.py: HTTP helpers and the throwaway server)

throwaway_pg = load.throwaway_pg
HOST = load.HOST


def call(port: int, method: str, path: str, body: dict | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, bytes, list[tuple[str, str]]]:  # fmt: skip
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=payload,
                     headers={"Content-Type": "application/json", **(headers or {})})  # fmt: skip
        response = conn.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        conn.close()


def prepare(environ: dict[str, str], persons: int) -> dict:
    """Migrate and generate the register (only the persons it lacks: ``--reuse`` may find them)."""
    app = [sys.executable, "-m", "diplomaregister.manage"]
    subprocess.run([*app, "migrate", "-v", "0"], env=environ, check=True)
    os.environ.update(environ)
    import django

    django.setup()
    from django.db import connection, connections

    from diplomaregister.register.models import Person

    missing = persons - Person.objects.count()
    connections.close_all()
    started = time.perf_counter()
    if missing > 0:
        subprocess.run(
            [
                *app,
                "generate_demo",
                "--persons",
                str(missing),
                "--seed",
                "1",
                "--no-channels",
                "--batch-size",
                "20000",
            ],
            env=environ,
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip  (progress bar on stderr)
    generated = (missing, time.perf_counter() - started)

    from diplomaregister.extracts.services import make_extract
    from diplomaregister.organisations.auth import create_client
    from diplomaregister.organisations.models import Organisation
    from diplomaregister.register.models import DiplomaVersion

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("ALTER SYSTEM SET fsync = on")
        cursor.execute("ALTER SYSTEM SET synchronous_commit = on")
        cursor.execute("SELECT pg_reload_conf()")
    uwv = Organisation.objects.get(code="UWV")
    _client, token = create_client(uwv, "bench-lookups", ["recipient"])
    holders = list(
        Person.objects.filter(pk__in=DiplomaVersion.objects.filter(status="valid").values("person_id"))
        .order_by("?").values_list("pgn", flat=True)[:2000]
    )  # fmt: skip
    codes = [make_extract(pgn).code for pgn in holders[:50]]
    counts = (Person.objects.count(), DiplomaVersion.objects.count())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = f"PostgreSQL {cursor.fetchone()[0]}"
    connections.close_all()
    return {"token": token, "holders": holders, "codes": codes, "generated": generated,
            "persons": counts[0], "versions": counts[1], "server": server}  # fmt: skip


def log_in(port: int, pgn: str) -> str:
    status, _body, headers = call(port, "GET", f"/digid/acs/?bsn={pgn}&next=/mijn/")
    cookies = [v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie"]
    assert status in (200, 302) and cookies, f"DigiD mock login failed: {status}"
    return "; ".join(cookies)


def run(
    port: int, kind: str, clients: int, seconds: float, data: dict
) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(index: int) -> None:
        rng = random.Random(index)
        auth = {"Authorization": f"Bearer {data['token']}"}
        while time.monotonic() < deadline:
            if kind == "plain":
                args: tuple = ("GET", "/healthz")
            elif kind == "lookup":
                args = ("POST", "/api/v1/verstrekkingen/diplomas",
                        {"basis": "art56", "persoonsgebonden_nummer": rng.choice(data["holders"])}, auth)  # fmt: skip
            elif kind == "mijn":
                args = ("GET", "/mijn/", None, {"Cookie": rng.choice(data["cookies"])})
            else:
                args = ("GET", f"/verifieren/{rng.choice(data['codes'])}")
            start = time.perf_counter()
            status, _body, _headers = call(port, *args)
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                failures[0] += status != 200

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / seconds, latencies, failures[0]


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", default="1,2,4")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database of DATABASE_URL (generating only the persons it lacks) "
                             "instead of a throwaway server")  # fmt: skip
    parser.add_argument("--start-when", type=Path,
                        help="after preparing, wait until this file exists before measuring")  # fmt: skip
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        if not args.reuse:
            environ.update(stack.enter_context(throwaway_pg.throwaway_postgres()).environ())
        environ.update({
            "DIPLOMAREGISTER_VAR_DIR": str(load.TMP), "DIPLOMAREGISTER_LOG_LEVEL": "WARNING",
            "API_RATE_CLIENT": "100000000/minute", "API_RATE_ANON": "100000000/minute",
            "EXTRACT_VERIFY_RATE": "100000000/minute", "PYTHONPATH": str(ROOT.parent / "src"),
            "DJANGO_SETTINGS_MODULE": "diplomaregister.conf.settings",
        })  # fmt: skip
        environ.pop("WEB_CONCURRENCY", None)
        data = prepare(environ, args.persons)
        made, took = data["generated"]
        rate = f"{made:,} generated at {made / took:,.0f} persons/s" if made else "reused"
        print(f"{data['server']}, fsync on; register of {data['persons']:,} persons, "
              f"{data['versions']:,} document versions (generate_demo: {rate}); "
              f"{os.cpu_count()} cores", flush=True)  # fmt: skip
        while args.start_when and not args.start_when.exists():
            time.sleep(5)
        setup = load.Setup(load.free_port(), "", "", "", 0, [])
        server = load.start_server(setup, environ, args.workers)
        try:
            data["cookies"] = [log_in(setup.port, pgn) for pgn in data["holders"][:50]]
            for kind in ("plain", "lookup", "mijn", "verify"):  # warm every worker and path
                run(setup.port, kind, 2, 1.0, data)
            print(
                f"server: diplomaregister serve --workers {args.workers}; {args.seconds:g} s per figure"
            )
            print(
                f"{'kind':<8} {'conc':>4} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'vs plain':>8} {'errors':>6}"
            )
            for clients in [int(c) for c in args.concurrency.split(",")]:
                plain = None
                for kind in ("plain", "lookup", "mijn", "verify"):
                    rate, latencies, failures = run(setup.port, kind, clients, args.seconds, data)
                    plain = rate if kind == "plain" else plain
                    print(f"{kind:<8} {clients:>4} {rate:>8,.0f} {p(latencies, 50):>7.1f} "
                          f"{p(latencies, 99):>7.1f} {rate / plain:>8.2f} {failures:>6}", flush=True)  # fmt: skip
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
