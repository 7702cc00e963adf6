"""Share links: create, revoke, resolve. The token is shown once; the register keeps its hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction

from diplomaregister.core import clock
from diplomaregister.portal_holder.models import ShareLink
from diplomaregister.register.models import Person

DEFAULT_DAYS = 30
MAX_DAYS = 366


class ShareLinkError(ValueError):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_share_link(
    person: Person,
    diploma_ids: Iterable[int],
    *,
    days: int = DEFAULT_DAYS,
    label: str = "",
    own: set[int],
) -> tuple[ShareLink, str]:
    """Returns the link and its token (shown once). Only the person's own valid documents can be
    shared: ``own`` are the ids the disclosure engine returned for the holder."""
    ids = sorted(set(diploma_ids))
    if not ids:
        raise ShareLinkError("Choose at least one diploma to share.")
    if not 1 <= days <= MAX_DAYS:
        raise ShareLinkError(f"A share link lasts 1 to {MAX_DAYS} days.")
    if not set(ids) <= own:
        raise ShareLinkError("Only your own diplomas can be shared.")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    link = ShareLink.objects.create(
        person=person,
        short_id=secrets.token_hex(4),
        token_hash=_hash(token),
        diploma_ids=ids,
        label=label[:100],
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    return link, token


def revoke(link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = clock.now()
        link.save(update_fields=["revoked_at"])


def active_link(token: str) -> ShareLink | None:
    """The link for a token if it is neither expired nor revoked."""
    link = ShareLink.objects.select_related("person").filter(token_hash=_hash(token)).first()
    if link is None or link.revoked_at is not None or link.expires_at <= clock.now():
        return None
    return link
