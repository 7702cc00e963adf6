"""Applications (aanvragen, aanmeldingen) a recipient states it is handling: the scope
``application`` of law/legal_bases.yaml. Art. 28 lid 2: "voor de aanmelding, toelating en inschrijving";
art. 50: "ten behoeve van de beoordeling van aanvragen om inschrijving in dat register".

The number is kept as given (also when the register does not know it yet: a diploma delivered later
then reaches the feed); registering one looks the same for known and unknown persons.
"""

from __future__ import annotations

from django.db import models

from diplomaregister.organisations.models import Organisation


class Application(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    basis = models.CharField(max_length=32)
    pgn = models.CharField(max_length=9)
    reference = models.CharField(max_length=64, help_text="The recipient's own case reference.")
    subscription_id = models.BigIntegerField(null=True, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "basis", "pgn"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "basis", "reference"], name="application_reference"
            )
        ]

    def __str__(self) -> str:
        return f"Application {self.pk} ({self.basis})"
