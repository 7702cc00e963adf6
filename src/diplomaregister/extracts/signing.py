"""PAdES signing of extracts with the register key, and the trust root verification relies on.

The key comes from a PKCS#12 file or, when ``EXTRACT_SIGNING_PKCS11_MODULE`` is set, from a PKCS#11
token (an HSM; SoftHSM2 in tests). Without configuration the development PKI in ``var/pki`` is used
(generated on first use). The loaded signer, its certificate chain and the PKCS#11 session are
cached per configuration, so a signature costs one private-key operation and no file reads.

Signatures are PAdES baseline B-B (no timestamp authority, no network): SHA-256, the signing
certificate and the chain embedded, covering the whole file. :func:`sign_pdf` signs any PDF
(through pyHanko: parse, new field, incremental update); an extract is rendered with its signature
field and signed in place by :func:`sign_rendered` (same signer and CMS, file written once).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.conf import settings
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from diplomaregister.extracts import pdfsignature
from diplomaregister.extracts.pki import DevPki, make_dev_pki

FIELD_NAME = "DiplomaregisterHandtekening"
REASON = "Uittreksel Diplomaregister"
LOCATION = "Nederland"


@dataclass(frozen=True)
class SigningConfig:
    pkcs12: str
    pkcs12_password: str
    pkcs11_module: str
    pkcs11_token_label: str
    pkcs11_pin: str
    pkcs11_key_label: str
    trust_root: str

    @classmethod
    def from_settings(cls) -> SigningConfig:
        return cls(
            pkcs12=settings.EXTRACT_SIGNING_PKCS12,
            pkcs12_password=settings.EXTRACT_SIGNING_PKCS12_PASSWORD,
            pkcs11_module=settings.EXTRACT_SIGNING_PKCS11_MODULE,
            pkcs11_token_label=settings.EXTRACT_SIGNING_PKCS11_TOKEN_LABEL,
            pkcs11_pin=settings.EXTRACT_SIGNING_PKCS11_PIN,
            pkcs11_key_label=settings.EXTRACT_SIGNING_PKCS11_KEY_LABEL,
            trust_root=settings.EXTRACT_TRUST_ROOT,
        )

    @property
    def uses_dev_pki(self) -> bool:
        return not self.pkcs12 and not self.pkcs11_module


def dev_pki() -> DevPki:
    """The development chain in ``<var>/pki``, generated on first use."""
    return make_dev_pki(Path(settings.VAR_DIR) / "pki")


def trust_root_path(config: SigningConfig | None = None) -> Path:
    config = config or SigningConfig.from_settings()
    if config.trust_root:
        return Path(config.trust_root)
    return dev_pki().root_cert


@lru_cache(maxsize=8)
def _trust_root(path: str, mtime: float) -> asn1_x509.Certificate:
    return load_cert_from_pemder(path)


def trust_root(config: SigningConfig | None = None) -> asn1_x509.Certificate:
    """The only root CA verification accepts (reloaded when the file changes)."""
    path = trust_root_path(config)
    return _trust_root(str(path), path.stat().st_mtime)


class SigningNotConfigured(RuntimeError):
    pass


class CachedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that parses its private key once.

    pyHanko's SimpleSigner re-parses the key (``load_der_private_key``, with RSA consistency
    checks) on every raw signature, which costs far more than the signature itself."""

    _pyca_key: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism not in ("rsassa_pkcs1v15", "ecdsa"):
            return super().sign_raw(data, digest_algorithm)
        if self._pyca_key is None:
            self._pyca_key = serialization.load_der_private_key(
                self.signing_key.dump(), password=None
            )
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "ecdsa":
            return self._pyca_key.sign(data, ECDSA(hash_algo))
        return self._pyca_key.sign(data, PKCS1v15(), hash_algo)


