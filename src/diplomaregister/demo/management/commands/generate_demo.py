"""``diplomaregister generate_demo --persons N --seed S [--if-empty]``: synthetic national data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diplomaregister.demo.channels import through_channels
from diplomaregister.demo.services import generate, showcase
from diplomaregister.register.models import Person


class Command(BaseCommand):
    help = "Generate deterministic synthetic register data (organisations, persons, diplomas)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the register holds persons"
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--no-channels", action="store_true",
                            help="skip the sample delivered through the pipeline, BRP and merge")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("The register already holds persons: no demo data generated.")
            return
        summary = generate(
            options["persons"],
            seed=options["seed"],
            batch_size=options["batch_size"],
            progress=not options["no_progress"],
        )
        self.stdout.write(
            f"Generated {summary.persons} persons with {summary.documents} documents "
            f"({', '.join(f'{k} {v}' for k, v in sorted(summary.rows.items()))})."
        )
        if not options["no_channels"]:
            channels = through_channels(options["seed"])
            self.stdout.write(
                f"Through the channels: {channels.facts} enrolments and results delivered, "
                f"{channels.mutations} BRP mutations, {channels.merged} onderwijsnummer merged."
            )
        self.stdout.write(
            "Demo persons (log in with the DigiD mock at /mijn/ with one of these BSNs):"
        )
        for pgn, sectors in showcase():
            self.stdout.write(f"  {pgn}  {sectors}")
