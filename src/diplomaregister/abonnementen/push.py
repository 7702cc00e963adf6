"""Webhook push of feed pages: signed (HMAC-SHA256 over timestamp and body), retried with
exponential backoff; the subscription only advances when the recipient acknowledges with 2xx."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from diplomaregister.abonnementen import feeds
from diplomaregister.abonnementen.models import Subscription
from diplomaregister.core import clock
from diplomaregister.core.keys import keyed_hash

Sender = Callable[[str, bytes, dict[str, str]], int]  # url, body, headers -> HTTP status
MAX_BACKOFF = dt.timedelta(hours=24)


def webhook_secret(subscription: Subscription) -> str:
    """Shared secret of a subscription's webhook (derived; shown to the recipient at set-up)."""
    return keyed_hash(f"webhook:{subscription.pk}", subscription.organisation.code)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def http_sender(
    url: str, body: bytes, headers: dict[str, str]
) -> int:  # pragma: no cover - network
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def push_one(subscription: Subscription, send: Sender, limit: int = 100) -> str:
    """Push the next page; returns "sent", "empty", "failed" or "waiting" (backoff not over)."""
    now = clock.now()
    if subscription.next_attempt_at and subscription.next_attempt_at > now:
        return "waiting"
    current = feeds.page(
        subscription, feeds.encode(subscription.acknowledged), limit, channel="webhook"
    )
    if not current.items:
        return "empty"
    body = json.dumps({"items": current.items, "cursor": current.cursor, "trace_id": current.trace_id},
                      cls=DjangoJSONEncoder).encode()  # fmt: skip
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Diplomaregister-Timestamp": timestamp,
               "X-Diplomaregister-Signature": signature(webhook_secret(subscription), timestamp, body)}  # fmt: skip
    try:
        status = send(subscription.webhook_url, body, headers)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except OSError as exc:
        error = type(exc).__name__
    if not error:
        subscription.acknowledged = feeds.decode(current.cursor)
        subscription.attempts, subscription.next_attempt_at, subscription.last_error = 0, None, ""
    else:
        subscription.attempts += 1
        backoff = min(dt.timedelta(minutes=2 ** (subscription.attempts - 1)), MAX_BACKOFF)
        subscription.next_attempt_at, subscription.last_error = now + backoff, error
    subscription.save(update_fields=["acknowledged", "attempts", "next_attempt_at", "last_error"])
    return "failed" if error else "sent"


def push_all(send: Sender = http_sender) -> dict[str, int]:
    results: dict[str, int] = {}
    subscriptions: Any = Subscription.objects.filter(active=True).exclude(webhook_url="")
    for subscription in subscriptions.select_related("organisation"):
        outcome = push_one(subscription, send)
        results[outcome] = results.get(outcome, 0) + 1
    return results
