"""``diplomaregister import_brp FILE``: BRP mutations (JSON Lines: one object per line with bsn, kind
name|gender|birth_date|death|emigration, valid_from and the fields of its kind)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from diplomaregister.levering import files
from diplomaregister.register import brp


class Command(BaseCommand):
    help = "Apply BRP mutations (name changes, birth date corrections, deaths, emigration)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        counts: dict[str, int] = {}
        with (
            path.open("rb") as stream,
            tqdm(unit="mutation", disable=options["no_progress"]) as bar,
        ):
            for index, raw in enumerate(files.read_records(stream, "jsonl")):
                if "_error" in raw:
                    result = brp.MutationResult(index, "rejected", [])
                    self.stderr.write(f"line {index + 1}: {raw['_error']}")
                else:
                    result = brp.apply(raw, index, source=f"brp:{path.name}"[:64])
                for v in result.violations:
                    self.stderr.write(f"line {index + 1}: {v.field}: {v.message}")
                counts[result.outcome] = counts.get(result.outcome, 0) + 1
                bar.update(1)
        self.stdout.write(
            ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no mutations"
        )
