from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diplomaregister.core.pgn import InvalidPgn, parse_pgn
from diplomaregister.extracts.services import make_extract
from diplomaregister.verstrekking.engine import NotDisclosed


class Command(BaseCommand):
    help = "Write a signed extract (uittreksel) of a person's current diplomas to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--pgn", required=True, help="BSN or onderwijsnummer of the holder")
        parser.add_argument("--out", required=True, help="output PDF file")
        parser.add_argument("--lang", choices=["nl", "en"], default="nl")
        parser.add_argument(
            "--diploma", type=int, action="append", help="only this diploma id (repeatable)"
        )

    def handle(self, *args, **options):
        # No personal data in the messages: the number is not echoed.
        try:
            number = parse_pgn(options["pgn"]).number
        except InvalidPgn as exc:
            raise CommandError("--pgn: not a valid persoonsgebonden nummer") from exc
        try:
            extract = make_extract(
                number, diplomas=options["diploma"], language=options["lang"], channel="cli"
            )
        except NotDisclosed as exc:  # logged by the engine
            raise CommandError("--pgn: no person with this persoonsgebonden nummer") from exc
        except LookupError as exc:
            raise CommandError(f"--diploma: {exc}") from exc
        Path(options["out"]).write_bytes(extract.pdf_bytes)
        self.stdout.write(
            f"{options['out']}: {len(extract.extract.diplomas)} diploma(s), "
            f"verification code {extract.code}"
        )
