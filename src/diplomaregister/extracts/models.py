"""Issued extracts (uittreksels). The PDF itself is not kept: the holder can make a new one at any
time. What is kept is what verification needs: a keyed hash of the verification code, the SHA-256
of the signed file, and exactly which diploma versions it showed."""

from __future__ import annotations

from django.db import models


class Extract(models.Model):
    person = models.ForeignKey("register.Person", on_delete=models.PROTECT, related_name="extracts")
    code_hash = models.CharField(max_length=64, unique=True)
    pdf_sha256 = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=2, choices=[("nl", "Nederlands"), ("en", "English")])
    scope = models.CharField(
        max_length=8, choices=[("all", "All diplomas"), ("selected", "Selected diplomas")]
    )
    # [{"diploma": id, "version": n}, ...] as shown on the extract (rows made before the disclosure
    # engine was the only door also carry "version_id")
    diplomas = models.JSONField(default=list)
    # Stored by older extracts only: the engine discloses no identity version, so new extracts
    # store None and verification shows the holder's current name and birth date.
    person_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    # Whether it printed the grade lists (a "diploma without grades" does not): verification by
    # code shows the grades only when the extract did.
    with_grades = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"Extract {self.pk}"

    def diploma_versions(self) -> dict[int, int]:
        return {int(item["diploma"]): int(item["version"]) for item in self.diplomas}
