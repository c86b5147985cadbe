"""Zongzhi settings.

Everything that differs between the embedded default (SQLite, in-process background work,
local files) and production (PostgreSQL, Redis, Celery workers, S3-compatible storage) is read
from environment variables through the small typed helpers below.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("ZONGZHI_DEBUG", False)
# The embedded default is what `make run` starts: a single machine, SQLite, demo data.
EMBEDDED = not env_str("DATABASE_URL")
DATA_DIR = Path(env_str("ZONGZHI_DATA_DIR", str(BASE_DIR / "var")))

_DEV_SECRET = "zongzhi-embedded-development-key-not-for-production-use-0123456789"
SECRET_KEY = env_str("ZONGZHI_SECRET_KEY", _DEV_SECRET if (EMBEDDED or DEBUG) else "")
# The key of personal data at rest (ID numbers and phones: SM4-GCM, found through SM3-HMAC):
# 64 hex digits. Required in production; the embedded default keeps one in DATA_DIR/data.key,
# made on first use. Losing it loses those fields: back it up apart from the database.
DATA_KEY = env_str("ZONGZHI_DATA_KEY")
# The key of the audit log's chain (HMAC-SM3, audit/chain.py): 64 hex digits, kept apart from
# the database and from DATA_KEY. Required in production; the embedded default keeps one in
# DATA_DIR/audit.key, made on first use. Without it the chain cannot be sealed or verified.
AUDIT_KEY = env_str("ZONGZHI_AUDIT_KEY")
if not SECRET_KEY:
    raise RuntimeError("ZONGZHI_SECRET_KEY must be set when DATABASE_URL is set (production).")

ALLOWED_HOSTS = env_list("ZONGZHI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ZONGZHI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "ninja",  # serves Swagger UI from its own static files, not from a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "zongzhi.core",
    "zongzhi.calendar",
    "zongzhi.audit",
    "zongzhi.units",
    "zongzhi.dictionary",
    "zongzhi.cases",
    "zongzhi.notify",
    "zongzhi.registry",  # only its migrations: see its apps.py
    "zongzhi.people",
    "zongzhi.places",
    "zongzhi.transfers",
    "zongzhi.alerts",
    "zongzhi.office",
    "zongzhi.field",
    "zongzhi.stats",
    "zongzhi.assess",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # A body larger than any endpoint takes is refused before anything reads it (413).
    "zongzhi.core.middleware.BodySizeMiddleware",
    # A NUL character in an API request's query or JSON body is refused (400), on every database.
    "zongzhi.core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zongzhi.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zongzhi.urls"
WSGI_APPLICATION = "zongzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if EMBEDDED:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("ZONGZHI_SQLITE_PATH", str(DATA_DIR / "zongzhi.sqlite3")),
            "OPTIONS": {
                # WAL lets readers work while a write is in progress; IMMEDIATE takes the write
                # lock at BEGIN, so two writers queue instead of failing half-way.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
else:
    DATABASES = {
        "default": dj_database_url.parse(  # type: ignore[dict-item]
            env_str("DATABASE_URL"),
            conn_max_age=env_int("ZONGZHI_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
    _db: dict[str, Any] = DATABASES["default"]
    if str(_db["ENGINE"]).endswith("postgresql"):
        # Django's backend, with a health check that looks at the socket instead of running
        # SELECT 1 on every request (zongzhi/core/postgresql/base.py).
        _db["ENGINE"] = "zongzhi.core.postgresql"
        # Requests read a few rows by index: starting parallel workers costs more (a one-character
        # name search: 17 ms with them, 8 ms without, on 2 cores) than it saves.
        workers = env_int("ZONGZHI_PG_PARALLEL_WORKERS", 0)
        options: dict[str, Any] = _db.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c max_parallel_workers_per_gather={workers}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "units.User"

# --- Cache, background work -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis the embedded default runs background work in process, at once.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"

# --- Authentication and sessions ---------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zongzhi.units.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "zongzhi.units.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "zongzhi.units.passwords.NotUsernameValidator"},
    {"NAME": "zongzhi.units.passwords.CommonPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = env_int("ZONGZHI_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("ZONGZHI_SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "zongzhi_session"
CSRF_COOKIE_NAME = "csrftoken"
PASSWORD_MAX_AGE_DAYS_ADMIN = env_int("ZONGZHI_ADMIN_PASSWORD_MAX_AGE_DAYS", 90)
# Production never has an all-powerful account; tests and the developer shell may opt in.
ALLOW_SUPERUSER = env_bool("ZONGZHI_ALLOW_SUPERUSER", False)

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zongzhi.units.auth.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

OTP_TOTP_ISSUER = env_str("ZONGZHI_OTP_ISSUER", "综治信息系统")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not (EMBEDDED or DEBUG):
    SESSION_COOKIE_SECURE = env_bool("ZONGZHI_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("ZONGZHI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ZONGZHI_HSTS_SECONDS", 31536000)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# --- Content-Security-Policy and Permissions-Policy --------------------------------------------
def tile_origin(url: str | None) -> str | None:
    """The origin of a Leaflet tile URL template, for the CSP: "http://{s}.tiles.lan/{z}/{x}/{y}.png"
    gives "http://*.tiles.lan"; a path on this server ("/tiles/...") needs none."""
    if not url or "://" not in url:
        return None
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0]
    return f"{scheme}://" + re.sub(r"\{[a-z]+\}", "*", host)


_TILES = [o for o in [tile_origin(env_str("ZONGZHI_MAP_TILE_URL"))] if o]
# More origins the pages may load images or styles from (an intranet style or icon server).
_EXTRA_IMG = env_list("ZONGZHI_CSP_IMG_ORIGINS", [])
_EXTRA_STYLE = env_list("ZONGZHI_CSP_STYLE_ORIGINS", [])
# Scripts only from this server, never inline, never eval (vue-i18n compiles messages without it).
# Styles: the built CSS files; inline style *attributes* are allowed because Element Plus, Vant and
# Leaflet position things with them. style-src keeps 'unsafe-inline' only for browsers that do not
# know style-src-elem/-attr (the Chromium 6x-8x cores of some domestic browsers); browsers that
# do know them refuse inline <style> elements.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE, *_EXTRA_STYLE],
        "style-src-elem": [SELF, *_EXTRA_STYLE],
        "style-src-attr": [UNSAFE_INLINE],
        # data: for Swagger UI's and Element Plus' inline SVG icons, blob: for photos shown before
        # they are uploaded and for files fetched with the token (the phone).
        "img-src": [SELF, "data:", "blob:", *_TILES, *_EXTRA_IMG],
        "font-src": [SELF, "data:"],  # Vant's icon font is a data: URL
        "connect-src": [SELF, *_TILES],
        "media-src": [SELF, "blob:"],
        "worker-src": [SELF],  # the phone's offline shell
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The phone uses its position (reports, visits) and its camera (photos); nothing else may, and no
# framed page may use either.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "geolocation": ["self"],
    "camera": ["self"],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "midi": [],
    "display-capture": [],
    "browsing-topics": [],
    "accelerometer": [],
    "gyroscope": [],
    "magnetometer": [],
}

# --- Request bodies ---------------------------------------------------------------------------
# A JSON or form body (not a file) may be this large; the largest real one is a unit's GeoJSON
# boundary. Uploads have their own limits (attachments 15/60 MB, imports 300 MB); a body larger
# than MAX_UPLOAD_BYTES is refused by BodySizeMiddleware before it is read. Both answer 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ZONGZHI_MAX_BODY_BYTES", 5 * 1024 * 1024)
MAX_UPLOAD_BYTES = 300 * 1024 * 1024

# --- Locale -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and attachments ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
if EMBEDDED:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.exists() else []
WHITENOISE_USE_FINDERS = True
# Served at the site's root: /favicon.ico (browsers ask for it whatever the page says).
WHITENOISE_ROOT = BASE_DIR / "frontend" / "public"
MEDIA_ROOT = Path(env_str("ZONGZHI_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env_str("ZONGZHI_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("ZONGZHI_S3_BUCKET"),
            "endpoint_url": env_str("ZONGZHI_S3_ENDPOINT"),
        },
    }

# --- Product settings ------------------------------------------------------------------------
SITE_NAME = env_str("ZONGZHI_SITE_NAME", "综治信息系统")
# Map tiles come from the operator's own tile server on the intranet; none by default.
MAP_TILE_URL = env_str("ZONGZHI_MAP_TILE_URL") or None
MAP_TILE_ATTRIBUTION = env_str("ZONGZHI_MAP_TILE_ATTRIBUTION", "")
AUDIT_RETENTION_DAYS = max(180, env_int("ZONGZHI_AUDIT_RETENTION_DAYS", 180))
# The process parsing an uploaded .xlsx (transfers/import_reader.py) may take this much address
# space beyond what it starts with: a workbook that asks for more ends that process, not the web
# or Celery worker, and its import fails as 文件结构异常. calamine takes 164 MB more for 100,000
# rows (a 13 MB workbook) and 900 MB for the largest workbook it reads (60 MB); openpyxl streams.
IMPORT_PARSER_MEMORY_MB = env_int("ZONGZHI_IMPORT_PARSER_MEMORY_MB", 2048)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Lines look like gunicorn's error log, in the same zone (+0800): see core/logs.py.
    "formatters": {
        "plain": {
            "()": "zongzhi.core.logs.LocalTimeFormatter",
            "format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("ZONGZHI_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "celery": {"level": "WARNING"}},
}

# Lockout is per account (the security policy: an account locks after five failures), so the
# IP address is deliberately not a lockout parameter; offices share one NAT address.
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # The HSTS preload list and subdomain coverage concern public internet domains; Zongzhi runs
    # on government intranets whose host names are not in the browsers' preload list.
    "security.W005",
    "security.W021",
]

# --- Case engine ------------------------------------------------------------------------------
# A dispute involving at least this many people is a mass incident (群体性事件): the unit above
# approves it before it is recorded (seed 000).
CASES_MASS_INCIDENT_THRESHOLD = env_int("ZONGZHI_MASS_INCIDENT_THRESHOLD", 10)
# Events must be entered within this many days of happening (seed 000: 10日内).
CASES_EVENT_ENTRY_DAYS = env_int("ZONGZHI_EVENT_ENTRY_DAYS", 10)
# An overdue case gets a yellow card at once and a red card this many working days later.
CASES_RED_CARD_GRACE_WORKDAYS = env_int("ZONGZHI_RED_CARD_GRACE_WORKDAYS", 3)
# Holders are reminded this many hours before a deadline.
CASES_DUE_SOON_HOURS = env_int("ZONGZHI_DUE_SOON_HOURS", 24)

# --- Alerts: duty -------------------------------------------------------------------------------
# Office hours on working days (HH:MM-HH:MM); outside them, what arrives is sent to the duty officer.
ALERTS_OFFICE_HOURS = env_str("ZONGZHI_OFFICE_HOURS", "08:30-17:30")

# --- SMS gateway (notify/sms.py) ------------------------------------------------------------------
SMS_BACKEND = env_str("ZONGZHI_SMS_BACKEND", "log")
SMS_URL = env_str("ZONGZHI_SMS_URL")
SMS_METHOD = env_str("ZONGZHI_SMS_METHOD", "POST")
SMS_TEMPLATE = env_str("ZONGZHI_SMS_TEMPLATE", '{"phone": "{phone}", "text": "{text}"}')

CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "cases.sweep_deadlines", "schedule": 60.0},
    # 重大/重要 information reports not passed up within their limit (alerts/services_reports.py).
    "sweep-info-reports": {"task": "alerts.sweep_reports", "schedule": 60.0},
    # Warnings' recipients past their acknowledgement limit (alerts/services_warnings.sweep).
    "sweep-warnings": {"task": "alerts.sweep_warnings", "schedule": 60.0},
    # The outbox of case notices (notify.PendingNotice): empty in the embedded default.
    "deliver-notices": {"task": "notify.deliver", "schedule": 2.0},
    "registry-housekeeping": {"task": "registry.housekeeping", "schedule": 300.0},
    # Chains committed audit entries into audit_auditseal (audit/chain.py).
    "seal-audit": {"task": "audit.seal", "schedule": 60.0},
    # The day's must-do lists, once a day from 06:00 (field/services_mustdo.morning_job).
    "mustdo-morning": {"task": "field.mustdo_morning", "schedule": 600.0},
    # The statistics' rollups: the cells marked as changed, and the nightly reconcile (stats/rollups.py).
    "stats-refresh": {"task": "stats.refresh", "schedule": 10.0},
    "stats-reconcile": {"task": "stats.reconcile", "schedule": 600.0},
    # The rubric's monthly scores: last month once ended, the current month every 6 h (assess).
    "assess-monthly-scores": {"task": "assess.monthly_scores", "schedule": 3600.0},
}
# The embedded default runs the same periodic jobs in a thread of each web process.
INPROCESS_SCHEDULER = env_bool("ZONGZHI_INPROCESS_SCHEDULER", EMBEDDED)

# 可防性案件 of the analysis report (研判报告, seed 003 第十条 1): event category code prefixes.
# The dictionary has no 盗窃/诈骗 codes; by default 治安隐患 (02) and 安全隐患 (03) count.
PREVENTABLE_CATEGORIES = env_list("ZONGZHI_PREVENTABLE_CATEGORIES", ["02", "03"])
