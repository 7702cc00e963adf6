"""Checking the whole disclosure log: every chain row by row, each chain's end against its head,
and the anchor chain against the rows it recorded. Used by ``verify_log`` and the metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from diplomaregister.logboek import chain
from diplomaregister.logboek.models import ChainHead, LogAnchor, LogEntry


@dataclass(frozen=True)
class Outcome:
    rows: int
    chains: int
    anchors: int
    broken: chain.Break | None


def _stored_hash(number: int, seq: int) -> str | None:
    return LogEntry.objects.filter(chain=number, seq=seq).values_list("row_hash", flat=True).first()


def verify_everything(progress: Callable[[int], Any] = lambda n: None) -> Outcome:
    heads = {h.pk: h for h in ChainHead.objects.all()}
    numbers = sorted(set(heads) | set(LogEntry.objects.values_list("chain", flat=True).distinct()))
    rows = 0
    for number in numbers:
        entries = LogEntry.objects.filter(chain=number).order_by("seq").iterator(chunk_size=5000)

        def counted(items=entries):  # type: ignore[no-untyped-def]
            for item in items:
                progress(1)
                yield item

        walked = chain.walk(counted(), number)
        if walked.broken is not None:
            return Outcome(rows, len(numbers), 0, walked.broken)
        head = heads.get(number)
        if head is None or (head.seq, head.row_hash) != (walked.seq, walked.row_hash):
            told = head.seq if head else "none"
            return Outcome(rows, len(numbers), 0, chain.Break(number, walked.seq,
                f"the chain head says row {told}, the chain ends at row {walked.seq} "
                "(rows removed at the end)"))  # fmt: skip
        rows += walked.seq
    anchors = LogAnchor.objects.order_by("seq")
    broken = chain.verify_anchors(anchors.iterator(chunk_size=1000), _stored_hash)
    return Outcome(rows, len(numbers), anchors.count(), broken)
