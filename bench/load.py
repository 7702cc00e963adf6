"""Load test of the production server: ``diplomaregister serve`` (gunicorn, 2 workers) against a
throwaway PostgreSQL, 16 concurrent clients for 60 s, then the same with PostgreSQL restarted in
the middle.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 16] [--workers 2] [--persons 2000]

The script starts its own throwaway PostgreSQL (scripts/throwaway_pg.py, imported) because it
restarts it (``pg_ctl restart -m fast`` on its data directory); under ``make bench`` the server that
``throwaway_pg.py`` started for it stays idle. Everything runs on 127.0.0.1 and stops by itself.

Each client thread loops until the phase ends, choosing by weight: a health check (``/healthz``
or ``/readyz``, 20 %), a recipient look-up (``POST /api/v1/verstrekkingen/diplomas``, art. 56 by
UWV, 50 %) or a delivery (``POST /api/v1/diplomas``, 30 %) of a new diploma with a unique record
key and ``Idempotency-Key``; a delivery that fails is sent again, same key, until it succeeds
(or 15 s after the phase). The API rate limits are raised for the run (capacity is measured, not
the limits). Printed per phase: requests/s, p50/p99 latency, answers by status, the most
PostgreSQL client connections seen (``pg_stat_activity``, sampled every second); for the restart
phase: the failed requests around the restart, when requests succeed again, and whether every
acknowledged delivery is in the register exactly once. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
TMP = Path(tempfile.mkdtemp(prefix="bench-load-"))

import throwaway_pg  # noqa: E402

HOST = "127.0.0.1"
GRADES = [{"subject_code": "NE", "subject_name": "Nederlands", "school_exam_grade": "6.5",
           "central_exam_grade": "7.1", "final_grade": "7"}]  # fmt: skip
DB_KINDS = ("readyz", "lookup", "deliver")  # requests that need the database


@dataclass
class Result:
    kind: str
    start: float
    end: float
    status: str  # HTTP status, or the exception's name when there was no answer

    @property
    def ok(self) -> bool:
        return self.status.isdigit() and int(self.status) < 400


@dataclass
class Phase:
    name: str
    results: list[Result] = field(default_factory=list)
    acked: dict[str, int] = field(default_factory=dict)  # record key -> attempts
    given_up: list[str] = field(default_factory=list)
    connections: list[tuple[float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Setup:
    port: int
    lookup_token: str
    deliver_token: str
    org_code: str
    org_id: int
    bsns: list[str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def request(port: int, method: str, path: str, body: dict | None = None,
            headers: dict[str, str] | None = None) -> tuple[str, bytes]:  # fmt: skip
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        conn.request(method, path, body=payload, headers=all_headers)
        response = conn.getresponse()
        return str(response.status), response.read()
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__, b""
    finally:
        conn.close()


def prepare(pg: throwaway_pg.Server, environ: dict[str, str], persons: int) -> Setup:
    app = [sys.executable, "-m", "diplomaregister.manage"]
    subprocess.run([*app, "migrate", "-v", "0"], env=environ, check=True)
    subprocess.run([*app, "generate_demo", "--persons", str(persons), "--seed", "1", "--no-progress"],
                   env=environ, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    os.environ.update(environ)
    os.environ["DIPLOMAREGISTER_LOG_LEVEL"] = "WARNING"  # this process only, not the server
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomaregister.conf.settings")
    import django

    django.setup()
    from django.db import connections

    from diplomaregister.organisations.auth import create_client
    from diplomaregister.organisations.models import Organisation
    from diplomaregister.register.models import DiplomaVersion, Person

    uwv = Organisation.objects.get(code="UWV")
    school, _ = Organisation.objects.get_or_create(code="99ZZ", defaults={
        "name": "Bench Lyceum", "kind": "vo_school", "brin": "99ZZ", "bekostigd": True})  # fmt: skip
    _client, lookup_token = create_client(uwv, "load-lookups", ["recipient"])
    _client, deliver_token = create_client(school, "load-deliveries", ["deliver"])
    bsns = list(
        Person.objects.filter(pk__in=DiplomaVersion.objects.values("person_id")).values_list(
            "pgn", flat=True
        )[:2000]
    )
    connections.close_all()
    return Setup(free_port(), lookup_token, deliver_token, school.code, school.pk, bsns)


def start_server(setup: Setup, environ: dict[str, str], workers: int) -> subprocess.Popen:
    log = (TMP / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "diplomaregister.manage", "serve", "--workers", str(workers),
         "--bind", f"{HOST}:{setup.port}"],
        env=environ, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"serve exited with {process.returncode}; see {TMP / 'serve.log'}")
        if request(setup.port, "GET", "/readyz")[0] == "200":
            return process
        time.sleep(0.3)
    raise SystemExit("serve did not become ready in 90 s")


def client_loop(index: int, phase: Phase, setup: Setup, deadline: float) -> None:
    from diplomaregister.core.pgn import synthetic_bsn

    rng = random.Random(index)
    lookup_auth = {"Authorization": f"Bearer {setup.lookup_token}"}
    counter = 0
    while time.monotonic() < deadline:
        kind = rng.choices(["health", "lookup", "deliver"], weights=[20, 50, 30])[0]
        if kind == "health":
            path = "/healthz" if rng.random() < 0.5 else "/readyz"
            start = time.monotonic()
            status, _ = request(setup.port, "GET", path)
            with phase.lock:
                phase.results.append(Result(path.strip("/"), start, time.monotonic(), status))
        elif kind == "lookup":
            body = {"basis": "art56", "persoonsgebonden_nummer": rng.choice(setup.bsns)}
            start = time.monotonic()
            status, _ = request(setup.port, "POST", "/api/v1/verstrekkingen/diplomas", body,
                                lookup_auth)  # fmt: skip
            with phase.lock:
                phase.results.append(Result("lookup", start, time.monotonic(), status))
        else:
            counter += 1
            serial = (0 if phase.name == "steady" else 500_000) + index * 20_000 + counter
            key = f"LT-{phase.name}-{index:02d}-{counter:06d}"
            body = {"record_key": key, "pgn": synthetic_bsn(6_000_000 + serial),
                    "family_name": "Jansen", "given_names": "Sem", "gender": "M",
                    "birth_date": "2007-03-01", "kind": "l", "date_of_issue": "2024-07-10",
                    "programme_code": "HAVO-NG", "vo_profile": "NG", "grades": GRADES}  # fmt: skip
            headers = {"Authorization": f"Bearer {setup.deliver_token}", "Idempotency-Key": key}
            attempts = 0
            while True:
                attempts += 1
                start = time.monotonic()
                status, _ = request(setup.port, "POST", "/api/v1/diplomas", body, headers)
                result = Result("deliver", start, time.monotonic(), status)
                with phase.lock:
                    phase.results.append(result)
                if status in ("200", "201"):
                    with phase.lock:
                        phase.acked[key] = attempts
                    break
                if time.monotonic() > deadline + 15:
                    with phase.lock:
                        phase.given_up.append(key)
                    break
                time.sleep(0.2)


def sample_connections(pg: throwaway_pg.Server, phase: Phase, stop: threading.Event) -> None:
    import psycopg

    conn = None
    while not stop.is_set():
        try:
            if conn is None or conn.closed or conn.broken:
                conn = psycopg.connect(pg.url.replace("postgres://", "postgresql://"),
                                       autocommit=True, connect_timeout=2)  # fmt: skip
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                "AND pid <> pg_backend_pid()"
            ).fetchone()
            phase.connections.append((time.monotonic(), int(row[0]) if row else 0))
        except psycopg.Error:
            conn = None
        stop.wait(1.0)
    if conn is not None:
        conn.close()


def restart_postgres(pg: throwaway_pg.Server, run_as: throwaway_pg.RunAs) -> tuple[float, float]:
    start = time.monotonic()
    done = subprocess.run(
        [pg.binaries.exe("pg_ctl"), "-D", str(pg.datadir), "-l", str(pg.logfile), "-m", "fast",
         "-w", "-t", "60", "restart"],
        cwd=pg.tmpdir, env=throwaway_pg._server_env(pg.tmpdir), capture_output=True, text=True,
        start_new_session=True, stdin=subprocess.DEVNULL, check=False, **run_as.popen_kwargs(),
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"pg_ctl restart failed:\n{done.stdout}\n{done.stderr}")
    return start, time.monotonic()


def run_phase(name: str, setup: Setup, pg: throwaway_pg.Server, run_as: throwaway_pg.RunAs,
              clients: int, seconds: float, restart_at: float | None) -> tuple[Phase, tuple[float, float] | None]:  # fmt: skip
    phase = Phase(name)
    stop = threading.Event()
    sampler = threading.Thread(target=sample_connections, args=(pg, phase, stop), daemon=True)
    sampler.start()
    began = time.monotonic()
    deadline = began + seconds
    threads = [threading.Thread(target=client_loop, args=(i, phase, setup, deadline), daemon=True)
               for i in range(clients)]  # fmt: skip
    for thread in threads:
        thread.start()
    restart = None
    if restart_at is not None:
        time.sleep(restart_at)
        restart = restart_postgres(pg, run_as)
    for thread in threads:
        thread.join()
    stop.set()
    sampler.join()
    phase.began, phase.ended = began, time.monotonic()  # type: ignore[attr-defined]
    return phase, restart


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(phase: Phase, seconds: float) -> None:
    results = phase.results
    latencies = [(r.end - r.start) * 1000 for r in results]
    by_status = collections.Counter(r.status for r in results)
    by_kind = collections.Counter(r.kind for r in results)
    errors = collections.Counter(f"{r.kind} {r.status}" for r in results if not r.ok)
    print(f"  requests: {len(results)} in {seconds:.0f} s = {len(results) / seconds:,.1f}/s "
          f"({', '.join(f'{k} {n}' for k, n in sorted(by_kind.items()))})")  # fmt: skip
    print(f"  latency: p50 {pct(latencies, 0.50):.1f} ms, p99 {pct(latencies, 0.99):.1f} ms, "
          f"max {max(latencies, default=0):.1f} ms")  # fmt: skip
    for kind in ("healthz", "readyz", "lookup", "deliver"):
        own = [(r.end - r.start) * 1000 for r in results if r.kind == kind]
        if own:
            print(
                f"    {kind:8} p50 {pct(own, 0.5):7.1f} ms  p99 {pct(own, 0.99):7.1f} ms  n={len(own)}"
            )
    print(f"  answers by status: {dict(sorted(by_status.items()))}")
    print(f"  errors by status: {dict(sorted(errors.items())) or 'none'}")
    counts = [n for _, n in phase.connections]
    print(f"  PostgreSQL client connections: max {max(counts, default=0)}, median "
          f"{statistics.median(counts) if counts else 0} ({len(counts)} samples, 1/s; "
          f"max_connections {throwaway_pg.SETTINGS['max_connections']})")  # fmt: skip


def report_restart(phase: Phase, restart: tuple[float, float]) -> None:
    down, up = restart
    failures = [r for r in phase.results if r.kind in DB_KINDS and not r.ok and r.end >= down - 1]
    print(f"  PostgreSQL restarted (pg_ctl restart -m fast) at +{down - phase.began:.1f} s of the "  # type: ignore[attr-defined]
          f"phase; accepting connections again after {up - down:.2f} s")  # fmt: skip
    if not failures:
        print("  failed requests around the restart: none")
        print("  requests succeed again: at once (no failed request)")
        return
    first = min(r.start for r in failures)
    last = max(r.end for r in failures)
    after_up = [r for r in failures if r.start >= up]
    statuses = collections.Counter(f"{r.kind} {r.status}" for r in failures)
    print(f"  failed requests around the restart: {len(failures)} {dict(sorted(statuses.items()))}; "
          f"started from +{first - down:.2f} s, the last ended +{last - down:.2f} s after the restart began")  # fmt: skip
    print(f"  of those started after PostgreSQL was back: {len(after_up)}")
    later = sorted((r for r in phase.results if r.kind in DB_KINDS and r.ok and r.start >= last),
                   key=lambda r: r.end)  # fmt: skip
    if later:
        print(f"  requests succeed again: {later[0].end - down:.2f} s after the restart began "
              f"({later[0].end - up:.2f} s after PostgreSQL accepted connections; target < 5 s)")  # fmt: skip


def check_deliveries(pg: throwaway_pg.Server, setup: Setup, phases: list[Phase]) -> None:
    import psycopg

    with psycopg.connect(pg.url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        versions = dict(conn.execute(
            "SELECT d.record_key, count(v.id) FROM register_diploma d "
            "JOIN register_diplomaversion v ON v.diploma_id = d.id "
            "WHERE d.organisation_id = %s AND d.record_key LIKE 'LT-%%' GROUP BY d.record_key",
            [setup.org_id]).fetchall())  # fmt: skip
        feedback = dict(conn.execute(
            "SELECT r.record_key, count(*) FROM levering_deliveryrecord r "
            "JOIN levering_delivery d ON d.id = r.delivery_id "
            "WHERE d.organisation_id = %s AND r.record_key LIKE 'LT-%%' GROUP BY r.record_key",
            [setup.org_id]).fetchall())  # fmt: skip
    for phase in phases:
        acked = phase.acked
        lost = [k for k in acked if versions.get(k, 0) == 0]
        duplicated = [k for k in acked if versions.get(k, 0) > 1]
        double_feedback = [k for k in acked if feedback.get(k, 0) > 1]
        retried = sum(1 for n in acked.values() if n > 1)
        unacked_in = sum(1 for k in phase.given_up if versions.get(k, 0))
        print(f"  [{phase.name}] deliveries acknowledged: {len(acked)} ({retried} after a retry with "
              f"the same Idempotency-Key); in the register exactly once: "
              f"{sum(1 for k in acked if versions.get(k, 0) == 1)}; lost: {len(lost)}; duplicated: "
              f"{len(duplicated)}; delivery feedback rows twice: {len(double_feedback)}; never "
              f"acknowledged: {len(phase.given_up)} (of which in the register: {unacked_in})")  # fmt: skip


def server_log_summary() -> None:
    lines = [line for line in (TMP / "serve.log").read_text().splitlines() if line.strip()]
    records, other = [], 0
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            other += 1
    levels = collections.Counter(r.get("level") for r in records)
    server_errors = sum(1 for r in records if r.get("logger") == "diplomaregister.access"
                        and int(r.get("status", 0)) >= 500)  # fmt: skip
    print(f"  server log: {len(lines)} lines, {len(records)} JSON objects, {other} other "
          f"(the command's start line); by level {dict(levels)}; 5xx answers logged: {server_errors}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--restart-at", type=float, default=None,
                        help="seconds into the second phase (default: half of --seconds)")  # fmt: skip
    args = parser.parse_args()
    binaries = throwaway_pg.find_binaries()
    run_as = throwaway_pg.choose_run_as()
    with throwaway_pg.throwaway_postgres(binaries) as pg:
        print(
            f"PostgreSQL {pg.version} on 127.0.0.1:{pg.port} (own throwaway server); work dir {TMP}"
        )
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        environ.update(pg.environ())
        environ.update({
            "DIPLOMAREGISTER_VAR_DIR": str(TMP), "DIPLOMAREGISTER_LOG_FORMAT": "json",
            "API_RATE_CLIENT": "1000000/minute", "API_RATE_ANON": "1000000/minute",
            "PYTHONPATH": str(ROOT / "src"),
        })  # fmt: skip
        environ.pop("WEB_CONCURRENCY", None)
        started = time.monotonic()
        setup = prepare(pg, environ, args.persons)
        print(f"data: generate_demo --persons {args.persons} and two API clients in "
              f"{time.monotonic() - started:.0f} s; {len(setup.bsns)} holders to look up")  # fmt: skip
        server = start_server(setup, environ, args.workers)
        print(f"server: diplomaregister serve --workers {args.workers} (gunicorn sync workers) on "
              f"127.0.0.1:{setup.port}; {args.clients} clients, {args.seconds:.0f} s per phase")  # fmt: skip
        try:
            print("\nphase 1: steady load")
            steady, _ = run_phase("steady", setup, pg, run_as, args.clients, args.seconds, None)
            report(steady, args.seconds)
            restart_at = args.restart_at if args.restart_at is not None else args.seconds / 2
            print(f"\nphase 2: the same, PostgreSQL restarted at +{restart_at:.0f} s")
            restarted, restart = run_phase("restart", setup, pg, run_as, args.clients, args.seconds,
                                           restart_at)  # fmt: skip
            report(restarted, args.seconds)
            assert restart is not None
            report_restart(restarted, restart)
            print("\ndeliveries (every acknowledged delivery must be in the register once)")
            check_deliveries(pg, setup, [steady, restarted])
            verify = subprocess.run([sys.executable, "-m", "diplomaregister.manage", "verify_log"],
                                    env=environ, capture_output=True, text=True, check=False)  # fmt: skip
            print(f"  verify_log: {(verify.stdout or verify.stderr).strip().splitlines()[-1]}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        server_log_summary()


if __name__ == "__main__":
    main()
