#!/usr/bin/env python3
"""Start a throwaway PostgreSQL primary and a streaming replica of it, run a command against both,
then remove them.

    python scripts/replica_pg.py -- pytest tests/replica

The command gets ``DATABASE_URL`` (the primary) and ``DATABASE_REPLICA_URL`` (the replica, a hot
standby made with ``pg_basebackup -R``). The primary lists the replica in
``synchronous_standby_names`` with ``synchronous_commit = local`` as its default, so a transaction
that asks for ``remote_apply`` (levering, for read-your-writes) returns only once the replica shows
its rows, and every other commit (the disclosure log) waits for the local disk only.
Builds on scripts/throwaway_pg.py (same binaries, same user handling, same clean-up).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import throwaway_pg as tpg  # noqa: E402

REPLICA_NAME = "replica1"


def _psql(server: tpg.Server, sql: str, run_as: tpg.RunAs) -> str:
    done = tpg._run(
        [str(server.binaries.bindir / "psql"), "-h", "127.0.0.1", "-p", str(server.port), "-U",
         tpg.SUPERUSER, "-d", "postgres", "-Atc", sql],
        run_as, server.tmpdir, tpg._server_env(server.tmpdir),
    )  # fmt: skip
    if done.returncode != 0:
        raise tpg.ThrowawayPgError(f"psql failed: {done.stderr}")
    return done.stdout.strip()


@contextlib.contextmanager
def primary_and_replica() -> Iterator[tuple[tpg.Server, tpg.Server]]:
    binaries = tpg.find_binaries()
    run_as = tpg.choose_run_as()
    with tpg.throwaway_postgres(binaries) as primary:
        replica = tpg.Server(binaries, primary.version, tpg.free_port(),
                             Path(str(primary.tmpdir) + "-replica"), primary.database)  # fmt: skip
        replica.tmpdir.mkdir(mode=0o700)
        if run_as.uid is not None:
            os.chown(replica.tmpdir, run_as.uid, run_as.gid if run_as.gid is not None else -1)
        env = tpg._server_env(replica.tmpdir)
        try:
            backup = tpg._run(
                [str(binaries.bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                 "-U", tpg.SUPERUSER, "-D", str(replica.datadir), "-R", "-X", "stream",
                 "-d", f"application_name={REPLICA_NAME}"],
                run_as, replica.tmpdir, env,
            )  # fmt: skip
            if backup.returncode != 0:
                raise tpg.ThrowawayPgError(f"pg_basebackup failed: {backup.stderr}")
            started = tpg._run(
                [binaries.exe("pg_ctl"), "-D", str(replica.datadir), "-l", str(replica.logfile),
                 "-o", f"-p {replica.port}", "-w", "-t", "60", "start"],
                run_as, replica.tmpdir, env, start_new_session=True, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            if started.returncode != 0:
                raise tpg.ThrowawayPgError(f"replica start failed: {tpg._log_tail(replica)}")
            _psql(primary, f"ALTER SYSTEM SET synchronous_standby_names = '{REPLICA_NAME}'", run_as)
            _psql(primary, "ALTER SYSTEM SET synchronous_commit = 'local'", run_as)
            _psql(primary, "SELECT pg_reload_conf()", run_as)
            for _ in range(100):
                state = _psql(primary, "SELECT sync_state FROM pg_stat_replication", run_as)
                if state == "sync":
                    break
                time.sleep(0.1)
            else:
                raise tpg.ThrowawayPgError(f"the replica did not become synchronous ({state!r})")
            yield primary, replica
        finally:
            tpg.stop_server(replica, run_as)
            shutil.rmtree(replica.tmpdir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        print(__doc__)
        return 2
    with primary_and_replica() as (primary, replica):
        env = {**os.environ, **primary.environ(), "DATABASE_REPLICA_URL": replica.url}
        print(f"replica_pg: primary on {primary.port}, streaming replica on {replica.port}",
              flush=True)  # fmt: skip
        return tpg.run_command(args, env)


if __name__ == "__main__":
    sys.exit(main())
