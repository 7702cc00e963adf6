import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diplomaregister.extracts.rendering import format_date
from diplomaregister.extracts.verification import verify_file


class Command(BaseCommand):
    help = (
        "Verify a signed extract PDF: signature by the register's key, file unmodified, data "
        "still matching the register. Exit status 0 only when all hold; 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        result = verify_file(path.read_bytes(), channel="cli")
        self.stdout.write(f"signature: {result.signature}")
        if result.signature_detail:
            self.stdout.write(f"  {result.signature_detail}")
        if result.signer:
            self.stdout.write(f"  signer: {result.signer}")
        if result.signature_ok:
            if not result.found:
                self.stdout.write("extract: not issued by this register (unknown file)")
            else:
                assert result.extract is not None
                self.stdout.write(f"extract: made {result.extract.created_at:%Y-%m-%d %H:%M}")
                for check in result.checks:
                    on = f" on {format_date(check.since, 'en')}" if check.since else ""
                    note = {
                        "unchanged": "unchanged",
                        "corrected": f"corrected{on}",
                        "withdrawn": f"signature valid, diploma withdrawn{on}",
                    }[check.status]
                    self.stdout.write(f"  diploma {check.diploma_id}: {note}")
        self.stdout.write("VALID" if result.valid else "INVALID")
        if not result.valid:
            sys.exit(1)
