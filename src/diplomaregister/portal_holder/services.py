"""Share links: create, revoke, resolve, count views, check the PIN. The token is shown once (and
may be e-mailed by the holder right then); the register keeps its hash, and of the PIN."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.hashers import check_password, make_password
from django.db.models import F

from diplomaregister.core import clock
from diplomaregister.portal_holder.models import ShareLink
from diplomaregister.register.models import Person
from diplomaregister.verstrekking.engine import Requester, disclose

DEFAULT_DAYS = 30
MAX_DAYS = 365
VALIDITY_CHOICES = (1, 7, 30, 90, 180, 365)  # days the holder can choose from
PIN_TRIES = 5  # wrong PINs before the link waits PIN_LOCK
PIN_LOCK = dt.timedelta(minutes=15)


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
    with_grades: bool = True,
    pin: str = "",
) -> tuple[ShareLink, str]:
    """Returns the link and its token (shown once). Only the person's own valid documents can be
    shared: the disclosure engine says which they are (basis ``holder``)."""
    ids = sorted(set(diploma_ids))
    if not ids:
        raise ShareLinkError("Choose at least one diploma to share.")
    if not 1 <= days <= MAX_DAYS:
        raise ShareLinkError(f"A share link lasts 1 to {MAX_DAYS} days.")
    if pin and not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise ShareLinkError("A PIN has 4 to 8 digits.")
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
        with_grades=with_grades,
        pin_hash=make_password(pin) if pin else "",
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


def link_of(person: Person, token: str) -> ShareLink | None:
    """The holder's own active link for a token (to e-mail it)."""
    link = active_link(token)
    return link if link is not None and link.person_id == person.pk else None


def count_view(link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=clock.now()
    )


def pin_locked(link: ShareLink) -> bool:
    return link.locked_until is not None and link.locked_until > clock.now()


def check_pin(link: ShareLink, pin: str) -> bool:
    """True for the right PIN. After PIN_TRIES wrong ones the link refuses every PIN, the right one
    too, for PIN_LOCK (so a PIN of 4 digits cannot be guessed through many addresses)."""
    if pin_locked(link):
        return False
    if check_password(pin, link.pin_hash):
        ShareLink.objects.filter(pk=link.pk).update(failed_pins=0, locked_until=None)
        return True
    failed = link.failed_pins + 1
    locked = clock.now() + PIN_LOCK if failed >= PIN_TRIES else None
    ShareLink.objects.filter(pk=link.pk).update(
        failed_pins=0 if locked else failed, locked_until=locked
    )
    return False
