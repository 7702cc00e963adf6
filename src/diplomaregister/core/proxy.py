"""The client's address behind a reverse proxy: ``REMOTE_ADDR`` taken from ``X-Forwarded-For``
when, and only when, the request came from a proxy listed in ``TRUSTED_PROXIES``.

gunicorn sets ``REMOTE_ADDR`` to its peer, which behind a proxy is the proxy itself: every client
would then share one per-address rate limit (core/throttles.py, extracts/ratelimit.py). The
header is read from the right: addresses appended by trusted proxies are skipped, the first one
that is not a trusted proxy is the client's. Anything a client writes further left is ignored, so
a client cannot choose its own address. Without ``TRUSTED_PROXIES`` nothing changes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def _networks(value: str) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False)
                 for item in value.split(",") if item.strip())  # fmt: skip


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    if not networks or not _trusted(peer, networks):
        return peer
    address = peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address: stop at the last proxy we trust
        address = hop
        if not _trusted(hop, networks):
            break
    return address


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        networks = _networks(settings.TRUSTED_PROXIES)
        if networks:
            peer = request.META.get("REMOTE_ADDR", "")
            request.META["REMOTE_ADDR"] = client_address(
                peer, request.META.get("HTTP_X_FORWARDED_FOR", ""), networks
            )
        return self.get_response(request)
