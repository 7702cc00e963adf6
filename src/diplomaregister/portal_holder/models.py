"""Share links (deellinks): the holder lets anyone with the link see chosen documents, with or
without grades, until it expires (1 day to 1 year, chosen by the holder) or is revoked. Only a
hash of the token is stored, and of the optional PIN; the link counts its views."""

from __future__ import annotations

from django.db import models

from diplomaregister.register.models import Person


class ShareLink(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="share_links")
    short_id = models.CharField(
        max_length=8, unique=True, help_text="Shown to the holder and in the log."
    )
    token_hash = models.CharField(max_length=64, unique=True)
    diploma_ids = models.JSONField(default=list)
    label = models.CharField(max_length=100, blank=True, help_text="The holder's own note.")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    with_grades = models.BooleanField(default=True)
    pin_hash = models.CharField(max_length=128, blank=True, help_text="Django password hash.")
    failed_pins = models.IntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    view_count = models.IntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "-created_at"])]

    def __str__(self) -> str:
        return f"deellink {self.short_id}"
