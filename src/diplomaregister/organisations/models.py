"""Organisations that award, deliver or receive: besturen, onderwijsinstellingen, CvTE, and the
body that awards inburgering diplomas. Reference data, not personal data.

``code`` is the stable key used in the API and on the command line: the BRIN code for schools and
institutions, the RIO bestuur code for a bestuur, a fixed code for national bodies (e.g. ``CVTE``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from diplomaregister.law.loaders import organisation_kinds
from diplomaregister.organisations.codes import (
    validate_brin,
    validate_rio_aanbieder,
    validate_rio_bestuur,
)


def _kind_choices() -> list[tuple[str, str]]:
    return [(code, kind.name_nl) for code, kind in organisation_kinds().items()]


class Organisation(models.Model):
    code = models.CharField(
        max_length=16,
        unique=True,
        help_text="Stable key: BRIN code (institution), RIO bestuur code, or national body code.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=_kind_choices, db_index=True)
    brin = models.CharField(
        max_length=6, blank=True, validators=[validate_brin], help_text="BRIN code (art. 5 lid 1a)."
    )
    rio_code = models.CharField(
        max_length=7,
        blank=True,
        help_text="RIO code: onderwijsaanbieder 999A999 or bestuur 999B999.",
    )
    bestuur = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instellingen",
        limit_choices_to={"kind": "bestuur"},
    )
    bekostigd = models.BooleanField(
        null=True, help_text="Publicly funded (art. 2 lid 1); null for national bodies."
    )
    municipality = models.CharField(max_length=100, blank=True)
    active_from = models.DateField(null=True, blank=True)
    active_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def sectors(self) -> tuple[str, ...]:
        return organisation_kinds()[self.kind].sectors

    def clean(self) -> None:
        if self.rio_code:
            if self.kind == "bestuur":
                validate_rio_bestuur(self.rio_code)
            else:
                validate_rio_aanbieder(self.rio_code)
        if self.kind == "bestuur" and self.bestuur_id:
            raise ValidationError({"bestuur": "A bestuur has no bestuur above it."})


class ApiClient(models.Model):
    """A machine client of an organisation (levering, verstrekking or supervision).

    A client authenticates with a bearer token (``ApiToken``); it holds one, or two while a token
    is being rotated. Revoking the client (``revoked_at``) ends all of its tokens at once.
    ``auth_method`` leaves room for mTLS (certificate fingerprint) or OAuth2 client credentials
    next to bearer tokens.
    """

    ROLES = ("deliver", "recipient", "supervisor", "brp")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_clients"
    )
    name = models.CharField(max_length=100)
    roles = models.JSONField(default=list, help_text=f"Subset of {ROLES}.")
    auth_method = models.CharField(
        max_length=16, default="token", choices=[("token", "Bearer token")]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation.code}/{self.name}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiToken(models.Model):
    """A bearer token of an API client: ``dr_<prefix>_<secret>``.

    Only a SHA-256 hash is stored (the secret is 256-bit random, so a fast hash is safe); the token
    is shown once when it is issued. Every token expires (``expires_at``); a rotation issues a new
    token and shortens the old one's life to a short overlap, so a client can switch without
    downtime.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client", "-created_at"]

    def __str__(self) -> str:
        return f"dr_{self.prefix}_…"
