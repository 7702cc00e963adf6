"""``diplomaregister notices_worker``: enqueues the notice tasks, ``tick`` every ``--interval``
seconds (default 30) and ``daily`` once a day at ``--daily-hour`` (local time, default 7).
``--once`` runs one tick and stops (cron, tests)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from diplomaregister.notices import tasks


class Command(BaseCommand):
    help = "Enqueue the notice tasks: new disclosures and correction requests, daily digests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=30.0)
        parser.add_argument("--daily-hour", type=int, default=7)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        last_daily = None
        while True:
            result = tasks.tick.enqueue()
            if options["verbosity"] > 1:
                self.stdout.write(f"tick {result.status}")
            today = timezone.localdate()
            if timezone.localtime().hour >= options["daily_hour"] and last_daily != today:
                tasks.daily.enqueue()
                last_daily = today
            if options["once"]:
                return
            time.sleep(options["interval"])
