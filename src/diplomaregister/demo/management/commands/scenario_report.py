"""diplomaregister scenario_report [--persons N] [--seed S] [--format text|json]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diplomaregister.demo.scenario_report import as_text, report


class Command(BaseCommand):
    help = ("Per scenario of law/scenarios.yaml: the extended fields stored and shown, the share of "
            "demo deliveries that carry each, and the extra storage per million diplomas.")  # fmt: skip

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=2000, help="demo persons to sample")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        data = report(options["persons"], options["seed"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.stdout.write(as_text(data))
