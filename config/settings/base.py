"""Settings shared by every environment, read from the environment (12-factor).

With nothing set, anbao runs on SQLite with Celery eager, so a newcomer needs no other service.
Set DATABASE_URL / REDIS_URL to use PostgreSQL and a real broker.
"""
import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# No key and no DEBUG unless the environment says so: development (config/settings/local.py) and the tests
# (config/settings/test.py) choose theirs explicitly; production (production.py) refuses to start without a key.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Where the public reaches the site: the absolute links printed on documents (the permit's verification QR code).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "axes",
    "csp",
    "accounts",
    "events",
    "approvals",
    "riskassess",
    "notifications",
    "plans",
    "eventday",
    "outbox",
    "siteplan",
]

MIDDLEWARE = [
    # Server-Timing: how long Django took, apart from any queueing before it (config/middleware.py).
    "config.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, except that what a page polls by itself does not extend the idle session (accounts/sessions.py).
    "accounts.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whatever a signed-in user (session or API token) is shown stays out of browser and proxy caches.
    "config.middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A signed-out htmx request: 401 and a hint, not the sign-in page swapped into the form (accounts/sessions.py).
    "accounts.sessions.HtmxSessionExpiredMiddleware",
    # Last, so it sees the outcome of authentication (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite's default deferred transactions fail with "database is locked" when two writers meet. IMMEDIATE
    # takes the write lock at BEGIN and waits for it (timeout), so the loser of a race reaches the revision
    # check and gets the same 409 as on PostgreSQL; WAL lets pages be read while someone writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT off: the planner's cost estimate of a permission-filtered list over 100,000 applications crosses
    # jit_above_cost, and compiling the plan took 1.7 of its 1.9 s (docs/performance.md); these are short OLTP
    # queries that JIT never pays back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Argon2id first (Django's recommendation, argon2-cffi; Django's default parameters: 100 MiB, 2 passes): as strong
# as the PBKDF2 (1,000,000 iterations) it replaces and far cheaper in CPU per sign-in. Hashes made with the others
# still verify and are re-hashed with Argon2 at the next successful sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no anonymous user row; we never grant anything to anonymous.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Login throttling (django-axes): lock a username+IP after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind the TLS proxy every request comes from the proxy's address: the client's is the one the proxy puts in
# X-Forwarded-For. Trust that header only from the number of proxies configured here (0: use REMOTE_ADDR), so a
# lockout is per (username, client address) and never of an account for everyone (config/proxy.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.proxy.client_ip"

# The demo loader creates `admin` with a published password: only where this is true (local and test settings).
DEMO_DATA_ALLOWED = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from npm (package.json) and are served locally: police networks are closed.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet-geoman", NODE_MODULES / "@geoman-io" / "leaflet-geoman-free" / "dist"),
    # The inline document viewer (pdf.js): its modern build, worker, CJK character maps, fonts and decoders.
    *((f"vendor/pdfjs/{part}", NODE_MODULES / "pdfjs-dist" / part)
      for part in ("build", "cmaps", "standard_fonts", "wasm", "iccs")),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# In development whitenoise serves straight from the finders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded documents and generated PDFs: never served by a public URL, only through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-public/"

# Date rules of an event's sessions (events.sessions): how far ahead a start may be, the earliest year accepted.
EVENT_START_HORIZON_DAYS = int(os.environ.get("EVENT_START_HORIZON_DAYS", "730"))
EVENT_EARLIEST_YEAR = 2000

# Upload rules for application documents.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
DOCUMENT_ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Tokens with an expiry, stored hashed, revocable (django-rest-knox; `Authorization: Token <key>`).
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Throttling by scope: anonymous callers by address, signed-in users by account, token sign-in on its own
    # (config/throttling.py); a view picks a scope of its own with `throttle_scope`.
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonymousRateThrottle",
        "config.throttling.SignedInUserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": "60/minute",
        "user": "600/minute",
        "token": "10/minute",
        # Per gate-counter token (eventday.authentication): one report every few seconds with retries fits;
        # a flood from a leaked token does not.
        "gate_device": os.environ.get("GATE_DEVICE_THROTTLE_RATE", "240/minute"),
        # The public decision verification page (approvals/verification.py), by client address: a guard at
        # the gate scanning permits fits easily; walking the space of short codes does not.
        "verification": os.environ.get("VERIFICATION_THROTTLE_RATE", "30/minute"),
    },
    # The client address for throttling: from X-Forwarded-For only behind as many proxies as configured.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# API tokens: valid for a working day, then sign in again; revoked by logout, logout-all and a password change.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "10"))),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "anbao API",
    "DESCRIPTION": "安保 — security approval and planning of large public events.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema describes every endpoint: for signed-in users only (the Swagger UI page redirects to sign-in).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind`: name each enum after its model so the schema stays stable.
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "events.models.Event.Kind",
        "VenueExitKindEnum": "events.models.VenueExit.Kind",
        "VenueKindEnum": "events.models.Venue.Kind",
        "OrganisationKindEnum": "events.models.Organisation.Kind",
        "ChecklistItemKindEnum": "approvals.applications.serializers.CHECKLIST_ITEM_KINDS",
    },
}

# Celery: eager (in-process) unless a broker is configured.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = TIME_ZONE
# Plan PDFs hold the whole document in memory: their own queue and workers (`-Q pdf`), recycled often.
CELERY_TASK_ROUTES = {"plans.tasks.*": {"queue": "pdf"}}
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD", "50"))
PLAN_RENDER_SOFT_TIME_LIMIT = 120  # seconds; the hard limit kills the worker child
PLAN_RENDER_TIME_LIMIT = 180
# Above the longest task's hard limit: Redis redelivers unacked tasks after this many seconds.
# A JSON object in the environment may replace it (the worker-kill drill uses a few seconds: bench/pdf_kill.py).
CELERY_BROKER_TRANSPORT_OPTIONS = json.loads(os.environ.get("CELERY_BROKER_TRANSPORT_OPTIONS", "null")) or {
    "visibility_timeout": 3600}
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE: dict = {
    # Deferred-document reminders and automatic suspensions, overdue post-reviews (approvals/workflow/tasks.py).
    "approvals-deadlines-daily": {"task": "approvals.tasks.deadlines_check", "schedule": crontab(hour=6, minute=0)},
    # Overdue acceptance and decision clocks told once to the officer and the supervisors (approvals/clocks).
    "approvals-clocks-overdue-daily": {"task": "approvals.tasks.clocks_overdue_check",
                                       "schedule": crontab(hour=6, minute=10)},
    # The stored next deadlines (the inbox's urgency order) recomputed: a safety net beside the edits' own refresh.
    "approvals-clocks-refresh-daily": {"task": "approvals.tasks.clocks_refresh", "schedule": crontab(hour=5, minute=50)},
    "outbox-relay": {"task": "outbox.relay", "schedule": 60.0},
}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "anbao@police.example.cn")

# Reviewers' sessions end after 30 minutes without activity (refreshed on every request, except the polls of
# views marked passive: accounts/sessions.py).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
# Sessions in the database, refreshed by activity at most once a minute (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "60"))
SESSION_COOKIE_HTTPONLY = True

# Content security policy: no inline script anywhere (JS lives in static files), nothing from other origins.
# Inline style attributes stay allowed (progress-bar widths, Swagger UI).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        # pdf.js parses documents in a worker loaded from our own static files (the inline document viewer).
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
