"""Settings for Viáticos, all driven by the environment (SPEC §7).

A missing or malformed setting stops start-up with ImproperlyConfigured naming the variable.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# ModelAdmin[Project], ModelForm[Project], CharField[str, str]…: generic at run time as for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}.") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: export a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-never-in-production"  # noqa: S105

# Encryption at rest of identity and bank data (viaticos/crypto.py): Fernet keys, newest first
# (older ones only decrypt, until `rotate_encryption_keys` has run), and the HMAC key of the
# document-number lookup hash. Development keys are used only with DEBUG on.
VIATICOS_FIELD_KEYS = env_list("VIATICOS_FIELD_KEYS", "")
VIATICOS_LOOKUP_KEY = os.environ.get("VIATICOS_LOOKUP_KEY", "")
if not (VIATICOS_FIELD_KEYS and VIATICOS_LOOKUP_KEY):
    if not DEBUG:
        raise ImproperlyConfigured(
            "VIATICOS_FIELD_KEYS and VIATICOS_LOOKUP_KEY must be set when DEBUG is off (README, "
            "'Encryption keys')."
        )
    VIATICOS_FIELD_KEYS = VIATICOS_FIELD_KEYS or ["2GDqgBeLPN6yR9ekdvBWbP0YHkw5Cw4KkzYcUdPmfIw="]
    VIATICOS_LOOKUP_KEY = VIATICOS_LOOKUP_KEY or "insecure-development-lookup-key"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names served when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_prometheus",
    "viaticos",
    "missions",
    "settlements",
    "deadlines",
    "books",
    "privacy",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "viaticos.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: an oversize request is answered 413 unread.
    "viaticos.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # SPEC §5.4: idle sessions close; roles that see personal data confirm with TOTP.
    "viaticos.sessions.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "viaticos.sessions.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "viaticos.middleware.SecurityHeadersMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes requires: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "viaticos.urls"
WSGI_APPLICATION = "viaticos.wsgi.application"

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
                "viaticos.context_processors.navigation",
            ],
        },
    },
]

try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is only the embedded development database; wait on locks rather than fail.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # PostgreSQL's covering indexes (Index.include) are skipped here, which is all they need.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The client's address behind the reverse proxies (viaticos/clients.py): how many proxies in
# front of the application append to X-Forwarded-For. 0: the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if os.environ.get("PRIVACY_CLIENT_IP_HEADER"):
    raise ImproperlyConfigured(
        "PRIVACY_CLIENT_IP_HEADER is no longer read (a client could write that header): set "
        "TRUSTED_PROXY_COUNT to the number of reverse proxies in front of the application."
    )
# Login throttling: 5 failures for one user name from one address lock it for 15 minutes
# (django-axes); and VIATICOS_LOGIN_FAILURES_PER_ADDRESS failures from one address, whatever the
# user names tried, pause sign-in from that address for an hour (password spraying).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "viaticos.clients.client_address"
VIATICOS_LOGIN_FAILURES_PER_ADDRESS = env_int("VIATICOS_LOGIN_FAILURES_PER_ADDRESS", 20)
# Password-reset e-mails: per client address and per e-mail address typed, per hour.
VIATICOS_PASSWORD_RESETS_PER_ADDRESS = env_int("VIATICOS_PASSWORD_RESETS_PER_ADDRESS", 5)
VIATICOS_PASSWORD_RESETS_PER_EMAIL = env_int("VIATICOS_PASSWORD_RESETS_PER_EMAIL", 3)

# Staff sessions (viaticos/sessions.py): closed after this many idle minutes, and at most this
# many hours long; the second factor (TOTP) for the roles that see personal data, on by default
# when DEBUG is off (the demo and the tests run without it).
VIATICOS_IDLE_TIMEOUT_MINUTES = env_int("VIATICOS_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("VIATICOS_SESSION_MAX_HOURS", 10) * 3600
VIATICOS_REQUIRE_SECOND_FACTOR = env_bool("VIATICOS_REQUIRE_SECOND_FACTOR", not DEBUG)
OTP_TOTP_ISSUER = "Viáticos"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalization: Spanish first, English second (STYLE.md).
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "templates" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Lima")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone.") from None
FORMAT_MODULE_PATH = ["viaticos.formats"]
USE_I18N = True
USE_TZ = True

# The duty-station country drives the business-day calendar (R-3.3, R-A2).
VIATICOS_DUTY_COUNTRY = os.environ.get("VIATICOS_DUTY_COUNTRY", "PE").upper()
try:
    import holidays as _holidays

    _holidays.country_holidays(VIATICOS_DUTY_COUNTRY)
except NotImplementedError:
    raise ImproperlyConfigured(
        f"VIATICOS_DUTY_COUNTRY {VIATICOS_DUTY_COUNTRY!r} is not a country the holidays "
        "calendar knows (use an ISO 3166-1 alpha-2 code such as PE)."
    ) from None

# Bounds of a mission (missions/rules.py check_trip_bounds): days from departure to return and
# destinations of the itinerary.
VIATICOS_MAX_MISSION_DAYS = env_int("VIATICOS_MAX_MISSION_DAYS", 180)
VIATICOS_MAX_ITINERARY_LEGS = env_int("VIATICOS_MAX_ITINERARY_LEGS", 20)
# an exchange rate older than this many days (before the expense date) is not used.
VIATICOS_FX_MAX_AGE_DAYS = env_int("VIATICOS_FX_MAX_AGE_DAYS", 7)
# the countries whose central bank `fetch_exchange_rates` asks (viaticos.fx_sources has
# one adapter per country: PE = BCRP, GT = Banguat); the duty country by default.
VIATICOS_FX_COUNTRIES = [
    c.upper() for c in env_list("VIATICOS_FX_COUNTRIES", VIATICOS_DUTY_COUNTRY)
]
# Django's cache holds the public ARCO form's rate limits and the dashboard's spend series:
# per-process memory by default; with several gunicorn workers or app servers set CACHE_URL to a
# shared Redis (redis://host:6379/0, rediss:// with TLS) so that a limit counts every request.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if not CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "viaticos",
        }
    }
else:
    raise ImproperlyConfigured(
        "CACHE_URL must be a redis:// or rediss:// address (or empty for per-process memory)."
    )

# Privacy (Ley 29733): the notice banner until it is dismissed (R-P2) and the public form's rate
# limit, as (requests, seconds) per client address (TRUSTED_PROXY_COUNT decides which address).
PRIVACY_CONSENT_PROMPT = env_bool("PRIVACY_CONSENT_PROMPT", True)
# R-T3: where erasures of people are logged, outside the database and its backups, so that
# scripts/restore.sh can replay them (privacy/erasures.py). Keep it on a persistent volume.
PRIVACY_ERASURE_LOG = os.environ.get(
    "PRIVACY_ERASURE_LOG", str(BASE_DIR / "var" / "erasures.jsonl")
)
# R-P4 (a decision of the organization): whether it pays repatriation. Off: no
# dependant (spouse, children) is recorded and no consent is asked for their data.
VIATICOS_PAYS_REPATRIATION = env_bool("VIATICOS_PAYS_REPATRIATION", True)
# R-S4: the Authority's address for incident reports (prefilled; the Oficial may change it).
PRIVACY_AUTHORITY_EMAIL = os.environ.get("PRIVACY_AUTHORITY_EMAIL", "")
PRIVACY_RATE_LIMITS = {
    "file": (env_int("PRIVACY_ARCO_FILE_LIMIT", 5), 3600),
    "lookup": (env_int("PRIVACY_ARCO_LOOKUP_LIMIT", 30), 600),
}

# R-8b (interpretation): business days after the documentation requirement before the
# payroll deduction order is created.
VIATICOS_DEDUCTION_GRACE_BUSINESS_DAYS = env_int("VIATICOS_DEDUCTION_GRACE_BUSINESS_DAYS", 5)
# R-3.1d: a pending approval is reminded to its approvers after this many business days, and
# escalated to the configured alternates after the second number.
VIATICOS_APPROVAL_REMINDER_BUSINESS_DAYS = env_int("VIATICOS_APPROVAL_REMINDER_BUSINESS_DAYS", 2)
VIATICOS_APPROVAL_ESCALATION_BUSINESS_DAYS = env_int(
    "VIATICOS_APPROVAL_ESCALATION_BUSINESS_DAYS", 5
)
# R-4 (interpretation): business days after a suspension or cancellation to return its money.
VIATICOS_R4_RETURN_BUSINESS_DAYS = env_int("VIATICOS_R4_RETURN_BUSINESS_DAYS", 5)
# R-3.11b: how far actual times may stray from the authorized ones without an extension.
VIATICOS_ACTUAL_TIMES_TOLERANCE_HOURS = env_int("VIATICOS_ACTUAL_TIMES_TOLERANCE_HOURS", 24)
# Public address, prefix of the links in e-mails (https://viaticos.example.org); `check --deploy`
# warns when it is missing in production.
VIATICOS_SITE_URL = os.environ.get(
    # In development the links follow the port `make run PORT=…` serves on.
    "VIATICOS_SITE_URL",
    f"http://127.0.0.1:{os.environ.get('PORT', '8000')}" if DEBUG else "",
).rstrip("/")

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded documents live outside the static root and are only served through access checks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploads, stamped copies and built PDFs: the local MEDIA_ROOT by default, or any S3-compatible
# store when AWS_STORAGE_BUCKET_NAME is set (several app servers and workers share it). Files are
# private (no ACL, no public or presigned links): every download goes through the access-checked
# views, which log the reads of personal data (R-S3).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES: dict[str, dict[str, Any]] = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Bounds on uploads (viaticos/uploads.py): bytes per file, pixels per image (a 12000×12000 PNG
# of 17 KB decodes to 430 MB), pages per PDF (each page is stamped, R-3.7), and bytes per request
# (refused with 413 before the body is read; default: three files of the maximum size plus 1 MB).
VIATICOS_MAX_UPLOAD_BYTES = env_int("VIATICOS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
VIATICOS_MAX_IMAGE_PIXELS = env_int("VIATICOS_MAX_IMAGE_PIXELS", 40_000_000)
VIATICOS_MAX_PDF_PAGES = env_int("VIATICOS_MAX_PDF_PAGES", 100)
VIATICOS_MAX_REQUEST_BYTES = env_int(
    "VIATICOS_MAX_REQUEST_BYTES", 3 * VIATICOS_MAX_UPLOAD_BYTES + 1024 * 1024
)
# apply_retention deletes stored files no row references once they are this old.
VIATICOS_ORPHAN_GRACE_HOURS = env_int("VIATICOS_ORPHAN_GRACE_HOURS", 24)
FILE_UPLOAD_HANDLERS = [
    "viaticos.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = 10

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    # Development: one .eml file per message under var/mail/ and a one-line summary.
    "viaticos.mail.FolderEmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "viaticos@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that an unauthenticated API call answers 401 with WWW-Authenticate.
        # Hashed, expiring tokens (viaticos/tokens.py); the header stays `Token <key>`.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "viaticos.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    # Lists take the filters of their pages (issue 20): a view names its `filterset_class`.
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
}
# Personal API tokens: days of validity (viaticos/tokens.py).
VIATICOS_API_TOKEN_DAYS = env_int("VIATICOS_API_TOKEN_DAYS", 90)
REST_KNOX = {"AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False, "TOKEN_LIMIT_PER_USER": None}

SPECTACULAR_SETTINGS = {
    "TITLE": "Viáticos API",
    "DESCRIPTION": "Travel expenses, settlements and personal-data rights (Ley 29733).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "viaticos.api.postprocess_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "MissionStatusEnum": "missions.models.Mission.Status",
        "AdvanceStatusEnum": "missions.models.Advance.Status",
        "MissionKindEnum": "missions.models.Mission.Kind",
        "QuoteStatusEnum": "missions.models.Quote.Status",
        "SettlementStatusEnum": "settlements.models.Settlement.Status",
        "DocumentKindEnum": "settlements.models.Document.Kind",
        "ArcoRequestStatusEnum": "privacy.models.ArcoRequest.Status",
        "SanctionKindEnum": "deadlines.models.Sanction.Kind",
        "SanctionStateEnum": "deadlines.models.Sanction.State",
        "ReturnRecordKindEnum": "settlements.models.ReturnRecord.Kind",
        "LedgerStateEnum": "settlements.ledger.State",
    },
}

# Security: safe defaults, strict when DEBUG is off (manage.py check --deploy is clean).
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs: one JSON object per line (LOG_FORMAT=json, the default when DEBUG is off) or plain text,
# each with the request id (X-Request-ID) of the request or task that wrote it.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "viaticos.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Background work (SPEC §7). Unset: tasks run in-process after commit (the demo needs no
# broker). redis://host:6379/1 (default choice) or amqp://user:pass@host:5672// (RabbitMQ).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(
    ("redis://", "rediss://", "amqp://", "amqps://", "memory://")
):
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must be a redis://, rediss://, amqp:// or amqps:// address "
        "(or empty to run background work in-process)."
    )
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it ends: a worker killed mid-task leaves it to another worker
# (every task is idempotent). One task at a time per worker process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that is down must not hold the request that saved the change: publish once, fail
# fast; the outbox and the periodic sweep keep the work.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis: a task taken by a worker that died (killed, machine lost) is delivered again to another
# worker after CELERY_VISIBILITY_TIMEOUT seconds (RabbitMQ does so at once, when the
# connection drops). Longer than the longest task; beat's resume-stamping sweep is quicker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "deliver-outbox": {"task": "viaticos.deliver_outbox_due", "schedule": 60.0},
    # Stamping runs whose task never reached a worker (broker down when received).
    "resume-stamping": {"task": "settlements.resume_stamping", "schedule": 300.0},
    # Duty-station mornings, as the cron lines in the README.
    "enforce-deadlines": {
        "task": "viaticos.run_daily_job",
        "schedule": crontab(hour=6, minute=15, day_of_week="1-5"),
        "args": ["enforce_deadlines"],
    },
    # R-S4: incident alerts at 24 hours and before the 48 run out.
    "incident-alerts": {
        "task": "viaticos.run_daily_job",
        "schedule": crontab(minute=5),
        "args": ["incident_alerts"],
    },
    "apply-retention": {
        "task": "viaticos.run_daily_job",
        "schedule": crontab(hour=6, minute=30),
        "args": ["apply_retention"],
    },
    # The central banks publish the day's rates in the afternoon (README, Exchange rates).
    "fetch-exchange-rates": {
        "task": "viaticos.run_daily_job",
        "schedule": crontab(hour=19, minute=0),
        "args": ["fetch_exchange_rates"],
    },
}

# Prometheus metrics at /metrics: only from these addresses (networks allowed) or with
# "Authorization: Bearer <METRICS_TOKEN>". Under gunicorn set PROMETHEUS_MULTIPROC_DIR to an
# empty directory so that every worker's figures are counted.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
PROMETHEUS_EXPORT_MIGRATIONS = False

# The outbox (viaticos.outbox): attempts before a message is undeliverable (1, 2, 4… minutes
# apart) and how long sent messages are kept.
VIATICOS_OUTBOX_MAX_ATTEMPTS = env_int("VIATICOS_OUTBOX_MAX_ATTEMPTS", 8)
VIATICOS_OUTBOX_BACKOFF_SECONDS = env_int("VIATICOS_OUTBOX_BACKOFF_SECONDS", 60)
VIATICOS_OUTBOX_KEEP_DAYS = env_int("VIATICOS_OUTBOX_KEEP_DAYS", 30)
