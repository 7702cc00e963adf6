"""``diplomaregister verify_log``: check the hash chain of the disclosure log (exit 1 on a break)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from diplomaregister.logboek import chain
from diplomaregister.logboek.models import ChainHead, LogEntry


class Command(BaseCommand):
    help = "Verify the hash chain of the disclosure log; exits non-zero at the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        total = LogEntry.objects.count()
        rows = tqdm(
            LogEntry.objects.order_by("seq").iterator(chunk_size=5000),
            total=total,
            unit="row",
            disable=total < 10_000,
        )
        broken = chain.verify(rows)
        if broken is not None:
            raise CommandError(f"disclosure log broken at row {broken.seq}: {broken.problem}")
        head = ChainHead.objects.filter(pk=1).first()
        last = LogEntry.objects.order_by("-seq").first()
        if head is not None and (
            last is None or last.seq != head.seq or last.row_hash != head.row_hash
        ):
            raise CommandError(
                f"disclosure log broken at the end: the chain head says row {head.seq}, "
                f"the log ends at row {last.seq if last else 0} (rows removed at the end)"
            )
        self.stdout.write(f"disclosure log intact: {total} rows")
