"""Per-client-address rate limits of the public pages (verification, share links, inzage).

A fixed one-window counter in the cache shared by all worker processes (``core.cache``, a table
in the database), so the limit holds for the whole service, not per worker.
"""

from __future__ import annotations

from django.http import HttpRequest

from diplomaregister.core.throttles import client_address, hit, parse_rate

__all__ = ["allow", "client_address", "parse_rate"]


def allow(request: HttpRequest, scope: str, rate: str) -> tuple[bool, int]:
    """Count this request; returns (allowed, seconds until the window resets)."""
    return hit(scope, client_address(request), rate)