@lru_cache(maxsize=8)
def _load_signer(config: SigningConfig) -> signers.Signer:
    if config.pkcs11_module:
        from pyhanko.sign import pkcs11

        if not config.pkcs11_token_label:
            raise SigningNotConfigured("EXTRACT_SIGNING_PKCS11_TOKEN_LABEL is not set")
        session = pkcs11.open_pkcs11_session(
            config.pkcs11_module,
            token_criteria=pkcs11.TokenCriteria(label=config.pkcs11_token_label),
            user_pin=config.pkcs11_pin or None,
        )
        chain = [trust_root(config)] if config.trust_root else []
        return pkcs11.PKCS11Signer(
            session,
            cert_label=config.pkcs11_key_label,
            key_label=config.pkcs11_key_label,
            ca_chain=chain,
        )
    if config.pkcs12:
        path, password = config.pkcs12, config.pkcs12_password
    else:
        pki = dev_pki()
        path, password = str(pki.signing_p12), pki.password
    loaded = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    if loaded is None:
        raise SigningNotConfigured(f"cannot load the PKCS#12 file {path} (wrong password?)")
    return CachedKeySigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )


_lock = threading.Lock()
_local = threading.local()


def _runner() -> asyncio.Runner:
    """This thread's event loop for pyHanko's coroutines, kept: ``asyncio.run`` would set up and
    tear down a loop (0.1 ms) per signature."""
    runner = getattr(_local, "runner", None)
    if runner is None:
        runner = _local.runner = asyncio.Runner()
    return runner


@lru_cache(maxsize=8)
def _pdf_signer(config: SigningConfig) -> signers.PdfSigner:
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=REASON,
        location=LOCATION,
    )
    return signers.PdfSigner(meta, signer=_load_signer(config))


def signer(config: SigningConfig | None = None) -> signers.PdfSigner:
    """The cached PAdES signer for the configured key (loaded once per process)."""
    return _pdf_signer(config or SigningConfig.from_settings())


@lru_cache(maxsize=8)
def _bytes_reserved(config: SigningConfig) -> int:
    """Room for the CMS signature container: the embedded certificates, the signature value and
    the signed attributes, with margin. Reserving it up front spares pyHanko a dry-run signature
    per document to estimate the size."""
    pdf_signer = _pdf_signer(config)
    certs = [pdf_signer.signer.signing_cert, *pdf_signer.signer.cert_registry]
    size = sum(len(c.dump()) for c in certs if c is not None) + 4096
    return size + size % 2  # hex-encoded in the PDF: pyHanko needs an even number of bytes


def sign_pdf(pdf: bytes, config: SigningConfig | None = None) -> bytes:
    """Sign ``pdf`` (an unsigned PDF) with the register key; returns the signed file."""
    config = config or SigningConfig.from_settings()
    pdf_signer = signer(config)
    reserved = _bytes_reserved(config)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = BytesIO()
    if config.pkcs11_module:
        with _lock:  # one PKCS#11 session is not safe for concurrent operations
            pdf_signer.sign_pdf(writer, output=out, bytes_reserved=reserved)
    else:
        pdf_signer.sign_pdf(writer, output=out, bytes_reserved=reserved)
    return out.getvalue()


def signature_slot(
    signed_at: dt.datetime, config: SigningConfig | None = None
) -> pdfsignature.SignatureSlot:
    """The signature field an extract is rendered with (signed by :func:`sign_rendered`)."""
    config = config or SigningConfig.from_settings()
    return pdfsignature.SignatureSlot(
        FIELD_NAME, REASON, LOCATION, signed_at, reserved=_bytes_reserved(config)
    )


def sign_rendered(
    pdf: bytes, slot: pdfsignature.SignatureSlot, config: SigningConfig | None = None
) -> bytes:
    """Sign a PDF rendered with ``slot`` (``render_pdf(..., signature=slot)``) in place: the CMS
    container the cached signer makes for :func:`sign_pdf` (PAdES signed attributes, SHA-256,
    certificates embedded), without a second parse and write of the file."""
    config = config or SigningConfig.from_settings()
    cms_signer = signer(config).signer
    attributes = PdfCMSSignedAttributes(signing_time=slot.signed_at)

    def sign_digest(digest: bytes) -> bytes:
        made = cms_signer.async_sign(
            digest, "sha256", use_pades=True, signed_attr_settings=attributes
        )
        if config.pkcs11_module:
            with _lock:  # one PKCS#11 session is not safe for concurrent operations
                return _runner().run(made).dump()
        return _runner().run(made).dump()

    return pdfsignature.fill(pdf, slot, sign_digest)


def clear_caches() -> None:
    """Forget loaded keys and sessions (after a configuration change; used by tests)."""
    _bytes_reserved.cache_clear()
    _pdf_signer.cache_clear()
    _load_signer.cache_clear()
    _trust_root.cache_clear()
