"""Every environment variable the application reads, declared once with its default and meaning.

``docs/configuration.md`` is generated from this list (``diplomaregister config_docs``) and a test
fails when it is stale, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Var:
    name: str
    default: str
    meaning: str


VARIABLES: dict[str, Var] = {}


def declare(name: str, default: str, meaning: str) -> Var:
    var = Var(name, default, meaning)
    VARIABLES[name] = var
    return var


def get(var: Var) -> str:
    return os.environ.get(var.name, var.default)


def get_bool(var: Var) -> bool:
    return get(var).strip().lower() in {"1", "true", "yes", "on"}


def get_list(var: Var) -> list[str]:
    return [item.strip() for item in get(var).split(",") if item.strip()]


ENVIRONMENT = declare(
    "DIPLOMAREGISTER_ENV",
    "development",
    "`development` (local defaults, DigiD/eHerkenning mocks allowed) or `production` "
    "(secure cookies, HSTS, no mocks, DJANGO_SECRET_KEY required).",
)
SECRET_KEY = declare(
    "DJANGO_SECRET_KEY",
    "dev-insecure-secret-key-change-me",
    "Django secret key; must be set (long and random) in production.",
)
DEBUG = declare("DJANGO_DEBUG", "false", "Django debug mode (never in production).")
ALLOWED_HOSTS = declare(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver", "Comma-separated host names."
)
DATABASE_URL = declare(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'var' / 'diplomaregister.sqlite3'}",
    "Database URL. Default: an embedded SQLite file under var/. Production: "
    "postgres://user:pass@host:5432/dbname (PostgreSQL 15, psycopg 3).",
)
VAR_DIR = declare(
    "DIPLOMAREGISTER_VAR_DIR", str(BASE_DIR / "var"), "Directory for local state (SQLite, keys)."
)
LOG_LEVEL = declare("DIPLOMAREGISTER_LOG_LEVEL", "INFO", "Log level of the application loggers.")
TIME_ZONE = declare("DIPLOMAREGISTER_TIME_ZONE", "Europe/Amsterdam", "Local time zone.")

# Signed extracts (extracts app): register signing key, trust root, verification codes.
EXTRACT_SIGNING_PKCS12 = declare(
    "EXTRACT_SIGNING_PKCS12",
    "",
    "PKCS#12 file with the register's extract signing key and certificate chain. Empty (and no "
    "PKCS#11 module): a development PKI is generated in `var/pki` (`diplomaregister make_dev_pki`).",
)
EXTRACT_SIGNING_PKCS12_PASSWORD = declare(
    "EXTRACT_SIGNING_PKCS12_PASSWORD", "", "Password of `EXTRACT_SIGNING_PKCS12`."
)
EXTRACT_SIGNING_PKCS11_MODULE = declare(
    "EXTRACT_SIGNING_PKCS11_MODULE",
    "",
    "PKCS#11 module (e.g. `/usr/lib/softhsm/libsofthsm2.so`); when set, extracts are signed with "
    "a key on the token instead of a PKCS#12 file.",
)
EXTRACT_SIGNING_PKCS11_TOKEN_LABEL = declare(
    "EXTRACT_SIGNING_PKCS11_TOKEN_LABEL", "", "Label of the PKCS#11 token holding the key."
)
EXTRACT_SIGNING_PKCS11_PIN = declare(
    "EXTRACT_SIGNING_PKCS11_PIN", "", "User PIN of the PKCS#11 token."
)
EXTRACT_SIGNING_PKCS11_KEY_LABEL = declare(
    "EXTRACT_SIGNING_PKCS11_KEY_LABEL",
    "register-signing",
    "Label of the signing key and its certificate on the PKCS#11 token.",
)
EXTRACT_TRUST_ROOT = declare(
    "EXTRACT_TRUST_ROOT",
    "",
    "PEM file of the root CA that verification trusts (only this one). Empty: the development "
    "root in `var/pki`. Also embedded in the signature's chain for PKCS#11 signing.",
)
EXTRACT_CODE_KEY = declare(
    "EXTRACT_CODE_KEY",
    "",
    "Secret key for the keyed hash under which verification codes are stored (the codes "
    "themselves are not stored). Empty: derived from DJANGO_SECRET_KEY.",
)
EXTRACT_PUBLIC_URL = declare(
    "EXTRACT_PUBLIC_URL",
    "http://localhost:8000",
    "Public base URL printed in extract QR codes (`<url>/verifieren/<code>`).",
)
EXTRACT_VERIFY_RATE = declare(
    "EXTRACT_VERIFY_RATE",
    "20/minute",
    "Verification attempts allowed per client address on `/verifieren/` (`N/second|minute|hour`).",
)
DISCLOSURE_KEY = declare(
    "DIPLOMAREGISTER_DISCLOSURE_KEY",
    "",
    "Secret from which the per-recipient pseudonym keys (art. 23, 26, 47, 51, 52) and the keyed "
    "subject reference of the disclosure log are derived. Empty: derived from DJANGO_SECRET_KEY. "
    "Changing it changes every pseudonym.",
)
DIGID_MOCK = declare(
    "DIGID_MOCK",
    "true",
    "Use django-digid-eherkenning's DigiD mock (log in by typing a BSN) instead of DigiD SAML. "
    "Forced off when DIPLOMAREGISTER_ENVIRONMENT=production.",
)
SHARE_LINK_RATE = declare(
    "SHARE_LINK_RATE",
    "30/minute",
    "Share-link page views allowed per client address (`N/second|minute|hour`).",
)
