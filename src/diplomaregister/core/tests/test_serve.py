"""``diplomaregister serve``: gunicorn with workers from the core count (WEB_CONCURRENCY
overrides), bound to HOST:PORT; started for real it serves pages, probes and WhiteNoise's static
files, writes JSON log lines, reloads its workers on SIGHUP without stopping and stops on SIGTERM."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from diplomaregister.core import gunicorn_conf

ROOT = Path(__file__).resolve().parents[4]


def config(monkeypatch, **environ: str) -> dict:
    for name in ("WEB_CONCURRENCY", "WEB_THREADS", "WEB_TIMEOUT", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    call_command("serve", "--print-config", stdout=out)
    text = out.getvalue()
    return json.loads(text[: text.rindex("}") + 1])


def test_workers_from_the_core_count_by_default(monkeypatch):
    shown = config(monkeypatch)
    assert shown["workers"] == 2 * gunicorn_conf.cpu_count() + 1
    assert shown["worker_class"] == "sync" and shown["threads"] == 1
    assert shown["bind"] == ["127.0.0.1:8000"]
    assert shown["preload_app"] is False  # SIGHUP loads the new code
    assert shown["accesslog"] is None  # our own access log, without query strings
    assert shown["database_connections_at_most"] == shown["workers"]


def test_environment_overrides(monkeypatch):
    shown = config(monkeypatch, WEB_CONCURRENCY="3", WEB_THREADS="4", HOST="::1", PORT="9000")
    assert (shown["workers"], shown["threads"], shown["worker_class"]) == (3, 4, "gthread")
    assert shown["bind"] == ["[::1]:9000"]
    assert shown["database_connections_at_most"] == 12


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_ready(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited"
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not ready in {seconds} s")


@pytest.mark.slow
def test_serve_for_real(tmp_path):
    port = _free_port()
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PG", "WEB_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DIPLOMAREGISTER_VAR_DIR": str(tmp_path),
        "DIPLOMAREGISTER_LOG_FORMAT": "json",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    app = [sys.executable, "-m", "diplomaregister.manage"]
    subprocess.run([*app, "migrate", "-v", "0"], env=environ, check=True, cwd=ROOT)
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([*app, "serve"], env=environ, stdout=log, stderr=log, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base + "/readyz", process)
        status, headers, body = _get(base + "/")
        assert status == 200 and b"Diplomaregister" in body
        assert len(headers["X-Request-ID"]) == 32
        status, headers, _ = _get(base + "/static/diplomaregister/site.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        metrics = _get(base + "/metrics")[2].decode()  # from loopback, no token needed
        assert 'diplomaregister_http_requests_total{method="GET",status="200"}' in metrics

        process.send_signal(signal.SIGHUP)  # graceful reload: new workers, same master
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if (tmp_path / "serve.log").read_text().count("Booting worker") >= 4:
                break
            time.sleep(0.2)
        _wait_ready(base + "/healthz", process)
        assert process.poll() is None
        # the counters of the workers that were replaced still count
        after = _get(base + "/metrics")[2].decode()
        assert 'diplomaregister_http_requests_total{method="GET",status="200"}' in after
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            returncode = process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        log.close()
    assert returncode == 0
    lines = [line for line in (tmp_path / "serve.log").read_text().splitlines() if line.strip()]
    first, rest = lines[0], lines[1:]
    assert first.startswith("serving on 127.0.0.1:")  # the command's own line, then gunicorn's
    records = [json.loads(line) for line in rest]  # every line is one JSON object
    assert sum("Booting worker" in r["message"] for r in records) >= 4
    access = [r for r in records if r["logger"] == "diplomaregister.access"]
    assert {"/", "/static/diplomaregister/site.css"} <= {r["path"] for r in access}
    assert all(len(r["trace_id"]) == 32 for r in access)


def test_production_needs_collected_static_files(settings, tmp_path):
    from django.core.management import CommandError

    settings.PRODUCTION = True
    settings.STATIC_ROOT = str(tmp_path)
    with pytest.raises(CommandError, match="collectstatic"):
        call_command("serve", stdout=io.StringIO())
