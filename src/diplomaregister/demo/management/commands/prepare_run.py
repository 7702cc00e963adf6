"""``diplomaregister prepare_run``: create the local directories ``make run`` needs.

A fresh clone has no ``var/``: the SQLite file, the development PKI and the collected static files
live there. Creates the state directory, the SQLite database's directory (when the database is a
SQLite file) and ``STATIC_ROOT``. Touches no database, so it runs before ``migrate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def local_directories() -> list[Path]:
    """The directories a local run writes to, in the order they are created."""
    directories = [Path(settings.VAR_DIR), Path(settings.STATIC_ROOT)]
    database = settings.DATABASES["default"]
    name = str(database.get("NAME") or "")
    in_memory = name.startswith((":memory:", "file:"))  # or a URI: nothing to create
    if database["ENGINE"].endswith("sqlite3") and name and not in_memory:
        directories.append(Path(name).parent)
    return directories


class Command(BaseCommand):
    help = "Create the local state directories (var/, the SQLite directory, STATIC_ROOT)."

    def handle(self, *args: Any, **options: Any) -> None:
        for directory in local_directories():
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                if options["verbosity"] > 1:
                    self.stdout.write(f"created {directory}")
