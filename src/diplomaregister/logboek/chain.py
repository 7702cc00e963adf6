"""The hash chain of the disclosure log: what is hashed, and how a chain is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED = (
    "seq", "occurred_at", "trace_id", "basis", "article", "recipient_kind", "recipient_label",
    "recipient_code", "client_id", "user_id", "subject_ref", "fields", "record_count", "channel",
    "outcome", "reason",
)  # fmt: skip


def canonical(values: dict[str, Any]) -> str:
    data = {k: values[k] for k in HASHED}
    data["occurred_at"] = values["occurred_at"].isoformat(timespec="microseconds")
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


SEQ_MARK = -918273645  # a sequence number no row has: where SQL splices in the real one


def canonical_around_seq(values: dict[str, Any]) -> tuple[str, str]:
    """The canonical text before and after the sequence number (for hashing in SQL)."""
    text = canonical({**values, "seq": SEQ_MARK})
    before, mark, after = text.partition(f'"seq":{SEQ_MARK}')
    assert mark, "canonical form lost the sequence number"
    return before + '"seq":', after


def row_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str


def verify(rows: Iterable[Any]) -> Break | None:
    """The first row where the chain breaks (edited, removed or reordered rows), or None."""
    expected_seq, prev = 1, GENESIS
    for row in rows:
        values = {k: getattr(row, k) for k in HASHED}
        if row.seq != expected_seq:
            return Break(row.seq, f"expected row {expected_seq}: a row is missing or out of order")
        if row.prev_hash != prev:
            return Break(
                row.seq, "link to the previous row does not match: rows removed or reordered"
            )
        if row_hash(prev, values) != row.row_hash:
            return Break(row.seq, "content does not match its hash: the row was edited")
        expected_seq, prev = expected_seq + 1, row.row_hash
    return None
