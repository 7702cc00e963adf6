"""A small per-client-address rate limiter on Django's cache (fixed one-window counter).

With several processes, configure a shared cache (e.g. Redis or the database cache); with the
default local-memory cache each process counts on its own.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/minute"`` -> (20, 60)."""
    count, _, unit = rate.partition("/")
    return int(count), _UNITS[unit.strip().rstrip("s")]


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a proxy in front must set it (e.g. via the WSGI server's trusted-proxy
    # setting); a client-supplied X-Forwarded-For would let anyone pick a fresh address per try.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(request: HttpRequest, scope: str, rate: str) -> tuple[bool, int]:
    """Count this request; returns (allowed, seconds until the window resets)."""
    limit, window = parse_rate(rate)
    now = int(time.time())
    bucket = now // window
    key = f"ratelimit:{scope}:{client_address(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count <= limit, window - now % window
