"""Deliveries (leveringen, art. 18-22) and their per-record feedback (terugkoppeling).

A delivery is processed in chunks, each in one transaction that also stores the chunk's feedback
rows and moves ``next_index``: a crash loses at most the chunk in flight, and re-running the same
file (same organisation and SHA-256) continues where it stopped.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from diplomaregister.organisations.models import ApiClient, Organisation


class Delivery(models.Model):
    CHANNELS = [("api", "API"), ("upload", "Upload"), ("file", "Batch file")]
    STATUSES = [("processing", "Processing"), ("done", "Done"), ("failed", "Failed")]

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deliveries"
    )
    client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.PROTECT)
    channel = models.CharField(max_length=8, choices=CHANNELS)
    status = models.CharField(max_length=12, choices=STATUSES, default="processing")
    file_name = models.CharField(max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    next_index = models.IntegerField(default=0, help_text="First record not yet committed.")
    failure = models.CharField(
        max_length=200, blank=True,
        help_text="Why the delivery stopped (no personal data); re-run the same file to resume.",
    )  # fmt: skip
    created = models.IntegerField(default=0)
    corrected = models.IntegerField(default=0)
    unchanged = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "file_sha256"],
                condition=~Q(file_sha256=""),
                name="delivery_file_once",
            )
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk}"

    @property
    def counts(self) -> dict[str, int]:
        return {
            k: getattr(self, k)
            for k in ("created", "corrected", "unchanged", "withdrawn", "rejected")
        }


class DeliveryRecord(models.Model):
    """Feedback on one delivered record: outcome and, when rejected, the rules it broke."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="records")
    index = models.IntegerField(help_text="Position in the delivery (line number - 1 for files).")
    record_key = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=12)
    violations = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "index"], name="delivery_record_once")
        ]


class IdempotencyKey(models.Model):
    """A write request's ``Idempotency-Key``: a retry gets the stored answer, nothing new."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.IntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_once")]
