"""``diplomaregister restore FILE``: restore a backup made by ``diplomaregister backup``.

Into an empty database (PostgreSQL: a new database, ``createdb``; SQLite: a new file) named by
DATABASE_URL or ``--database-url``; ``--clean`` replaces what the target holds. PostgreSQL
restores in one transaction: it succeeds whole or leaves the target as it was. Then the
disclosure log's hash chain is verified on the restored database (``verify_log``; skip with
``--no-verify``). Afterwards run ``diplomaregister migrate`` if the code is newer than the backup.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from diplomaregister.core import backups


class Command(BaseCommand):
    help = "Restore a backup (pg_restore, or the SQLite backup API) into an empty database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="a file written by `diplomaregister backup`")
        parser.add_argument(
            "--database-url", help="restore into this database instead of DATABASE_URL's"
        )
        parser.add_argument(
            "--clean", action="store_true", help="replace the target's contents if it has any"
        )
        parser.add_argument("--no-verify", action="store_true", help="skip verify_log afterwards")
        parser.add_argument("--bindir", help="directory with pg_restore (PostgreSQL)")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        url = options["database_url"]
        db = backups.database_settings(url)
        try:
            kind = backups.kind_of_file(source)
            if kind != backups.vendor(db):
                raise backups.BackupError(
                    f"{source} is a {kind} backup; the target is {backups.vendor(db)}"
                )
            if kind == "postgresql":
                backups.restore_postgres(
                    db, source, clean=options["clean"], bindir=options["bindir"]
                )
            else:
                backups.restore_sqlite(db, source, clean=options["clean"])
        except (backups.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {source} into {kind} database {Path(str(db['NAME'])).name}")
        if options["no_verify"]:
            return
        if url:  # another database than this process's: verify it in a process of its own
            done = subprocess.run(
                [sys.executable, "-m", "diplomaregister.manage", "verify_log"],
                env={**os.environ, "DATABASE_URL": url},
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise CommandError(f"verify_log failed on the restored database:\n{done.stderr}")
            self.stdout.write(done.stdout.strip())
        else:
            call_command("verify_log", stdout=self.stdout)
