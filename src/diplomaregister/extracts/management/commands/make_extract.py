from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diplomaregister.extracts.services import make_extract
from diplomaregister.register.selectors import person_by_pgn


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
        person = person_by_pgn(options["pgn"])
        if person is None:
            # No personal data in the message: the number is not echoed.
            raise CommandError("--pgn: no person with this persoonsgebonden nummer")
        try:
            extract = make_extract(person, diplomas=options["diploma"], language=options["lang"])
        except LookupError as exc:
            raise CommandError(f"--diploma: {exc}") from exc
        Path(options["out"]).write_bytes(extract.pdf_bytes)
        self.stdout.write(
            f"{options['out']}: {len(extract.extract.diplomas)} diploma(s), "
            f"verification code {extract.code}"
        )
