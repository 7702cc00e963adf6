"""Share links: create, revoke, resolve. The token is shown once; the register keeps its hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from diplomaregister.core import clock
from diplomaregister.portal_holder.models import ShareLink
from diplomaregister.register.models import Person
from diplomaregister.verstrekking.engine import Requester, disclose

DEFAULT_DAYS = 30
MAX_DAYS = 366


class ShareLinkError(ValueError):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share_link(
    person: Person,
    diploma_ids: Iterable[int],
    *,
    days: int = DEFAULT_DAYS,
    label: str = "",
) -> tuple[ShareLink, str]:
    """Returns the link and its token (shown once). Only the person's own valid documents can be
    shared: the disclosure engine says which they are (basis ``holder``)."""
    ids = sorted(set(diploma_ids))
    if not ids:
        raise ShareLinkError("Choose at least one diploma to share.")
    if not 1 <= days <= MAX_DAYS:
        raise ShareLinkError(f"A share link lasts 1 to {MAX_DAYS} days.")
    mine = disclose(requester=Requester(kind="holder", label="Mijn diploma's: delen"), basis="holder",
                    subject=person, channel="portal", fields=("diploma_id", "status"))  # fmt: skip
    own = {r["diploma_id"] for r in mine.records if r["status"] == "valid"}
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
