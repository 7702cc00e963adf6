"""``diplomaregister merge_person --from ONDERWIJSNUMMER --to BSN``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from diplomaregister.core.pgn import InvalidPgn
from diplomaregister.register.merge import MergeError, merge_person


class Command(BaseCommand):
    help = "Move every fact of an onderwijsnummer person to the person's BSN (history kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, help="the onderwijsnummer")
        parser.add_argument("--to", dest="target", required=True, help="the BSN")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            person = merge_person(options["source"], options["target"])
        except (InvalidPgn, MergeError) as exc:  # messages never repeat the numbers
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"merged into person {person.pk}; look-ups by either number find it")
