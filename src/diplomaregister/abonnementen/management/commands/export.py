"""``diplomaregister export --basis ART --recipient CODE --out FILE [--format csv|parquet]``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from diplomaregister.abonnementen.exports import export
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.models import Person
from diplomaregister.verstrekking.engine import NotDisclosed, Requester


class Command(BaseCommand):
    help = "Bulk export under a legal basis for one recipient, one row per person (CSV or Parquet)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--basis", required=True, help="e.g. art55 (CBS) or art47 (pseudonymised)"
        )
        parser.add_argument("--recipient", required=True, help="organisation code of the recipient")
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--format", choices=["csv", "parquet"], default=None)
        parser.add_argument("--year", type=int, help="only documents issued in this year")
        parser.add_argument("--peildatum", type=dt.date.fromisoformat,
                            help="reference date YYYY-MM-DD (art. 23, 26, 40, 41, 51, 52); default today")  # fmt: skip
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        fmt = options["format"] or ("parquet" if out.suffix == ".parquet" else "csv")
        org = Organisation.objects.filter(code=options["recipient"]).first()
        if org is None:
            raise CommandError(f"unknown recipient {options['recipient']}")
        requester = Requester(kind="organisation", organisation=org, label=org.name)
        estimate = Person.objects.count()
        with tqdm(total=estimate, unit="person", disable=options["no_progress"]) as bar:
            try:
                count = export(requester, options["basis"], out, fmt, year=options["year"],
                               peildatum=options["peildatum"], progress=bar.update)  # fmt: skip
            except NotDisclosed as exc:
                raise CommandError(f"refused: {exc.reason}") from exc
        self.stdout.write(f"exported {count} rows under {options['basis']} to {out} ({fmt})")
