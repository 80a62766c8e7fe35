"""What every mode shares; each environment variable is read once, here or in the mode's module
(production.py or development.py, chosen by DEBUG in __init__.py). Every variable is listed in
docs/configuration.md and .env.example."""

from datetime import timedelta
from pathlib import Path

import environ
import structlog

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# The demo login (see load_shipped_data) exists only when this is on; production refuses it.
DEMO_MODE = env.bool("TRACKER_DEMO", default=False)
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
# Behind a TLS-terminating proxy you control (docs/operations.md): trust its X-Forwarded-* headers.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "tracker.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_tables2",
    "django_filters",
    "django_celery_beat",
    "django.contrib.sitemaps",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body: a declared body over REQUEST_BODY_MAX_BYTES is a 413 unread.
    "commitments.ops.request_limits.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the conditional-request middleware, so a 304 still gets these headers.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers 304s before sessions, CSRF and users are looked at; says what a shared cache may keep.
    "commitments.public.cache.ConditionalRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Admin hardening. Failed logins are throttled and locked out per username and address
# (django-axes); in production staff need a second factor (TOTP, django-otp). The admin's address
# is configurable.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=6)  # the sixth wrong password locks
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
if BEHIND_TLS_PROXY:
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
OTP_TOTP_ISSUER = "IPP Action Plan tracker"

# No inline script or style anywhere on the public site. The admin ships inline scripts of its own,
# so it is left out; it is for logged-in editors only.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/" + ADMIN_URL],
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
        "form-action": ["'self'"],
    },
}

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commitments.public.addresses.page_address",
                "commitments.public.site_wide.freshness",
            ],
        },
    },
]

# Empty or unset: the SQLite file of the embedded default (`make run`).
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Keep connections for a minute (checked before reuse) instead of opening one per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# An English-only site: without the translation machinery, every date, number and {% url %} skips
# a per-call lookup of the active language (the same text and formats, en-GB's, either way).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production's is whitenoise's manifest, which needs `collectstatic` first (docker/ does it).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Redis and Celery. No broker configured: run tasks in-process, as the demo does.
# An empty variable counts as unset, so `make run` can switch them off whatever the shell exports.
# The in-process broker is named with a host so kombu does not warn that none was supplied.
_IN_PROCESS = "memory://localhost/"
REDIS_URL = env.str("REDIS_URL", default="")
# The cache's own Redis. Redis evicts per instance, not per database, so the cache's instance may
# evict (allkeys-lru under a memory limit) while the broker's must not (noeviction): two instances
# (docker/compose.yaml). Unset, the cache shares REDIS_URL, as on a laptop and in the test suite.
CACHE_REDIS_URL = env.str("CACHE_REDIS_URL", default="") or REDIS_URL
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or _IN_PROCESS
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or REDIS_URL or None
# Every key the cache, the broker and the result store write starts with "<prefix>:" (empty: no
# prefix). The test suite sets its own, so it deletes exactly its keys from a Redis it was given.
REDIS_KEY_PREFIX = env.str("REDIS_KEY_PREFIX", default="")
_REDIS_KEY_OPTIONS = {"global_keyprefix": f"{REDIS_KEY_PREFIX}:"} if REDIS_KEY_PREFIX else {}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = _REDIS_KEY_OPTIONS
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == _IN_PROCESS)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One task at a time per worker process, acknowledged after it ran where the task is idempotent
# (the re-checks); Redis re-delivers an unacknowledged task only after the visibility timeout,
# which must outlast the longest task.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT, **_REDIS_KEY_OPTIONS}
# Schedules live in the database (django-celery-beat), installed by a data migration and
# editable in the admin under "Periodic tasks".
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Seconds a shared cache (the nginx in front, docker/nginx/) may serve a public page before it asks
# Django again, in the background; a changed page reaches readers within about this long
# (commitments/public/cache.py, docs/operations.md).
PUBLIC_PAGE_FRESH_SECONDS = env.int("PUBLIC_PAGE_FRESH_SECONDS", default=10)
# Whole exports (the dataset zip, the unfiltered CSVs), built once per data version by the worker.
EXPORTS_DIR = env.path("EXPORTS_DIR", default=BASE_DIR / "var" / "exports")
# Filtered CSV exports are built per request, so each client may ask for only so many.
EXPORT_THROTTLE_RATE = env.str("EXPORT_THROTTLE_RATE", default="12/min")
# A build is queued this long after the write that asks for it, so a burst of writes settles first.
EXPORT_BUILD_DELAY_SECONDS = env.int("EXPORT_BUILD_DELAY_SECONDS", default=10)

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": f"{REDIS_KEY_PREFIX}:cache" if REDIS_KEY_PREFIX else "",
        }
        if CACHE_REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Parliament's Written Questions API. Tests and the demo point it at the project's recorded-API
