"""The hash chains of the disclosure log: what is hashed, and how a chain is checked.

The log is not one chain but ``CHAINS`` chains side by side (``LogEntry.chain``), so appends from
many sessions do not queue behind one head row: an appender takes whichever chain head is free.
Each chain is gap-free by ``seq`` and links every row to the previous row of its chain. An anchor
chain (``LogAnchor``) records, every minute and whenever ``verify_log`` runs, the head (seq and hash)
of every chain, itself hash-linked: rewriting the rows of one chain consistently up to its head
still breaks the anchor that recorded that chain's head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED = (
    "chain", "seq", "occurred_at", "trace_id", "basis", "article", "recipient_kind",
    "recipient_label", "recipient_code", "client_id", "user_id", "subject_ref", "fields",
    "record_count", "channel", "outcome", "reason",
)  # fmt: skip
CHAIN_MARK = -918273646  # numbers no row has: where SQL splices in the real chain and seq
SEQ_MARK = -918273645


# what json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) builds on each
# call, built once
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(values: dict[str, Any]) -> str:
    data = {k: values[k] for k in HASHED}
    data["occurred_at"] = values["occurred_at"].isoformat(timespec="microseconds")
    return _CANONICAL.encode(data)


def canonical_parts(values: dict[str, Any]) -> tuple[str, str, str]:
    """The canonical text around the chain number and the sequence number (keys are sorted, so
    "chain" comes first): ``a + chain + b + seq + c`` is :func:`canonical` (for hashing in SQL)."""
    text = canonical({**values, "chain": CHAIN_MARK, "seq": SEQ_MARK})
    a, mark, rest = text.partition(f'"chain":{CHAIN_MARK}')
    b, mark2, c = rest.partition(f'"seq":{SEQ_MARK}')
    assert mark and mark2, "canonical form lost the chain or sequence number"
    return a + '"chain":', b + '"seq":', c


def row_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(values)).encode()).hexdigest()


def anchor_hash(prev_hash: str, seq: int, occurred_at: Any, heads: dict[str, list[Any]]) -> str:
    text = json.dumps(
        {"seq": seq, "occurred_at": occurred_at.isoformat(timespec="microseconds"), "heads": heads},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    chain: int
    seq: int
    problem: str

    def __str__(self) -> str:
        where = f"chain {self.chain} row {self.seq}" if self.chain else f"anchor {self.seq}"
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class Walk:
    """Where a walk along one chain ended: the last row that verified, and the break if any."""

    seq: int
    row_hash: str
    broken: Break | None


def walk(rows: Iterable[Any], chain: int = 1, seq: int = 0, prev: str = GENESIS) -> Walk:
    """Verify the rows of one chain (in seq order) that follow row ``seq`` with hash ``prev``
    (the chain's start by default): edited, removed or reordered rows break it."""
    for row in rows:
        values = {k: getattr(row, k) for k in HASHED}
        problem = ""
        if row.chain != chain:
            problem = f"row belongs to chain {row.chain}"
        elif row.seq != seq + 1:
            problem = f"expected row {seq + 1}: a row is missing or out of order"
        elif row.prev_hash != prev:
            problem = "link to the previous row does not match: rows removed or reordered"
        elif row_hash(prev, values) != row.row_hash:
            problem = "content does not match its hash: the row was edited"
        if problem:
            return Walk(seq, prev, Break(chain, row.seq, problem))
        seq, prev = row.seq, row.row_hash
    return Walk(seq, prev, None)


def verify(rows: Iterable[Any], chain: int = 1) -> Break | None:
    """The first row of one chain (rows in seq order) where it breaks, or None."""
    return walk(rows, chain).broken


def verify_anchors(anchors: Iterable[Any], row_hash_at: Any) -> Break | None:
    """The first anchor that breaks: its own link or hash, or a chain head it recorded that the
    log no longer has (``row_hash_at(chain, seq)`` gives the stored hash, None when missing)."""
    expected_seq, prev = 1, GENESIS
    for anchor in anchors:
        if anchor.seq != expected_seq or anchor.prev_hash != prev:
            return Break(0, anchor.seq, "anchor missing, reordered or relinked")
        if anchor_hash(prev, anchor.seq, anchor.occurred_at, anchor.heads) != anchor.row_hash:
            return Break(0, anchor.seq, "anchor content does not match its hash")
        for chain, (seq, digest) in anchor.heads.items():
            if seq and row_hash_at(int(chain), seq) != digest:
                return Break(
                    0, anchor.seq, f"chain {chain} no longer has the row {seq} this anchor recorded"
                )
        expected_seq, prev = expected_seq + 1, anchor.row_hash
    return None
