"""Django settings: every value comes from an environment variable declared in ``env.py``."""

from __future__ import annotations

import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from diplomaregister.conf import env
from diplomaregister.core.logging import logging_config

BASE_DIR = env.BASE_DIR
PRODUCTION = env.get(env.ENVIRONMENT) == "production"

SECRET_KEY = env.get(env.SECRET_KEY)
if PRODUCTION and env.SECRET_KEY.default == SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
DEBUG = env.get_bool(env.DEBUG) and not PRODUCTION
ALLOWED_HOSTS = env.get_list(env.ALLOWED_HOSTS)

INSTALLED_APPS = [
    "diplomaregister.core.admin_apps.OperatorAdminConfig",  # django.contrib.admin behind TOTP
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "diplomaregister.core",
    "diplomaregister.law",
    "diplomaregister.organisations",
    "diplomaregister.register",
    "diplomaregister.levering",
    "diplomaregister.verstrekking",
    "diplomaregister.logboek",
    "diplomaregister.abonnementen",
    "diplomaregister.extracts",
    "diplomaregister.portal_holder",
    "diplomaregister.portal_institution",
    "diplomaregister.notices",
    "diplomaregister.overview",
    "diplomaregister.api",
    "diplomaregister.demo",
]

MIDDLEWARE = [
    # trace id, access log, request metrics (outermost); then the probes, before host checks
    "diplomaregister.core.middleware_trace.TraceMiddleware",
    "diplomaregister.core.proxy.TrustedProxyMiddleware",  # REMOTE_ADDR behind TRUSTED_PROXIES
    "diplomaregister.core.health.OpsMiddleware",
    # answers wait here for the disclosure-log rows their request wrote (logboek/gate.py)
    "diplomaregister.logboek.gate.LogGateMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "diplomaregister.core.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "diplomaregister.core.sessions.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "diplomaregister.core.api.ApiVersionMiddleware",
    "diplomaregister.core.dbretry.RetryReadsMiddleware",  # last: GET/HEAD retried once
]

ROOT_URLCONF = "diplomaregister.conf.urls"
WSGI_APPLICATION = "diplomaregister.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Persistent connections, one per worker thread (bounded: WEB_CONCURRENCY x WEB_THREADS), checked
# before reuse so that a database restart costs no errors once it is back (docs/deploy.md).
DATABASES = {
    "default": dj_database_url.parse(
        env.get(env.DATABASE_URL),
        conn_max_age=int(env.get(env.DATABASE_CONN_MAX_AGE)),
        conn_health_checks=True,
    )
}
if env.get(env.DATABASE_REPLICA_URL):
    # reads of the disclosure engine only (core/replica.py); tests mirror it onto default
    DATABASES["replica"] = {
        **dj_database_url.parse(
            env.get(env.DATABASE_REPLICA_URL),
            conn_max_age=int(env.get(env.DATABASE_CONN_MAX_AGE)),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }
for _alias in DATABASES:
    if DATABASES[_alias]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, waiting up to 3 s for a server that is restarting (core/postgresql)
        DATABASES[_alias]["ENGINE"] = "diplomaregister.core.postgresql"
        DATABASES[_alias].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        # Django's cursors bind on the client and never prepare; this lets the few server-binding
        # cursors prepare their statement (the disclosure log's append, logboek.services). Django
        # sets None (no preparing at all) by default for connection poolers: docs/deploy.md.
        DATABASES[_alias]["OPTIONS"].setdefault("prepare_threshold", 5)
DATABASE_ROUTERS = ["diplomaregister.core.replica.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
TIME_ZONE = env.get(env.TIME_ZONE)
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "src" / "diplomaregister" / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env.get(env.VAR_DIR)) / "static"  # `diplomaregister collectstatic` fills it
# WhiteNoise serves static files in every environment. In development it also serves them
# straight from the apps (no collectstatic needed, so no STATIC_ROOT either); in production
# `collectstatic` must run before the server starts: hashed names, compressed, cached forever.
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if WHITENOISE_USE_FINDERS:  # STATIC_ROOT is optional then; don't warn on every start
    warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)
# pyHanko imports cryptography's DSA key type only to recognise such keys (the register signs with
# RSA); cryptography 51 deprecates DSA, and the warning on import broke the one-JSON-object-a-line
# server log
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")

VAR_DIR = env.get(env.VAR_DIR)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 15 * 60  # short idle timeout for portals holding personal data
# Sessions are written only when they change; SessionRefreshMiddleware marks a session changed at
# most once a SESSION_REFRESH_INTERVAL (seconds) so that the idle timeout above keeps sliding.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_INTERVAL = 60
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A delivery of 10 000 records (the documented maximum) is ~4-6 MB of JSON; larger bodies get 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Secure by default: every endpoint needs an authenticated API client unless it says otherwise.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "diplomaregister.organisations.auth.BearerTokenAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "diplomaregister.core.api.IdCursorPagination",
    "EXCEPTION_HANDLER": "diplomaregister.core.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Per API client and, for requests without a valid token, per client address: 429 with
    # Retry-After beyond API_RATE_CLIENT / API_RATE_ANON (counted in the shared cache).
    "DEFAULT_THROTTLE_CLASSES": [
        "diplomaregister.core.throttles.ClientRateThrottle",
        "diplomaregister.core.throttles.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.get(env.API_RATE_ANON),
        "client": env.get(env.API_RATE_CLIENT),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Diplomaregister API",
    "DESCRIPTION": "Levering and verstrekking of the register of diplomas "
    "(Besluit register onderwijsdeelnemers).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVERS": [{"url": "https://diplomaregister.example/api/v1", "description": "Production"}],
    "CONTACT": {
        "name": "Diplomaregister maintainers",
        "url": "https://diplomaregister.example/contact",
        "email": "diplomaregister@example.org",
    },
    "LICENSE": {"name": "EUPL-1.2"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "diplomaregister.core.openapi.postprocess",
    ],
}