# server (python manage.py fake_parliament_api).
PARLIAMENT_API_URL = env.str("PARLIAMENT_API_URL", default="https://questions-statements-api.parliament.uk")
# Hansard's API is a service of its own (contribution search); the timeouts and retries are shared.
HANSARD_API_URL = env.str("HANSARD_API_URL", default="https://hansard-api.parliament.uk")
# GOV.UK's Content API (GET /api/content/<base_path>): the publications watched, each a page's
# path. The defaults are the IPP pages whose address our research data names; the action plan and
# annual report pages are added once their addresses are confirmed (docs/rechecking-parliament.md).
GOVUK_CONTENT_API_URL = env.str("GOVUK_CONTENT_API_URL", default="https://www.gov.uk")
GOVUK_WATCHED_PATHS = env.list(
    "GOVUK_WATCHED_PATHS",
    default=[
        "/government/publications/imprisonment-for-public-protection-ipp",
        "/government/publications/imprisonment-for-public-protection-ipp-guidance",
        "/government/collections/offender-management-statistics-quarterly",
    ],
)
PARLIAMENT_API_TIMEOUT = env.float("PARLIAMENT_API_TIMEOUT", default=20.0)
PARLIAMENT_API_MAX_TRIES = env.int("PARLIAMENT_API_MAX_TRIES", default=5)
PARLIAMENT_API_BACKOFF = env.float("PARLIAMENT_API_BACKOFF", default=1.0)
PARLIAMENT_API_PAGE_SIZE = env.int("PARLIAMENT_API_PAGE_SIZE", default=100)
# A re-check starts from the last good run's day minus this many days, so answers published
# late or corrected are still caught.
RECHECK_OVERLAP_DAYS = env.int("RECHECK_OVERLAP_DAYS", default=7)
# Where a first (or --full) re-check starts: the IPP Action Plan was first introduced in 2016.
RECHECK_EPOCH = env.str("RECHECK_EPOCH", default="2016-01-01")
# One re-check at a time (commitments/ops/locks.py); only tracker/settings/test.py can turn it off.
RECHECK_USE_LOCK = True

# Evidence suggestions: the matcher's score an answer needs before an editor is asked to review
# it. Empty means the value tuned on fixtures/answers_dev.jsonl (commitments/analysis/matching.py).
MATCH_THRESHOLD = env.float("MATCH_THRESHOLD", default=None)

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="IPP tracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP connection may stall before a send fails (and is retried) [none: wait].
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=0) or None

# Email digests (commitments/digests/). Links in emails are absolute, on this address.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "https://localhost").rstrip("/")
# A confirmation link works for this many hours.
DIGEST_CONFIRM_HOURS = env.int("DIGEST_CONFIRM_HOURS", default=72)
# Tries per delivery (transient failures) before it is marked failed for the admin.
DIGEST_MAX_ATTEMPTS = env.int("DIGEST_MAX_ATTEMPTS", default=3)
# Seconds before the send task retries deliveries that failed for a passing reason.
DIGEST_RETRY_SECONDS = env.int("DIGEST_RETRY_SECONDS", default=15 * 60)
# Messages sent over one connection between two progress writes: the most a hard crash can repeat.
DIGEST_BATCH_SIZE = env.int("DIGEST_BATCH_SIZE", default=100)
# As-it-happens alerts sent per subscriber per day (London time); past it, the next daily digest.
DIGEST_ALERTS_PER_DAY = env.int("DIGEST_ALERTS_PER_DAY", default=5)
# Subscribe requests allowed per hour per client address and per email address (Django's cache).
SUBSCRIBE_LIMIT_PER_IP = env.int("SUBSCRIBE_LIMIT_PER_IP", default=10)
SUBSCRIBE_LIMIT_PER_ADDRESS = env.int("SUBSCRIBE_LIMIT_PER_ADDRESS", default=3)
# Suggested corrections allowed per hour per client address (commitments/corrections/).
CORRECTIONS_LIMIT_PER_IP = env.int("CORRECTIONS_LIMIT_PER_IP", default=20)
# Site searches (/search/) allowed per minute per client address; past it, a 429 page.
SEARCH_LIMIT_PER_MINUTE = env.int("SEARCH_LIMIT_PER_MINUTE", default=30)
# Milliseconds a search's queries may run on PostgreSQL before they are stopped (a 503 page).
SEARCH_STATEMENT_TIMEOUT_MS = env.int("SEARCH_STATEMENT_TIMEOUT_MS", default=3000)
# Who runs the tracker and the address readers write to, both shown on the about page (and the
# address on the correction form); empty leaves them out, and readers use the correction form.
TRACKER_RUN_BY = env.str("TRACKER_RUN_BY", default="")
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if BEHIND_TLS_PROXY:
    # Only when a proxy you control sets X-Forwarded-Proto; see docs/operations.md.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The largest request body read, in bytes (commitments/ops/request_limits.py): larger is a 413.
# No page takes a file; the largest forms (the admin's) are far smaller.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=2_500_000)
# Form fields Django keeps in memory, and a file part it would keep in memory before spooling to disk:
# both held to the same limit, so no part of a request may be larger than the request may be.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES

LOGIN_URL = "admin:login"
# Where a login goes when its `next` is missing or refused (another site): the admin, the only
# place anyone logs in to; Django's default, /accounts/profile/, does not exist here.
LOGIN_REDIRECT_URL = "admin:index"

# The read-only JSON API: anonymous, JSON only, throttled per client address.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "commitments.opendata.api_policy.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["commitments.opendata.api_policy.PublicThrottle"],
    "DEFAULT_THROTTLE_RATES": {"public": env.str("API_THROTTLE_RATE", default="120/min")},
    "DEFAULT_SCHEMA_CLASS": "commitments.opendata.api_schema.TrackerSchema",
    # Behind our proxy the client is the last X-Forwarded-For hop; otherwise the header is ignored.
    "NUM_PROXIES": 1 if BEHIND_TLS_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IPP Action Plan tracker API",
    "DESCRIPTION": "Read-only data on IPP Action Plan commitments, their status history, the "
    "parliamentary answers that evidence them and the figures published in those answers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"StatusEnum": "commitments.models.Status"},
}

DJANGO_TABLES2_TEMPLATE = "commitments/table.html"

# One line of JSON per event on stdout in production; readable lines in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.processors.JSONRenderer(),
            "foreign_pre_chain": [
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.processors.format_exc_info,
            ],
        },
        "console": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers go to the root handler only (no second copy of each line).
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # One line per HTTP request to Parliament is noise; failures are logged by ingest.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Reverting to an old version would bypass the services that keep status and history in step.
SIMPLE_HISTORY_REVERT_DISABLED = True
