"""``diplomaregister backup --out FILE``: a consistent backup of the register's database.

PostgreSQL: a pg_dump custom-format archive; SQLite: a copy made with the online backup API.
Both may run while the register serves. The file is readable by its owner only and is written
under a temporary name first, so an interrupted backup never leaves a truncated FILE. Restore it
with ``diplomaregister restore FILE`` (docs/deploy.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from diplomaregister.core import backups


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format, or the SQLite backup API) to --out FILE."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="the backup file to write")
        parser.add_argument(
            "--database-url", help="back up this database instead of DATABASE_URL's"
        )
        parser.add_argument("--bindir", help="directory with pg_dump (PostgreSQL)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"]).resolve()
        url = options["database_url"]
        db = backups.database_settings(url)
        head = self._log_head(url)
        try:
            if backups.vendor(db) == "postgresql":
                backups.backup_postgres(db, out, options["bindir"])
            else:
                backups.backup_sqlite(out, url)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup of {backups.vendor(db)} database {Path(str(db['NAME'])).name} written to "
            f"{out} ({out.stat().st_size:,} bytes, sha256 {backups.sha256_of(out)})"
            + (f"; disclosure log at the start: {head} rows" if head is not None else "")
        )

    def _log_head(self, url: str | None) -> int | None:
        if url:
            return None
        from diplomaregister.logboek.models import ChainHead

        heads = ChainHead.objects.values_list("seq", flat=True)
        return sum(heads)
