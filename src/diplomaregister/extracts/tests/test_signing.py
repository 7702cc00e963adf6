"""The signed extract validates in third-party tools (pdfsig, pyhanko CLI) and via PKCS#11."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from diplomaregister.extracts import signing, verification
from diplomaregister.extracts.services import make_extract

pytestmark = pytest.mark.django_db

SOFTHSM_MODULE = next(
    (
        p
        for p in (
            "/usr/lib/softhsm/libsofthsm2.so",
            "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
            "/usr/local/lib/softhsm/libsofthsm2.so",
        )
        if Path(p).exists()
    ),
    None,
)


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (poppler-utils) not installed")
def test_pdfsig_reports_the_signature_of_an_untouched_extract_valid(holder, tmp_path):
    person, _, _ = holder
    path = tmp_path / "extract.pdf"
    path.write_bytes(make_extract(person).pdf_bytes)
    output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in output
    assert "Total document signed" in output
    assert "Test register extract signing" in output


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (poppler-utils) not installed")
def test_pdfsig_reports_a_changed_byte_invalid(holder, tmp_path):
    person, _, _ = holder
    pdf = make_extract(person).pdf_bytes
    path = tmp_path / "extract.pdf"
    path.write_bytes(pdf.replace(b"Anna Maria Jansen", b"Anne Maria Jansen", 1))
    output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." not in output


PYHANKO_CLI = Path(sys.executable).with_name("pyhanko")
needs_pyhanko_cli = pytest.mark.skipif(
    not PYHANKO_CLI.exists(), reason="pyhanko-cli not installed (pip install -e '.[dev]')"
)


def _pyhanko_validate(path: Path, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(PYHANKO_CLI),
            "sign",
            "validate",
            "--no-revocation-check",
            "--trust-replace",
            "--trust",
            str(root),
            "--pretty-print",
            str(path),
        ],
        capture_output=True,
        text=True,
    )


@needs_pyhanko_cli
def test_pyhanko_validate_judges_the_extract_valid_with_the_register_root(
    holder, tmp_path, dev_pki
):
    person, _, _ = holder
    path = tmp_path / "extract.pdf"
    path.write_bytes(make_extract(person).pdf_bytes)
    result = _pyhanko_validate(path, dev_pki.root_cert)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The signature is judged VALID." in result.stdout
    assert "The signature covers the entire file." in result.stdout


@needs_pyhanko_cli
def test_pyhanko_validate_does_not_trust_another_root(holder, tmp_path, other_pki):
    person, _, _ = holder
    path = tmp_path / "extract.pdf"
    path.write_bytes(make_extract(person).pdf_bytes)
    result = _pyhanko_validate(path, other_pki.root_cert)
    assert "The signature is judged VALID." not in result.stdout


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory, dev_pki):
    """A SoftHSM2 token with the dev signing key and certificate under label register-signing."""
    if SOFTHSM_MODULE is None or shutil.which("softhsm2-util") is None:
        pytest.skip("softhsm2 is not installed (apt-get install -y softhsm2 opensc)")
    if shutil.which("pkcs11-tool") is None:
        pytest.skip("pkcs11-tool is not installed (apt-get install -y opensc)")
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    run = {"check": True, "capture_output": True}
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", "diplomaregister"]
        + ["--pin", "1234", "--so-pin", "123456"],
        **run,
    )
    subprocess.run(
        ["softhsm2-util", "--import", str(dev_pki.signing_key), "--token", "diplomaregister"]
        + ["--label", "register-signing", "--id", "01", "--pin", "1234"],
        **run,
    )
    der = base / "signing.der"
    cert = x509.load_pem_x509_certificate(dev_pki.signing_cert.read_bytes())
    der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    subprocess.run(
        ["pkcs11-tool", "--module", SOFTHSM_MODULE, "--token-label", "diplomaregister"]
        + ["--login", "--pin", "1234", "--write-object", str(der), "--type", "cert"]
        + ["--label", "register-signing", "--id", "01"],
        **run,
    )
    return SOFTHSM_MODULE


def test_extract_is_signed_with_a_key_on_a_pkcs11_token(holder, settings, softhsm_token, dev_pki):
    settings.EXTRACT_SIGNING_PKCS12 = ""
    settings.EXTRACT_SIGNING_PKCS11_MODULE = softhsm_token
    settings.EXTRACT_SIGNING_PKCS11_TOKEN_LABEL = "diplomaregister"
    settings.EXTRACT_SIGNING_PKCS11_PIN = "1234"
    settings.EXTRACT_SIGNING_PKCS11_KEY_LABEL = "register-signing"
    signing.clear_caches()
    person, _, _ = holder
    extract = make_extract(person)
    assert isinstance(signing.signer().signer, signing_pkcs11_signer_class())
    result = verification.verify_file(extract.pdf_bytes)
    assert result.signature == verification.VALID, result.signature_detail
    assert "Test register extract signing" in result.signer
    assert result.valid


def signing_pkcs11_signer_class():
    from pyhanko.sign.pkcs11 import PKCS11Signer

    return PKCS11Signer


def test_signer_is_loaded_once_per_configuration(holder):
    first = signing.signer()
    assert signing.signer() is first
    signing.clear_caches()
    assert signing.signer() is not first
