"""Keys derived from one configured secret, one per purpose (HMAC-SHA256 key derivation)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def derived_key(purpose: str) -> bytes:
    """A key for ``purpose`` from DIPLOMAREGISTER_DISCLOSURE_KEY (or, when empty, the Django key)."""
    master = (getattr(settings, "DISCLOSURE_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(master, f"diplomaregister:{purpose}".encode(), hashlib.sha256).digest()


def keyed_hash(purpose: str, value: str) -> str:
    return hmac.new(derived_key(purpose), value.encode(), hashlib.sha256).hexdigest()
