"""``diplomaregister demo_persons [--limit N]``: pgns of persons holding a diploma, one per line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diplomaregister.demo.services import demo_persons


class Command(BaseCommand):
    help = "Print persoonsgebonden nummers of demo persons who hold at least one diploma."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        for pgn in demo_persons(options["limit"]):
            self.stdout.write(pgn)
