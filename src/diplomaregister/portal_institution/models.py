"""Institution staff (who acts for which organisation) and correction requests (correctieverzoeken):
a holder reports that a document is wrong; the awarding organisation (art. 22: it delivered the
document) answers, and corrects through a new delivery, never by editing the register."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diplomaregister.levering.models import Delivery
from diplomaregister.organisations.models import Organisation
from diplomaregister.register.models import Diploma, Person


class StaffMembership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")

    def __str__(self) -> str:
        return f"staff of {self.organisation.code}"


class CorrectionRequest(models.Model):
    STATUSES = [
        ("open", _("Open")),
        ("in_behandeling", _("Being handled")),
        ("gecorrigeerd", _("Corrected")),
        ("afgewezen", _("Declined")),
    ]

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="correction_requests")
    diploma = models.ForeignKey(
        Diploma, on_delete=models.PROTECT, related_name="correction_requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="correction_requests"
    )
    message = models.TextField(max_length=2000)
    status = models.CharField(max_length=16, choices=STATUSES, default="open")
    answer = models.TextField(max_length=2000, blank=True)
    answered_by = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    # What the holder saw when asking (their own disclosure): names and the document's title
    # parts, so the queue can say who and which diploma without a disclosure per row.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"correctieverzoek {self.pk}"


class Upload(models.Model):
    """A batch file uploaded in the portal, processed by a task (``tasks.process_upload``) into
    its delivery; ``total`` records, for the progress bar."""

    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=300, blank=True, help_text="Removed once processed.")
    file_format = models.CharField(max_length=8)
    total = models.IntegerField(default=0)
    uploaded_by = models.BigIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField()
