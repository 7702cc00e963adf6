"""``diplomaregister verify_log``: check the hash chains of the disclosure log and their anchors
(exit 1 at the first break); writes an anchor of the current heads first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from diplomaregister.logboek.models import LogEntry
from diplomaregister.logboek.services import anchor
from diplomaregister.logboek.verification import verify_everything


class Command(BaseCommand):
    help = "Verify the hash chains and anchors of the disclosure log; exits non-zero at a break."

    def handle(self, *args: Any, **options: Any) -> None:
        total = LogEntry.objects.count()
        with tqdm(total=total, unit="row", disable=total < 10_000) as bar:
            outcome = verify_everything(bar.update)
        if outcome.broken is not None:
            raise CommandError(f"disclosure log broken at {outcome.broken}")
        anchor()  # only after the check: never anchor a broken log
        self.stdout.write(
            f"disclosure log intact: {outcome.rows} rows in {outcome.chains} chains, "
            f"{outcome.anchors} anchors"
        )
