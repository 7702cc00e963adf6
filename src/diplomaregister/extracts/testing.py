"""Test helper shared by the apps whose tests make signed extracts (extracts, portals, browser)."""

from __future__ import annotations

from typing import Any


def use_dev_pki(
    settings: Any, pki: Any, *, public_url: str = "https://diplomaregister.example"
) -> None:
    """Point the signing and verification settings at a development PKI (``make_dev_pki``)."""
    settings.EXTRACT_SIGNING_PKCS12 = str(pki.signing_p12)
    settings.EXTRACT_SIGNING_PKCS12_PASSWORD = pki.password
    settings.EXTRACT_SIGNING_PKCS11_MODULE = ""
    settings.EXTRACT_TRUST_ROOT = str(pki.root_cert)
    settings.EXTRACT_PUBLIC_URL = public_url
    settings.EXTRACT_VERIFY_RATE = "1000/minute"
    settings.SHARE_LINK_RATE = "1000/minute"
