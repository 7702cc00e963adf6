"""API client authentication: hashed bearer tokens that expire, rotate and can be revoked, roles,
and a DRF authentication class."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from diplomaregister.core.throttles import count_anonymous
from diplomaregister.organisations.models import ApiClient, ApiToken, Organisation

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "dr"  # noqa: S105 (not a secret: the public token prefix)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(client: ApiClient, *, lifetime: timedelta | None = None) -> tuple[ApiToken, str]:
    """A new token for ``client``; only its hash is stored, the token is returned once."""
    prefix = secrets.token_hex(5)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(
        client=client,
        prefix=prefix,
        token_hash=_hash(token),
        expires_at=timezone.now() + (settings.API_TOKEN_LIFETIME if lifetime is None else lifetime),
    )
    return row, token


def create_client(
    organisation: Organisation, name: str, roles: list[str], *, lifetime: timedelta | None = None
) -> tuple[ApiClient, str]:
    """Create a client and return it with its token; the token is not stored and not shown again."""
    unknown = set(roles) - set(ApiClient.ROLES)
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(sorted(unknown))}")
    with transaction.atomic():
        client = ApiClient.objects.create(organisation=organisation, name=name, roles=list(roles))
        _row, token = issue_token(client, lifetime=lifetime)
    logger.info("api.client.created client=%s", client.pk)
    return client, token


def rotate_client(
    client: ApiClient, *, overlap: timedelta | None = None, lifetime: timedelta | None = None
) -> tuple[ApiToken, str]:
    """Issue a new token; the client's current tokens keep working for ``overlap`` (default
    ``API_TOKEN_ROTATION_OVERLAP``) or until their own expiry if that is sooner. No downtime: the
    client deploys the new token while the old one still works."""
    if client.revoked_at is not None:
        raise ValueError(f"Client {client} is revoked.")
    now = timezone.now()
    cutoff = now + (settings.API_TOKEN_ROTATION_OVERLAP if overlap is None else overlap)
    with transaction.atomic():
        ApiToken.objects.filter(
            client=client, revoked_at__isnull=True, expires_at__gt=cutoff
        ).update(expires_at=cutoff)
        row, token = issue_token(client, lifetime=lifetime)
    forget_tokens()  # the old tokens' remembered expiry is no longer theirs
    logger.info("api.client.rotated client=%s token=%s", client.pk, row.prefix)
    return row, token


def revoke_client(client: ApiClient) -> None:
    """End the client and every token it holds, at once."""
    now = timezone.now()
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(revoked_at=now)
        ApiToken.objects.filter(client=client, revoked_at__isnull=True).update(revoked_at=now)
    forget_tokens()
    logger.info("api.client.revoked client=%s", client.pk)


def revoke_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    forget_tokens()
    logger.info("api.token.revoked client=%s token=%s", token.client_id, token.prefix)


def client_for_token(token: str) -> ApiClient | None:
    """The client of a valid token: known, hash matching, not expired, neither it nor its client
    revoked. A checked token is remembered for ``API_TOKEN_CACHE_SECONDS`` in this process (keyed
    by its hash); its expiry is checked on every call, and a revocation in this process forgets
    every remembered token at once."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    digest = _hash(token)
    now = timezone.now()
    remembered = _remembered.get(digest)
    if remembered is not None:
        client, expires_at, until = remembered
        if _clock() < until:
            return client if expires_at > now else None
        del _remembered[digest]
    row = (
        ApiToken.objects.select_related("client__organisation")
        .filter(
            prefix=parts[1],
            revoked_at__isnull=True,
            expires_at__gt=now,
            client__revoked_at__isnull=True,
        )
        .first()
    )
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    ttl = settings.API_TOKEN_CACHE_SECONDS
    if ttl > 0:
        if len(_remembered) >= _REMEMBER_AT_MOST:
            _remembered.clear()
        _remembered[digest] = (row.client, row.expires_at, _clock() + ttl)
    return row.client


_REMEMBER_AT_MOST = 10_000
_clock = time.monotonic  # replaceable in tests
_remembered: dict[str, tuple[ApiClient, Any, float]] = {}


def forget_tokens() -> None:
    """Forget every remembered token (after a revocation; used by tests)."""
    _remembered.clear()


@dataclass(frozen=True)
class ClientPrincipal:
    """``request.user`` for API calls: the organisation's client, never a person."""

    client: ApiClient

    is_authenticated = True
    is_anonymous = False
    is_staff = False

    @property
    def organisation(self) -> Organisation:
        return self.client.organisation

    @property
    def pk(self) -> int:
        return self.client.pk

    def __str__(self) -> str:
        return str(self.client)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ClientPrincipal, ApiClient] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            count_anonymous(request)  # per address; 429 beyond API_RATE_ANON
            return None
        keyword, _, token = header.partition(" ")
        if keyword != self.keyword or not token.strip():
            count_anonymous(request)
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <token>'.")
        client = client_for_token(token.strip())
        if client is None:
            count_anonymous(request)
            logger.warning("api.auth.failed path=%s", request.path)
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return ClientPrincipal(client), client

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="diplomaregister"'


class HasRole(permissions.BasePermission):
    """``permission_classes = [HasRole.of("deliver")]``: the client must hold that role."""

    role = ""

    @classmethod
    def of(cls, role: str) -> type[HasRole]:
        return type(f"HasRole_{role}", (cls,), {"role": role})

    def has_permission(self, request: Request, view: object) -> bool:
        principal = request.user
        return isinstance(principal, ClientPrincipal) and self.role in principal.client.roles
