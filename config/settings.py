"""Binôme settings: one file, every value from the environment.

Development defaults are safe and need nothing (DEBUG on, SQLite, console email).
Production sets the variables listed in `.env.example`; bad values stop the start-up
with a message naming the variable, rather than running half-configured.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` is convenient in development; real deployments pass variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A boolean that refuses typos: `DEBUG=ture` must not silently mean False."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Demo mode: seeded demo accounts exist and the login page lists them.
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_htmx",
    "django_tasks_db",
    "binome.lib",
    "binome.reference",
    "binome.audit",
    "binome.accounts",
    "binome.territories",
    "binome.organisations",
    "binome.people",
    "binome.sourcing",
    "binome.cohorts",
    "binome.pairing",
    "binome.meetings",
    "binome.surveys",
    "binome.impact",
    "binome.sponsorship",
    "binome.events",
    "binome.privacy",
    "binome.operations",
    "binome.portals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "binome.lib.middleware.RejectNulCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "binome.accounts.middleware.IdleTimeoutMiddleware",
    "binome.accounts.middleware.RequireMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "binome.lib.middleware.NoStoreForSignedInMiddleware",
    # Last, so that it sees the lockout flag set while the sign-in view ran.
    "axes.middleware.AxesMiddleware",
]

# Widgets render with the project templates too (the reference pickers have their own).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if not DEBUG:
    # Production serves its collected static files itself; development uses runserver's.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# No "loaders" below on purpose: Django then wraps them in its cached loader, so each template is
# parsed once per process, in production as in development (where an edited file is reloaded);
# binome/lib/tests/test_production_process.py holds it.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "binome.portals.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_default_db = f"sqlite:///{BASE_DIR / 'var' / 'binome.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", _default_db)
_scheme = urlsplit(DATABASE_URL).scheme
if _scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {_scheme!r} is not supported: use sqlite:///path or postgres://user@host/db."
    )
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while the worker writes; IMMEDIATE avoids
    # "database is locked" on write transactions that start as reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    # A reused connection is checked at the start of each request that touches the database, so a
    # database restart costs no failed request: one round trip of the four a signed-in request makes
    # before its page runs (session, user, roles; `python -m bench.web.middleware`). 0 saves it.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the per-client counters (allauth's sign-in and code limits, the enrolment form's):
# it must be shared by every web process. Redis when REDIS_URL is set; otherwise a table in the
# database (created by the accounts migrations, so `make run`, `make test` and every test database
# have it).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_TABLE = "binome_cache"
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    if urlsplit(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured("REDIS_URL must look like redis://host:6379/0 (or rediss://, unix://).")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Counters must not be culled early (300 entries by default): one per client and window.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt on a locked-out account before a password is checked.
    "binome.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
if ACCOUNT_EMAIL_VERIFICATION not in {"none", "optional", "mandatory"}:
    raise ImproperlyConfigured("ACCOUNT_EMAIL_VERIFICATION must be none, optional or mandatory.")
# People join through invitations and referrals, never by open sign-up.
ACCOUNT_ADAPTER = "binome.accounts.adapters.AccountAdapter"
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Never email an address that has no account: the reset form must not become a way to spam people.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Signed out after this many seconds without a request: staff (national admins, coordinators), and
# company contacts, partner referrers and funder viewers (their organisation's data; longer, as a
# referral form takes a while to fill in). Mentors and mentees keep SESSION_COOKIE_AGE.
STAFF_IDLE_TIMEOUT = env_int("STAFF_IDLE_TIMEOUT", 30 * 60)
ORGANISATION_IDLE_TIMEOUT = env_int("ORGANISATION_IDLE_TIMEOUT", 60 * 60)

# Second factor (allauth.mfa): required for every role but mentors and mentees
# (binome.accounts.middleware.RequireMFAMiddleware). WebAuthn is left out: its pages need inline scripts.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Binôme"
MFA_ADAPTER = "binome.accounts.adapters.MFAAdapter"  # secrets encrypted at rest
# Demo accounts (this email domain) skip the second factor, and only while DEMO_MODE is on.
DEMO_EMAIL_DOMAIN = "demo.binome.fr"

# Lockout (django-axes): AXES_FAILURE_LIMIT failed sign-ins on one account (from anywhere), or
# AXES_ADDRESS_FAILURE_LIMIT from one client address (password spraying), lock it for
# AXES_COOLOFF_MINUTES (binome.accounts.backends.LockoutHandler). The address is the client's,
# behind TRUSTED_PROXY_COUNT proxies (binome.accounts.clients.client_address).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
if AXES_FAILURE_LIMIT < 1 or AXES_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_ADDRESS_FAILURE_LIMIT must be at least AXES_FAILURE_LIMIT (itself at least 1).")
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "binome.accounts.backends.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "binome.accounts.clients.axes_client_address"
AXES_USERNAME_CALLABLE = "binome.accounts.backends.attempted_email"
AXES_RESET_ON_SUCCESS = True  # the account's own failures only (LockoutHandler.reset_user_attempts)
AXES_LOCKOUT_CALLABLE = "binome.accounts.backends.lockout_response"
AXES_VERBOSE = False
# allauth's own limits stay on, counted in the shared cache: failed sign-ins and wrong second-factor
# codes (the same counter, per email or per account, and per address). They are set to axes'
# thresholds and cool-off, so axes answers first on passwords and allauth is what limits codes; either
# way the person gets the same lockout page (AccountAdapter.validation_error).
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"{AXES_ADDRESS_FAILURE_LIMIT}/{AXES_COOLOFF_MINUTES}m/ip,{AXES_FAILURE_LIMIT}/{AXES_COOLOFF_MINUTES}m/key"
    ),
}
# Unlock by hand with `manage.py axes_reset_username EMAIL`; the cool-off also lifts it.
AXES_ENABLE_ADMIN = False

# --- Email ---------------------------------------------------------------------------
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    # Development prints emails in the worker's console; production sends them by SMTP.
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
_email_use_tls = env_bool("EMAIL_USE_TLS", False)
_email_use_ssl = env_bool("EMAIL_USE_SSL", False)
if _email_use_tls and _email_use_ssl:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive.")
_smtp_options = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 25),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": _email_use_tls,
    "use_ssl": _email_use_ssl,
    "timeout": env_int("EMAIL_TIMEOUT", 20),
}
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        # Only the SMTP backend takes connection options; the others reject unknown ones.
        "OPTIONS": _smtp_options if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Binôme <no-reply@binome.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Uploaded referral spreadsheets wait here between preview and confirmation (deleted after a day).
# One server assumed; on several, point it at shared storage.
IMPORT_PENDING_DIR = Path(os.environ.get("IMPORT_PENDING_DIR", str(BASE_DIR / "var" / "imports")))
# Uploaded files (teaching material). Never served as public /media/: a view checks who may read each file.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Absolute address of the site, for links in emails sent by the worker (which has no request).
# Unset, it follows the address `make run` serves on (HOST, PORT: the Makefile exports SERVED_AT).
SITE_URL = (os.environ.get("SITE_URL") or os.environ.get("SERVED_AT") or "http://127.0.0.1:8000").rstrip("/")

# --- Background work ------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English")), ("ar", _("Arabic"))]
# Arabic is offered on the pages refugees use; staff and company pages stay fr/en.
MENTEE_LANGUAGES = ["fr", "en", "ar"]
STAFF_LANGUAGES = ["fr", "en"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security -------------------------------------------------------------------------
# How many proxies we run in front of the application (the TLS proxy: 1). Each appends the address
# it got the request from to X-Forwarded-For; the client's address is read from there, and only
# there (binome.accounts.clients.client_address). 0 (development): the header is ignored. The
# application must not be reachable except through them, or anyone could choose their address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("AXES_PROXY_COUNT", 0 if DEBUG else 1))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# Browser features no page of ours uses are denied to every page and frame (django-permissions-policy).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script or style anywhere (templates are checked by binome/lib/tests/test_headers.py);
# htmx is told not to inject its indicator styles (meta htmx-config in base.html). data: images are
# the authenticator-app QR codes allauth draws.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

if not DEBUG and DEMO_MODE:
    raise ImproperlyConfigured("DEMO_MODE must be off in production (DEBUG=0).")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Request and import limits ---
# Whole site: a request whose Content-Length is larger is answered 413 before anything reads its
# body (binome.lib.middleware.RequestSizeLimitMiddleware). Django's DATA_UPLOAD_MAX_MEMORY_SIZE
# does not count file uploads, which stream to disk; this does. The largest legitimate body is a
# spreadsheet import (IMPORT_MAX_BYTES) or a teaching resource uploaded in the admin.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 25 * 1024 * 1024)
# Spreadsheet imports (binome/sourcing/importing/reading.py), all checked before or while parsing,
# in the worker for the staff page and in the command alike. See docs in the README's
# "Security and reliability" section.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)  # the uploaded file
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)  # every row, header and blank rows included
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 600_000)  # every cell read, empty ones included
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100)  # the rightmost column holding a value
IMPORT_MAX_UNZIPPED_BYTES = env_int("IMPORT_MAX_UNZIPPED_BYTES", 60 * 1024 * 1024)  # XLSX, as its zip declares
IMPORT_MAX_ZIP_ENTRIES = env_int("IMPORT_MAX_ZIP_ENTRIES", 200)  # XLSX: parts inside the zip
IMPORT_MAX_ZIP_RATIO = env_int("IMPORT_MAX_ZIP_RATIO", 100)  # XLSX: unpacked / packed size of one part
if MAX_REQUEST_BYTES < IMPORT_MAX_BYTES:
    raise ImproperlyConfigured("MAX_REQUEST_BYTES must be at least IMPORT_MAX_BYTES, or imports could never be sent.")
# Before the first middleware that reads a body (the NUL check reads request.POST).
MIDDLEWARE.insert(
    MIDDLEWARE.index("binome.lib.middleware.RejectNulCharactersMiddleware"),
    "binome.lib.middleware.RequestSizeLimitMiddleware",
)
