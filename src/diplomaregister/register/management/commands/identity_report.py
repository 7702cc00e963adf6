"""``diplomaregister identity_report [--since YYYY-MM-DD]``: deliveries whose identity differed from
the register's source, per organisation and field (counts only, no personal data)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diplomaregister.register.models import IdentityMismatch


class Command(BaseCommand):
    help = "Count identity mismatches (identity.mismatch warnings) per organisation and field."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=dt.date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        rows = IdentityMismatch.objects.select_related("organisation")
        if options["since"]:
            rows = rows.filter(recorded_at__date__gte=options["since"])
        counts: dict[tuple[str, str], int] = {}
        for row in rows.iterator():
            for name in row.fields:
                key = (row.organisation.code, name)
                counts[key] = counts.get(key, 0) + 1
        self.stdout.write("organisation;field;mismatches")
        for (code, name), count in sorted(counts.items()):
            self.stdout.write(f"{code};{name};{count}")
