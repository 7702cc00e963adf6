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
DATABASE_REPLICA_URL = declare(
    "DATABASE_REPLICA_URL",
    "",
    "PostgreSQL streaming replica (hot standby) that serves the disclosure engine's reads (portal "
    "pages, look-ups, verification, exports); the log rows and every write go to DATABASE_URL. "
    "List it in the primary's synchronous_standby_names so levering can wait for it "
    "(read-your-writes, docs/deploy.md). Empty: everything reads from DATABASE_URL.",
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
DIPLOMA_SCENARIO = declare(
    "DIPLOMAREGISTER_SCENARIO",
    "1",
    "Active scenario of the extended diploma data (law/scenarios.yaml, verkenning 2025): `1` "
    "complete extension, `2` what the issued diploma carries, `3` most requested data, `4` no "
    "change. Extended fields outside it are not stored (per-record warning) and not shown.",
)

# Serving (`make run`, `diplomaregister serve`).
HOST = declare("HOST", "127.0.0.1", "Address `make run` and `diplomaregister serve` bind to.")
PORT = declare("PORT", "8000", "Port `make run` and `diplomaregister serve` bind to.")
WEB_CONCURRENCY = declare(
    "WEB_CONCURRENCY",
    "",
    "Worker processes of `diplomaregister serve` (gunicorn). Empty: 2 x CPU cores + 1. Each worker "
    "holds at most WEB_THREADS database connections.",
)
WEB_THREADS = declare(
    "WEB_THREADS",
    "1",
    "Threads per `serve` worker: 1 = sync workers (behind a buffering reverse proxy), more = "
    "gthread workers. Database connections per instance: WEB_CONCURRENCY x WEB_THREADS.",
)
WEB_TIMEOUT = declare(
    "WEB_TIMEOUT",
    "120",
    "Seconds a `serve` worker may spend on one request before gunicorn restarts it (the request's "
    "transaction is rolled back).",
)
DATABASE_CONN_MAX_AGE = declare(
    "DATABASE_CONN_MAX_AGE",
    "60",
    "Seconds a worker keeps its database connection between requests (0: a new connection per "
    "request). Connections are health-checked before reuse, so a database restart costs no errors "
    "once it is back.",
)
TRUSTED_PROXIES = declare(
    "TRUSTED_PROXIES",
    "",
    "Addresses or networks of the reverse proxies in front (comma-separated, e.g. "
    "`127.0.0.1,10.0.0.0/24`): from these the client's address is read from X-Forwarded-For (for "
    "the per-address rate limits). Empty: the connection's own address.",
)
METRICS_TOKEN = declare(
    "METRICS_TOKEN",
    "",
    "Bearer token Prometheus sends to `/metrics`. Empty: `/metrics` answers only requests from "
    "the loopback address that did not pass a proxy (no X-Forwarded-For).",
)
PROMETHEUS_MULTIPROC_DIR = declare(
    "PROMETHEUS_MULTIPROC_DIR",
    "",
    "Directory where `serve`'s worker processes keep their request metrics (emptied at start). "
    "Empty: `<DIPLOMAREGISTER_VAR_DIR>/prometheus`.",
)
LOG_FORMAT = declare(
    "DIPLOMAREGISTER_LOG_FORMAT",
    "",
    "`json` (one object per line: time, level, logger, message, trace_id, request fields) or "
    "`text`. Empty: json in production, text otherwise. Neither writes query strings, bodies or "
    "exception messages (tracebacks are frames only).",
)

# Guards: API throttling and tokens, staff login lockout, Content-Security-Policy.
API_RATE_CLIENT = declare(
    "API_RATE_CLIENT",
    "6000/minute",
    "API requests allowed per API client (`N/second|minute|hour|day`); beyond it the API "
    "answers 429 with `Retry-After`.",
)
API_RATE_ANON = declare(
    "API_RATE_ANON",
    "30/minute",
    "Unauthenticated API requests (documentation, schema, missing or invalid token) allowed per "
    "client address (`N/second|minute|hour|day`); beyond it 429 with `Retry-After`.",
)
API_TOKEN_LIFETIME_DAYS = declare(
    "API_TOKEN_LIFETIME_DAYS",
    "365",
    "Lifetime of a new API token in days (`create_client`, `rotate_client`); an expired token "
    "gets 401.",
)
API_TOKEN_ROTATION_OVERLAP_HOURS = declare(
    "API_TOKEN_ROTATION_OVERLAP_HOURS",
    "48",
    "How long the old token keeps working after `rotate_client` issued a new one (hours), so a "
    "client can switch without downtime.",
)
API_TOKEN_CACHE_SECONDS = declare(
    "API_TOKEN_CACHE_SECONDS",
    "10",
    "Seconds a worker remembers a checked API token (no database look-up per request). A token or "
    "client revoked elsewhere stops working on the other workers within this time; expiry is "
    "checked on every request. 0: look every token up.",
)
LOGIN_LOCKOUT_FAILURES = declare(
    "LOGIN_LOCKOUT_FAILURES",
    "5",
    "Failed password logins (admin, institution portal) after which a username is locked out.",
)
LOGIN_LOCKOUT_MINUTES = declare(
    "LOGIN_LOCKOUT_MINUTES",
    "15",
    "How long a locked-out username is refused, even with the right password (minutes).",
)
CSP_FORM_ACTION = declare(
    "CSP_FORM_ACTION",
    "",
    "Extra form targets the Content-Security-Policy allows besides the site itself "
    "(space-separated origins); in production the DigiD/eHerkenning IdP, whose login form is "
    "posted there.",
)
