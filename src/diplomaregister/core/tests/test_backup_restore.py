"""``backup`` of a database with register data and disclosure-log rows, ``restore`` into a fresh
database, and ``verify_log`` on the restored one: the chain is intact and every row is there.
PostgreSQL (pg_dump/pg_restore) on the PostgreSQL run, the SQLite backup API on the SQLite run."""

from __future__ import annotations

import io
import os
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from diplomaregister.core import backups
from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.services import log_disclosure
from diplomaregister.register.models import DiplomaVersion, Person
from diplomaregister.verstrekking.engine import Requester

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _url(db: dict, name: str) -> str:
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of a new, empty database of the same kind as the test database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with backups._connect(db, "postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _url(db, name)
    finally:
        with backups._connect(db, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


COUNTS = {
    "persons": "SELECT count(*) FROM register_person",
    "diplomas": "SELECT count(*) FROM register_diplomaversion",
    "log": "SELECT count(*) FROM logboek_logentry",
}


def _counts(url: str) -> dict[str, int]:
    db = backups.database_settings(url)
    if backups.vendor(db) == "sqlite":
        with sqlite3.connect(db["NAME"]) as conn:
            return {k: conn.execute(sql).fetchone()[0] for k, sql in COUNTS.items()}
    with backups._connect(db) as conn:
        return {k: conn.execute(sql).fetchone()[0] for k, sql in COUNTS.items()}


def test_backup_restore_into_a_fresh_database_and_verify_log(tmp_path, fresh_database):
    call_command("generate_demo", persons=25, seed=3, no_progress=True, no_channels=True,
                 stdout=io.StringIO())  # fmt: skip
    for index in range(7):
        log_disclosure(trace_id=f"b{index}", basis="art50", requester=Requester(kind="public", label="x"),
                       subject=f"ref{index}", fields=["kind"], channel="api", outcome="disclosed",
                       record_count=1)  # fmt: skip
    source = {"persons": Person.objects.count(), "diplomas": DiplomaVersion.objects.count(),
              "log": LogEntry.objects.count()}  # fmt: skip
    assert source["persons"] and source["diplomas"] and source["log"] >= 7

    out = tmp_path / "register.backup"
    stdout = io.StringIO()
    call_command("backup", out=str(out), stdout=stdout)
    assert f"disclosure log at the start: {source['log']} rows" in stdout.getvalue()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds personal data
    assert backups.kind_of_file(out) == connection.vendor
    assert not list(tmp_path.glob("*.partial"))

    restored = io.StringIO()
    call_command("restore", str(out), database_url=fresh_database, stdout=restored)
    assert f"disclosure log intact: {source['log']} rows" in restored.getvalue()
    assert _counts(fresh_database) == source

    # verify_log on the restored database, as an operator would run it there
    done = subprocess.run(
        [sys.executable, "-m", "diplomaregister.manage", "verify_log"],
        env={**os.environ, "DATABASE_URL": fresh_database},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"disclosure log intact: {source['log']} rows" in done.stdout

    # a second restore into the now non-empty database is refused unless --clean
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(out), database_url=fresh_database, stdout=io.StringIO())
    call_command("restore", str(out), database_url=fresh_database, clean=True, stdout=io.StringIO())
    assert _counts(fresh_database) == source


def test_restore_refuses_a_backup_of_the_other_kind(tmp_path, fresh_database):
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(backups.PGDUMP_MAGIC + b"\x01\x0e\x00" + bytes(64))
    else:
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(CommandError, match="backup; the target is"):
        call_command("restore", str(other), database_url=fresh_database, stdout=io.StringIO())
    garbage = Path(tmp_path / "garbage")
    garbage.write_bytes(b"hello")
    with pytest.raises(CommandError, match="neither"):
        call_command("restore", str(garbage), database_url=fresh_database, stdout=io.StringIO())
