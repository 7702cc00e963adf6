"""API client authentication: hashed bearer tokens, roles, and a DRF authentication class."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from diplomaregister.organisations.models import ApiClient, Organisation

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "dr"  # noqa: S105 (not a secret: the public token prefix)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_client(organisation: Organisation, name: str, roles: list[str]) -> tuple[ApiClient, str]:
    """Create a client and return it with its token; the token is not stored and not shown again."""
    unknown = set(roles) - set(ApiClient.ROLES)
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(sorted(unknown))}")
    prefix = secrets.token_hex(5)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(
        organisation=organisation,
        name=name,
        roles=list(roles),
        token_prefix=prefix,
        token_hash=_hash(token),
    )
    return client, token


def revoke_client(client: ApiClient) -> None:
    ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def client_for_token(token: str) -> ApiClient | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    client = (
        ApiClient.objects.select_related("organisation")
        .filter(token_prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if client is None or not hmac.compare_digest(client.token_hash, _hash(token)):
        return None
    return client


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
            return None
        keyword, _, token = header.partition(" ")
        if keyword != self.keyword or not token.strip():
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <token>'.")
        client = client_for_token(token.strip())
        if client is None:
            logger.warning("api.auth.failed path=%s", request.path)
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
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
