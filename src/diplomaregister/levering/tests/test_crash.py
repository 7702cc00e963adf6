"""A batch import killed with SIGKILL mid-way leaves a consistent register; the re-run completes
it with exactly the expected rows (a real subprocess, on the database engine under test)."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from django.db import connection

from diplomaregister.levering.tests.conftest import vo_record

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
TOTAL = 4000
BAD_EVERY = 50  # every 50th record is rejected (unknown kind)


def _cli(env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "diplomaregister.manage", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)  # fmt: skip


class Target:
    """A fresh database of the engine under test, reachable by subprocesses."""

    def __init__(self, tmp_path):
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "crash.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            self.name = f"crash_{uuid.uuid4().hex[:8]}"
            self.admin = (
                f"host={s['HOST']} port={s['PORT']} user={s['USER']} dbname={s['NAME']}"
                + (f" password={s['PASSWORD']}" if s.get("PASSWORD") else "")
            )
            with psycopg.connect(self.admin, autocommit=True) as c:
                c.execute(f'CREATE DATABASE "{self.name}"')
            auth = f"{s['USER']}:{s['PASSWORD']}@" if s.get("PASSWORD") else f"{s['USER']}@"
            self.url = f"postgres://{auth}{s['HOST']}:{s['PORT']}/{self.name}"

    def scalar(self, sql):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as c:
                return c.execute(sql).fetchone()[0]
        with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as c:
            return c.execute(sql).fetchone()[0]

    def drop(self):
        if self.vendor != "sqlite":
            with psycopg.connect(self.admin, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def test_killed_import_rerun_ends_with_exactly_the_expected_rows(tmp_path):
    target = Target(tmp_path)
    try:
        env = {**os.environ, "DATABASE_URL": target.url, "PYTHONPATH": "src"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        for args in (("migrate", "--noinput", "-v0"),
                     ("shell", "-c", "from diplomaregister.organisations.models import Organisation as O; "
                      "O.objects.create(code='33CC', brin='33CC', name='Lyceum', kind='vo_school', bekostigd=True)")):  # fmt: skip
            proc = _cli(env, *args)
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err.decode()[-2000:]
        path = tmp_path / "batch.jsonl"
        with path.open("w") as handle:
            for n in range(TOTAL):
                record = vo_record(
                    n, date_of_issue="2024-07-10", **({"kind": "z"} if n % BAD_EVERY == 0 else {})
                )
                handle.write(json.dumps(record) + "\n")
        command = (
            "import_file",
            str(path),
            "--organisation",
            "33CC",
            "--chunk-size",
            "100",
            "--no-progress",
        )
        proc = _cli(env, *command)
        deadline = time.monotonic() + 120
        progressed = 0
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                progressed = target.scalar(
                    "SELECT COALESCE(MAX(next_index), 0) FROM levering_delivery"
                )
            except Exception:  # table locked or not yet visible
                progressed = 0
            if progressed >= 300:
                break
            time.sleep(0.05)
        assert proc.poll() is None, (
            "the import finished before it could be killed: make the file bigger"
        )
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        committed = target.scalar("SELECT next_index FROM levering_delivery")
        feedback = target.scalar("SELECT COUNT(*) FROM levering_deliveryrecord")
        assert (
            0 < committed < TOTAL and feedback == committed
        )  # whole chunks only, feedback with them
        assert target.scalar("SELECT COUNT(*) FROM register_diplomaversion") == committed - (
            (committed - 1) // BAD_EVERY + 1
        )
        rerun = _cli(env, *command)
        out, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err.decode()[-2000:]
        assert b"resuming after record" in out
        good = TOTAL - (TOTAL + BAD_EVERY - 1) // BAD_EVERY
        assert target.scalar("SELECT COUNT(*) FROM register_diploma") == good
        assert target.scalar("SELECT COUNT(*) FROM register_diplomaversion") == good
        assert target.scalar("SELECT COUNT(*) FROM levering_deliveryrecord") == TOTAL
        assert target.scalar("SELECT COUNT(*) FROM levering_delivery") == 1
        assert (
            target.scalar("SELECT COUNT(*) FROM levering_deliveryrecord WHERE outcome = 'rejected'")
            == TOTAL - good
        )
    finally:
        target.drop()
