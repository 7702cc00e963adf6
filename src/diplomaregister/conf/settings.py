"""Django settings: every value comes from an environment variable declared in ``env.py``."""

from __future__ import annotations

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from diplomaregister.conf import env

BASE_DIR = env.BASE_DIR
PRODUCTION = env.get(env.ENVIRONMENT) == "production"

SECRET_KEY = env.get(env.SECRET_KEY)
if PRODUCTION and env.SECRET_KEY.default == SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
DEBUG = env.get_bool(env.DEBUG) and not PRODUCTION
ALLOWED_HOSTS = env.get_list(env.ALLOWED_HOSTS)

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "diplomaregister.api",
    "diplomaregister.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "diplomaregister.core.api.ApiVersionMiddleware",
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

DATABASES = {"default": dj_database_url.parse(env.get(env.DATABASE_URL), conn_max_age=60)}
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
STATIC_ROOT = BASE_DIR / "var" / "static"
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic (make run)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

VAR_DIR = env.get(env.VAR_DIR)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 15 * 60  # short idle timeout for portals holding personal data
SESSION_SAVE_EVERY_REQUEST = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

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
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute", "client": "6000/minute"},
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "diplomaregister": {"handlers": ["console"], "level": env.get(env.LOG_LEVEL)},
    },
}

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
    "django.contrib.auth.backends.ModelBackend",  # operators (admin)
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
