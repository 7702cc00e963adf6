"""Notices (meldingen): a holder who opted in hears of each disclosure of their data to someone
else, by e-mail (at once or once a day) and in a list in the portal; an institution hears of new
correction requests about documents it awarded.

Notices are derived from the disclosure log after the fact: a task reads log rows past a cursor
(``ScanCursor``, by id) and matches their ``subject_ref`` to the refs a holder registered (``WatchedRef``),
so writing the log never waits for mail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from diplomaregister.logboek.models import LogEntry
from diplomaregister.organisations.models import Organisation
from diplomaregister.portal_institution.models import CorrectionRequest


class NoticePreference(models.Model):
    EACH = "each"
    DAILY = "daily"
    FREQUENCIES = [(EACH, "each"), (DAILY, "daily")]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    email = models.EmailField(blank=True)
    frequency = models.CharField(max_length=8, choices=FREQUENCIES, default=EACH)
    language = models.CharField(max_length=2, default="nl")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    since_id = models.BigIntegerField(default=0, help_text="Last log row when it was turned on.")
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"notice preference {self.pk}"


class WatchedRef(models.Model):
    """A keyed subject reference (logboek ``subject_ref``) of one of the holder's numbers."""

    preference = models.ForeignKey(NoticePreference, on_delete=models.CASCADE, related_name="refs")
    subject_ref = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["preference", "subject_ref"], name="notice_ref_once")
        ]


class Notice(models.Model):
    """One disclosure of the holder's data to someone else; ``sent_at`` once it was e-mailed."""

    preference = models.ForeignKey(
        NoticePreference, on_delete=models.CASCADE, related_name="notices"
    )
    # no database constraint: the log is partitioned by month (a key must include occurred_at)
    entry = models.ForeignKey(
        LogEntry, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["preference", "entry"], name="notice_once")]
        indexes = [models.Index(fields=["preference", "-entry"])]


class OrganisationNotice(models.Model):
    """A new correction request, told to the awarding organisation's staff."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    request = models.OneToOneField(CorrectionRequest, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "-created_at"])]


class ScanCursor(models.Model):
    """How far a scan has read (``name``: ``log`` by LogEntry.seq, ``corrections`` by id)."""

    name = models.CharField(max_length=16, unique=True)
    position = models.BigIntegerField(default=0)
