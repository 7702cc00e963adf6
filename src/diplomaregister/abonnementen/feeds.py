"""Change feeds: new and changed documents for a subscription, through the disclosure engine
(``disclose_stream``, channel feed or webhook): the subscription's basis decides which persons and
documents the feed reaches (e.g. art. 50: only persons with an open application) and which fields it
carries; one log row per person disclosed.

The cursor is the last DiplomaVersion id covered (opaque to clients). Delivery is at-least-once: a
page is never skipped, a recipient may see an item again after a retry.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from diplomaregister.abonnementen.models import Subscription
from diplomaregister.verstrekking.engine import Requester, disclose_stream


@dataclass
class Page:
    items: list[dict[str, Any]]
    cursor: str  # resume from here
    trace_id: str


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{position}".encode()).decode()


def decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        prefix, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix != "v1":
            raise ValueError
        return int(number)
    except ValueError as exc:
        raise ValueError("Invalid cursor.") from exc


def requester_for(subscription: Subscription) -> Requester:
    org = subscription.organisation
    return Requester(kind="organisation", organisation=org, label=org.name)


def page(
    subscription: Subscription, cursor: str | None, limit: int = 100, *, channel: str = "feed"
) -> Page:
    """Raises ValueError for a bad cursor and NotDisclosed (logged) when the basis has no feed."""
    after = decode(cursor)
    result = disclose_stream(requester=requester_for(subscription), basis=subscription.basis,
                             channel=channel, after=after, limit=limit)  # fmt: skip
    return Page(result.items, encode(result.position), result.trace_id)
