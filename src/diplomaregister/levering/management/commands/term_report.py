"""``diplomaregister term_report [--organisation CODE] [--year Y]``: delivered on time vs 98 %."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diplomaregister.law.loaders import on_time_target
from diplomaregister.levering.terms import term_report


class Command(BaseCommand):
    help = (
        "Share of documents delivered within the legal term, per organisation, with late records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation")
        parser.add_argument("--year", type=int)
        parser.add_argument("--late", action="store_true", help="list the late records")

    def handle(self, *args: Any, **options: Any) -> None:
        target = on_time_target()
        self.stdout.write(
            f"{'organisation':<14}{'documents':>10}{'on time':>10}{'share':>9}  target {target:.0%}"
        )
        for report in term_report(options["organisation"], options["year"]):
            flag = "" if report.meets_target else "  BELOW TARGET"
            self.stdout.write(
                f"{report.organisation:<14}{report.total:>10}{report.on_time:>10}{report.share:>9.1%}{flag}"
            )
            if options["late"]:
                for late in report.late:
                    self.stdout.write(f"    late: {late['record_key']} issued {late['date_of_issue']}, "
                                      f"received {late['received']} ({late['days']} > {late['term_days']} days)")  # fmt: skip
