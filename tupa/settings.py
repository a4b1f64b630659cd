"""Tupa settings, read from the environment (see .env.example and CONTRACT.md)."""

import os
from pathlib import Path

import environ
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from tupa.oidc import providers_from_env

from .env import env_bool, env_float, env_int

BASE_DIR = Path(__file__).resolve().parent.parent

# Strings, lists and URLs through django-environ; booleans and numbers through tupa/env.py,
# which refuses a value it cannot read instead of taking it as false.
env = environ.Env()

DEBUG = env_bool("DEBUG", default=False)

# A random key per process is fine for a developer's `make run` and for one-off
# management commands (API tokens are not signed with it). Serving requests without
# DEBUG demands a real one: tupa/wsgi.py refuses to start, because sessions and CSRF
# tokens would break across app servers and restarts.
SECRET_KEY = env.str("SECRET_KEY", default="") or get_random_secret_key()
SECRET_KEY_FROM_ENV = bool(env.str("SECRET_KEY", default=""))

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The service's name in page titles and e-mails (allauth's greeting "Hello from ...!" too).
SITE_NAME = env.str("SITE_NAME", default="Tupa")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    # Installed always, so the schema is the same everywhere; used only when OIDC_* is set.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "csp",
    "audit",
    "venues",
    "associations",
    "booking",
    "desk",
    "stats",
    "reach",
    "operations",
    "tupa",
    "django_tasks",
    "django_tasks_db",
    "seasons",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise and the outage answer: their responses (a static file's 304 keeps only
    # a few headers) still carry the framing rule, as every response must (CONTRACT.md).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tupa.unavailable.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the middlewares below, so it compresses their final body; feeds and API only.
    "tupa.compression.FeedAndApiGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "tupa.urls"

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
                "tupa.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "tupa.wsgi.application"

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so the booking service's
    # check-then-insert cannot interleave with another writer's.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that vanishes without a word (no RST) must cost seconds, not the OS's
    # minutes: connecting gives up after 5 s, and a connection whose packets go
    # unacknowledged for 10 s is dropped, so the request becomes a 503 (tupa/unavailable.py).
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", default=5, minimum=0))
    _pg_options.setdefault("keepalives", 1)
    _pg_options.setdefault("keepalives_idle", 30)
    _pg_options.setdefault("keepalives_interval", 10)
    _pg_options.setdefault("keepalives_count", 3)
    _pg_options.setdefault("tcp_user_timeout", 10_000)
# Persistent connections on SQLite too: every feed request reads the calendar version
# (booking/changes.py), and opening a SQLite connection per request cost more than the
# cached feed itself (bench/calendar.py).
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("CONN_MAX_AGE", default=60, minimum=0))

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The cache holds only what can be rebuilt: Redis down or slow is a miss, not a 500.
    CACHES["default"]["BACKEND"] = "tupa.cache.FailSoftRedisCache"
# Counters that must hold across all app servers (sign-in limits, API write throttling)
# live in the database: it is shared by every server already, and the requests they guard
# (sign-ins, writes) need the database anyway, so this store adds no way to fail.
CACHES["ratelimit"] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "tupa_ratelimit_cache",
    # Counters culled when the table is full are limits lost: a large table, culled by a tenth.
    "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 10},
}

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tupa <tupa@localhost>")
# A mail server that hangs must not hold a worker (or, with immediate tasks, a request) for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10, minimum=0)

# E-mail goes through a task queue (tupa/mail.py). Production: the database queue, sent by
# the Procfile's worker (`manage.py worker`), retried with backoff when the mail server
# refuses. `make run` (DEBUG) sends on the spot, so a developer needs no worker.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "dummy": "django_tasks.backends.dummy.DummyBackend",
        }[TASKS_BACKEND]
    }
}
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", default=12, minimum=0)
EMAIL_RETRY_BASE_SECONDS = env_float("EMAIL_RETRY_BASE_SECONDS", default=10, minimum=0)
EMAIL_RETRY_MAX_SECONDS = env_float("EMAIL_RETRY_MAX_SECONDS", default=600, minimum=0)
# A task "running" this long was abandoned (worker killed, database lost mid-task): run again.
TASKS_ABANDONED_SECONDS = env_int("TASKS_ABANDONED_SECONDS", default=300, minimum=0)

# The season solver's time limit: CONTRACT.md wants an allocation within 60 s.
SEASON_SOLVER_SECONDS = env_float("SEASON_SOLVER_SECONDS", default=50.0, minimum=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts: sign in with username or e-mail, verify the e-mail before the first login.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
}
# Mails queued, in the recipient's language, naming SITE_NAME and linking to SITE_URL.
ACCOUNT_ADAPTER = "tupa.accounts.AccountAdapter"
# Behind a load balancer, the client's address is in X-Forwarded-For: say how many proxies to trust,
# or every sign-in would share the balancer's address and its limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0, minimum=0)
# Staff sign-in with the municipality's own accounts (tupa/oidc.py): off unless OIDC_ISSUER
# and OIDC_CLIENT_ID are set. A first sign-in creates an account; coordinator rights are
# still given by an admin, never by the identity provider.
SOCIALACCOUNT_PROVIDERS = providers_from_env(os.environ)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an e-mail claim never takes over an existing account
SOCIALACCOUNT_ONLY = False
LOGIN_REDIRECT_URL = "/my/"
LOGIN_URL = "/accounts/login/"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Helsinki")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed names once `collectstatic` has run (the Procfile's web line); plain
# names before that, so tests and a first run need no build step. The choice cannot wait for
# the manifest to exist: collectstatic itself must run with the manifest storage to write it.
_MANIFEST = STATIC_ROOT / "staticfiles.json"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "tupa.staticfiles.ManifestOnceCollectedStorage"
    },
}
# Without collectstatic, whitenoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = not _MANIFEST.exists()


def _static_file_headers(headers, path, url):
    # WhiteNoise answers /static/ before the security middleware runs, so static files (an SVG
    # can carry script) would otherwise go out without the pages' framing rule.
    headers["X-Frame-Options"] = "DENY"


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "tupa.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "tupa.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Writes per token, counted in the database (tupa/ratelimits.py says why).
    "DEFAULT_THROTTLE_CLASSES": ["tupa.ratelimits.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"write": env.str("API_WRITE_RATE", default="1000/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tupa API",
    "DESCRIPTION": "Bookings, calendar and usage statistics of a shared wellbeing house.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tupa.api.document_common_errors",
    ],
}

# Security headers on by default; the HTTPS-only ones when not developing.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Event images are links to pictures published elsewhere (booking.models.Booking.image_url).
        "img-src": ["'self'", "data:", "https:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if not DEBUG:
    # TLS usually ends at the load balancer, which redirects; set true to redirect here.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
