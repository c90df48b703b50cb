"""taxsite settings: one module, driven by environment variables.

The embedded default (no variable set) is a DEBUG demo on SQLite under ``var/``, a
local-memory cache and Celery in eager mode, so one command brings up a working site group.
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and TAXSITE_ROLE.
"""
from pathlib import Path
import os

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=env("SECRET_KEY") is None)

# --- Deployment role (SPEC §2: the public pages and the back end run on different hosts) ---
ROLES = {"public": "taxsite.urls_public", "admin": "taxsite.urls_admin"}
TAXSITE_ROLE = env("TAXSITE_ROLE", "admin")
if TAXSITE_ROLE not in ROLES:
    raise ImproperlyConfigured(
        f"TAXSITE_ROLE={TAXSITE_ROLE!r} is not a known role; use one of: {', '.join(sorted(ROLES))}."
    )
ROOT_URLCONF = ROLES[TAXSITE_ROLE]
if env("TAXSITE_BENCH_HELLO"):
    # bench/portal.py only: the public URLs plus a hello-world view serving the same bytes.
    ROOT_URLCONF = "bench.urls_hello"

SECRET_KEY = env("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "insecure-demo-key-only-for-the-embedded-default-do-not-deploy"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "security",
    "cms",
    "publishing",
    "liaisons",
    "interaction",
    "taxsite",  # project-level commands (load_demo) that span the apps
]

MIDDLEWARE = [
    "security.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "security.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cms.middleware.SiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

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
            ],
        },
    },
]

if TAXSITE_ROLE == "public":
    # Whole-page cache with tag purge, outermost: a hit runs no other middleware and touches
    # no database.
    MIDDLEWARE.insert(0, "cms.pagecache.PageCacheMiddleware")
TAXSITE_PAGE_CACHE = env_bool("TAXSITE_PAGE_CACHE", default=True)

WSGI_APPLICATION = "taxsite.wsgi.application"

VAR_DIR = Path(env("TAXSITE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'taxsite.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME")} if env("TEST_SQLITE_NAME") else {}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user object; the public host has no accounts

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))

# --- Cache and Celery: Redis when configured, otherwise in-process ---
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "taxsite"),
            "TIMEOUT": 600,
        }
    }
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "taxsite"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BEAT_SCHEDULE = {
    # SPEC §10: scheduled publish/expire every minute (catches anything an ETA task missed).
    "publishing-reconcile": {"task": "publishing.reconcile", "schedule": 60.0},
    "outbox-sweep": {"task": "taxsite.sweep_outbox", "schedule": 60.0},
    # SPEC §10: backup (daily) before the audit (daily), whose results the dashboard keeps.
    "security-backup": {"task": "security.run_backup", "schedule": crontab(hour=1, minute=30)},
    "security-audit": {"task": "security.run_audit", "schedule": crontab(hour=2, minute=30)},
    # SPEC §10: deadline reminders (daily).
    "liaisons-reminders": {"task": "liaisons.send_daily_reminders", "schedule": crontab(hour=8, minute=0)},
    "interaction-deadline-warnings": {"task": "interaction.tasks.warn_due_messages",
                                      "schedule": crontab(hour=8, minute=5)},
    "interaction-outbox": {"task": "interaction.tasks.retry_pending_notifications", "schedule": 300.0},
}
# Queues: publishing and side effects never wait behind a long backup or audit, which go to
# the "maintenance" queue (docker-compose's worker consumes celery, publishing, maintenance).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"security.run_backup": {"queue": "maintenance"}, "security.run_audit": {"queue": "maintenance"}}
# A message unacknowledged this long (its worker died) is delivered again (Redis broker); the
# workers sweep for such messages every interval × throttle seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "7200")),
    "unacked_restore_interval": int(env("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(env("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}

# --- Sessions, cookies and headers (the admin host; SPEC §9) ---
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout, not an absolute one
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind the TLS-terminating reverse proxy (see README "Production"):
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False

# --- Uploads (SPEC §9) ---
TAXSITE_MAX_UPLOAD_BYTES = int(env("TAXSITE_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- The site shown when a request's host matches no Site.domain (SPEC §6) ---
TAXSITE_DEFAULT_SITE = env("TAXSITE_DEFAULT_SITE", "national")
# Where the admin's "view site" link points (the public role runs on another host).
TAXSITE_PUBLIC_URL = env("TAXSITE_PUBLIC_URL", "http://127.0.0.1:8000/")

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "taxsite@localhost")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Structured JSON logs with a request id and no personal data (security/logging.py); kept
# 180 days (001 §二(四)3): by the host's collector from stdout, or rotated here with LOG_FILE.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "security.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "security.logging.JsonFormatter", "role": TAXSITE_ROLE}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
        **({"file": {"class": "logging.handlers.TimedRotatingFileHandler", "filename": env("LOG_FILE"),
                     "when": "midnight", "backupCount": 180, "encoding": "utf-8", "formatter": "json",
                     "filters": ["request_id"]}} if env("LOG_FILE") else {}),
    },
    "root": {"handlers": ["console", "file"] if env("LOG_FILE") else ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
