"""Behind TRUSTED_PROXIES the client's address is read from X-Forwarded-For, from the right, so
per-address rate limits see clients and not the proxy; a client cannot pick its own address."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from diplomaregister.core.proxy import TrustedProxyMiddleware, _networks, client_address

NETWORKS = _networks("127.0.0.1,10.0.0.0/24")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # one proxy
        ("10.0.0.5", "203.0.113.9, 127.0.0.1", "203.0.113.9"),  # two proxies
        ("127.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # client-written part ignored
        ("127.0.0.1", "", "127.0.0.1"),  # not proxied
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not from a trusted proxy
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(peer, forwarded, expected):
    assert client_address(peer, forwarded, NETWORKS) == expected


def test_untouched_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ""
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    TrustedProxyMiddleware(lambda r: r)(request)
    assert request.META["REMOTE_ADDR"] == "127.0.0.1"


def test_middleware_sets_remote_addr(settings):
    settings.TRUSTED_PROXIES = "127.0.0.1"
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    TrustedProxyMiddleware(lambda r: r)(request)
    assert request.META["REMOTE_ADDR"] == "203.0.113.9"
