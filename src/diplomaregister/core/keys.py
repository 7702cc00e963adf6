"""Keys derived from one configured secret, one per purpose (HMAC-SHA256 key derivation)."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings


def derived_key(purpose: str) -> bytes:
    """A key for ``purpose`` from DIPLOMAREGISTER_DISCLOSURE_KEY (or, when empty, the Django key)."""
    return _derive(getattr(settings, "DISCLOSURE_KEY", "") or settings.SECRET_KEY, purpose)


@lru_cache(maxsize=4096)
def _derive(master: str, purpose: str) -> bytes:
    return hmac.new(master.encode(), f"diplomaregister:{purpose}".encode(), hashlib.sha256).digest()


def keyed_hash(purpose: str, value: str) -> str:
    return hmac.new(derived_key(purpose), value.encode(), hashlib.sha256).hexdigest()
