"""Subscriptions (abonnementen): a recipient receives new and changed documents under a basis whose
mode is ``subscription`` (e.g. art. 50 VWS/CIBG, art. 56 UWV), by pulling a feed or by webhook push."""

from __future__ import annotations

from django.db import models

from diplomaregister.organisations.models import Organisation


class Subscription(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="subscriptions"
    )
    basis = models.CharField(max_length=32)
    webhook_url = models.URLField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    # push state: the last position the recipient acknowledged (2xx), and the retry schedule
    acknowledged = models.BigIntegerField(default=0)
    attempts = models.IntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"Subscription {self.pk} ({self.basis})"
