"""``diplomaregister disclosure_matrix [--format md|json] [--write]``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diplomaregister.verstrekking import matrix


class Command(BaseCommand):
    help = "Print per legal basis: article, recipients, channels, fields, pseudonymised, scope."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["md", "json"], default="md")
        parser.add_argument("--write", action="store_true", help="write docs/disclosure-matrix.md")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["write"]:
            matrix.DOC.write_text(matrix.as_markdown(), encoding="utf-8")
            self.stdout.write(f"wrote {matrix.DOC}")
            return
        self.stdout.write(matrix.as_json() if options["format"] == "json" else matrix.as_markdown(),
                          ending="")  # fmt: skip