# One line per record on stderr, JSON in production (core/logging.py): trace id, no query
# strings, no bodies, tracebacks as frames without the exception message.
LOG_FORMAT = env.get(env.LOG_FORMAT) or ("json" if PRODUCTION else "text")
LOGGING = logging_config(LOG_FORMAT, env.get(env.LOG_LEVEL))
METRICS_TOKEN = env.get(env.METRICS_TOKEN)
TRUSTED_PROXIES = env.get(env.TRUSTED_PROXIES)

# Signed extracts (extracts app); see conf/env.py for the meaning of each.
EXTRACT_SIGNING_PKCS12 = env.get(env.EXTRACT_SIGNING_PKCS12)
EXTRACT_SIGNING_PKCS12_PASSWORD = env.get(env.EXTRACT_SIGNING_PKCS12_PASSWORD)
EXTRACT_SIGNING_PKCS11_MODULE = env.get(env.EXTRACT_SIGNING_PKCS11_MODULE)
EXTRACT_SIGNING_PKCS11_TOKEN_LABEL = env.get(env.EXTRACT_SIGNING_PKCS11_TOKEN_LABEL)
EXTRACT_SIGNING_PKCS11_PIN = env.get(env.EXTRACT_SIGNING_PKCS11_PIN)
EXTRACT_SIGNING_PKCS11_KEY_LABEL = env.get(env.EXTRACT_SIGNING_PKCS11_KEY_LABEL)
EXTRACT_TRUST_ROOT = env.get(env.EXTRACT_TRUST_ROOT)
EXTRACT_CODE_KEY = env.get(env.EXTRACT_CODE_KEY)
EXTRACT_PUBLIC_URL = env.get(env.EXTRACT_PUBLIC_URL)
EXTRACT_VERIFY_RATE = env.get(env.EXTRACT_VERIFY_RATE)

# Disclosure (verstrekking) and its log (logboek); see conf/env.py.
DISCLOSURE_KEY = env.get(env.DISCLOSURE_KEY)

# DigiD login of holders (django-digid-eherkenning); the mock locally, SAML in production.
DIGID_MOCK = env.get_bool(env.DIGID_MOCK) and not PRODUCTION
INSTALLED_APPS += ["solo", "privates", "simple_certmanager", "digid_eherkenning"]
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]  # 2FA of institution staff
AUTHENTICATION_BACKENDS = [
    # operators (admin) and institution staff: ModelBackend with a failed-login lockout
    "diplomaregister.core.lockout.LockoutModelBackend",
    "diplomaregister.portal_holder.auth."
    + ("DigiDMockHolderBackend" if DIGID_MOCK else "DigiDHolderBackend"),
]
PRIVATE_MEDIA_ROOT = f"{VAR_DIR}/private-media"
PRIVATE_MEDIA_URL = "/private-media/"
DIGID_MOCK_APP_TITLE = "Diplomaregister"
DIGID_MOCK_RETURN_URL = "/mijn/"
DIGID_MOCK_CANCEL_URL = "/"
DIGID_MOCK_IDP_VALIDATE_CALLBACK_URLS = True
LOGIN_URL = "/digid/login/"
SHARE_LINK_RATE = env.get(env.SHARE_LINK_RATE)
DIPLOMA_SCENARIO = env.get(env.DIPLOMA_SCENARIO)  # law/scenarios.yaml

# Guards (see conf/env.py): API throttling and tokens, the staff login lockout, the cache they
# count in, and the Content-Security-Policy.
API_RATE_CLIENT = env.get(env.API_RATE_CLIENT)
API_RATE_ANON = env.get(env.API_RATE_ANON)
API_TOKEN_LIFETIME = timedelta(days=float(env.get(env.API_TOKEN_LIFETIME_DAYS)))
API_TOKEN_ROTATION_OVERLAP = timedelta(hours=float(env.get(env.API_TOKEN_ROTATION_OVERLAP_HOURS)))
API_TOKEN_CACHE_SECONDS = float(env.get(env.API_TOKEN_CACHE_SECONDS))
LOGIN_LOCKOUT_FAILURES = int(env.get(env.LOGIN_LOCKOUT_FAILURES))
LOGIN_LOCKOUT_SECONDS = int(float(env.get(env.LOGIN_LOCKOUT_MINUTES)) * 60)
# One cache shared by every worker process (rate limits, lockouts, DigiD SAML request state): a
# table in the database, created by `migrate` (core.cache.create_cache_table on post_migrate).
CACHES = {
    "default": {
        "BACKEND": "diplomaregister.core.cache.SharedDatabaseCache",
        "LOCATION": "diplomaregister_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *env.get(env.CSP_FORM_ACTION).split()],
    }
}

# Notices (notices/): tasks through django-tasks, e-mail through Django's mail backend (the
# console in development). `diplomaregister notices_worker` enqueues them every 30 seconds.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = "Diplomaregister <noreply@diplomaregister.example>"
