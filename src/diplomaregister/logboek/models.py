"""Disclosure log in the style of Logius' "Logboek dataverwerkingen": one row per disclosure.

Rows are only inserted (PostgreSQL triggers refuse UPDATE and DELETE, migration 0002) and form
``CHAINS`` hash chains side by side: ``row_hash = sha256(prev_hash + canonical row)``, gap-free ``seq``
per chain, heads anchored every minute (``LogAnchor``, see ``chain``); ``verify_log`` finds any
edited, removed or reordered row. The data subject is stored as a keyed hash of the persoonsgebonden
nummer (``subject_ref``): the holder's portal finds their rows by it, a log reader cannot read the BSN.
"""

from __future__ import annotations

from django.db import models

CHAINS = 32  # chain heads: appenders queue only when more than this many append at once


class LogEntry(models.Model):
    chain = models.SmallIntegerField(default=1, help_text="Which of the hash chains the row is in.")
    seq = models.BigIntegerField(help_text="Position in its hash chain, gap-free.")
    occurred_at = models.DateTimeField()
    trace_id = models.CharField(max_length=64)  # no index: random keys make every insert costly
    basis = models.CharField(
        max_length=32, help_text="Processing activity: key of legal_bases.yaml."
    )
    article = models.CharField(max_length=120, blank=True)
    activity_nl = models.CharField(max_length=250, blank=True)
    activity_en = models.CharField(max_length=250, blank=True)
    recipient_kind = models.CharField(max_length=40)
    recipient_label = models.CharField(max_length=200, blank=True)
    recipient_code = models.CharField(max_length=16, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    subject_ref = models.CharField(max_length=64, blank=True)  # (subject_ref, -occurred_at) index
    fields = models.JSONField(default=list, blank=True)
    record_count = models.IntegerField(default=0)
    channel = models.CharField(max_length=32)
    outcome = models.CharField(max_length=16, help_text="disclosed or refused")
    reason = models.CharField(max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["subject_ref", "-occurred_at"])]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="log_chain_seq")]

    def __str__(self) -> str:
        return f"{self.chain}/{self.seq} {self.basis} {self.outcome}"


class ChainHead(models.Model):
    """The head of one chain (pk = chain number), locked while a row is appended to that chain, so
    each chain has one writer at a time; an appender takes any head that is not locked."""

    seq = models.BigIntegerField(default=0)
    prev_hash = models.CharField(max_length=64, default="0" * 64)
    row_hash = models.CharField(max_length=64, default="0" * 64)


class LogAnchor(models.Model):
    """The heads of every chain at one moment, hash-linked into a chain of their own (insert-only).
    ``heads`` maps the chain number to ``[seq, row_hash]``."""

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    heads = models.JSONField()
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)


class SubjectManifest(models.Model):
    """Which subjects one bulk disclosure (an export, log row ``entry``) contained: the holder's log
    page shows the export to each of them. Insert-only like the log (PostgreSQL trigger)."""

    # no database constraint: the log is partitioned by month (a key must include occurred_at)
    entry = models.ForeignKey(LogEntry, on_delete=models.PROTECT, related_name="+", db_index=False,
                              db_constraint=False)  # fmt: skip
    subject_ref = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["subject_ref"])]
