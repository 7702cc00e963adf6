"""Verification codes: short enough to type, too long to guess or enumerate.

A code is 20 base32 characters (100 random bits from ``secrets``), shown in groups of four. The
register stores only a keyed hash (HMAC-SHA256) of the code, so a database reader cannot derive
valid codes; a lookup hashes the typed code and finds the row by that hash, and every unknown or
malformed code gets the same answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from django.conf import settings

LENGTH = 20
GROUP = 4
_ALPHABET = re.compile(r"^[A-Z2-7]+$")
_CONFUSABLE = str.maketrans({"0": "O", "1": "I", "8": "B"})


def new_code() -> str:
    """A fresh code, normalised (no separators)."""
    return base64.b32encode(secrets.token_bytes(13)).decode("ascii")[:LENGTH]


def display(code: str) -> str:
    """``ABCDEFGH...`` -> ``ABCD-EFGH-...`` for printing and typing."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(typed: str) -> str | None:
    """The canonical form of a typed code, or None when it cannot be a code."""
    code = re.sub(r"[\s\-_.]", "", typed or "").upper().translate(_CONFUSABLE)
    if len(code) != LENGTH or not _ALPHABET.match(code):
        return None
    return code


def _key() -> bytes:
    if settings.EXTRACT_CODE_KEY:
        return settings.EXTRACT_CODE_KEY.encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"diplomaregister.extracts.code", hashlib.sha256
    ).digest()


def code_hash(code: str) -> str:
    """Keyed hash under which a (normalised) code is stored and looked up."""
    return hmac.new(_key(), code.encode("ascii"), hashlib.sha256).hexdigest()
