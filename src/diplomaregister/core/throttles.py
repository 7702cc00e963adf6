"""Rate limits counted in the database shared by every worker (``core.cache.count_hit``: one
upsert per hit): a fixed-window counter per scope and identity, and the API's throttles built on it.

The API is throttled per API client (``API_RATE_CLIENT``) and, for every request without a valid
token (documentation, schema, a missing or wrong token), per client address (``API_RATE_ANON``).
Beyond the limit the answer is 429 with ``Retry-After`` (seconds until the window ends).

Identities (addresses, client ids, usernames) enter the counters only as a keyed hash, so the
table holds no personal data.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from diplomaregister.core.cache import count_hit

CACHE_ALIAS = "default"  # settings.CACHES: the database cache shared by all workers
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_COUNTED = "_diplomaregister_address_counted"


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/minute"`` -> (20, 60)."""
    count, _, unit = rate.partition("/")
    return int(count), _UNITS[unit.strip().rstrip("s")]


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a proxy in front must set it (e.g. via the WSGI server's trusted-proxy
    # setting); a client-supplied X-Forwarded-For would let anyone pick a fresh address per try.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def identity_key(identity: str) -> str:
    """A keyed hash of an address, client id or username: stable, not reversible."""
    return salted_hmac("diplomaregister.ratelimit", identity).hexdigest()[:32]


def hit(scope: str, identity: str, rate: str) -> tuple[bool, int]:
    """Count one attempt of ``identity`` in ``scope``; returns (allowed, seconds until the window
    resets). Every worker counts in the same cache entry."""
    limit, window = parse_rate(rate)
    now = int(time.time())
    key = f"{scope}:{identity_key(identity)}:{now // window}"
    ends = dt.datetime.fromtimestamp((now // window + 1) * window, tz=dt.UTC)
    count = count_hit(key, ends)
    return count <= limit, window - now % window


def _count_address(request: Any) -> int | None:
    """Count a request without a valid token against its address, once per request; the seconds
    to wait when beyond ``API_RATE_ANON``, else None."""
    django_request = getattr(request, "_request", request)
    if getattr(django_request, _COUNTED, False):
        return None
    setattr(django_request, _COUNTED, True)
    allowed, retry_after = hit("api-anon", client_address(django_request), settings.API_RATE_ANON)
    return None if allowed else retry_after


def count_anonymous(request: Any) -> None:
    """Count an API request without a valid token against its address; raise 429 beyond
    ``API_RATE_ANON``. Called by the bearer-token authentication (before permissions refuse the
    request) and, through ``AddressRateThrottle``, for views without authentication."""
    retry_after = _count_address(request)
    if retry_after is not None:
        raise exceptions.Throttled(wait=retry_after)


class ClientRateThrottle(BaseThrottle):
    """``API_RATE_CLIENT`` requests per window per authenticated API client."""

    wait_seconds: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        client = getattr(request.user, "client", None)
        if client is None:
            return True
        allowed, self.wait_seconds = hit("api-client", str(client.pk), settings.API_RATE_CLIENT)
        return allowed

    def wait(self) -> float | None:
        return self.wait_seconds


class AddressRateThrottle(BaseThrottle):
    """``API_RATE_ANON`` requests per window per client address, for requests without a client."""

    wait_seconds: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        if getattr(request.user, "client", None) is not None:
            return True
        self.wait_seconds = _count_address(request)
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds
