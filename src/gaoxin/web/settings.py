"""Django settings for the gaoxin platform.

Configured by environment variables so that one code base serves a laptop demo (SQLite file) and a
province (PostgreSQL):

- ``DATABASE_URL``   ``sqlite:///path/to/file.sqlite3`` (default: ``$GAOXIN_DATA_DIR/gaoxin.sqlite3``)
                     or ``postgres://user:password@host:port/name``
- ``GAOXIN_DATA_DIR`` where the SQLite file, uploads, exports and logs live (default ``./var``)
- ``GAOXIN_SECRET_KEY`` (default: a random key kept in the data directory)
- ``GAOXIN_DEBUG=1``  development only: debug pages. Never set in production.
- ``GAOXIN_ALLOWED_HOSTS`` comma-separated (default ``127.0.0.1,localhost``)
- ``GAOXIN_HTTPS=1``  users reach the platform over HTTPS (production): secure cookies, HSTS, and
                     ``GAOXIN_SECRET_KEY`` becomes required
- ``GAOXIN_TASKS``    ``database`` (default): background jobs are queued in the database and run by the
                     worker process (``manage.py gaoxin_worker``); ``immediate``: run inside the request
- ``GAOXIN_TASKS_SYNC=1`` the same as ``GAOXIN_TASKS=immediate`` (tests)
- ``GAOXIN_LOG_LEVEL`` (default ``INFO`` for gaoxin's own loggers); ``GAOXIN_LOG_FILE`` also log to a file
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GAOXIN_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("GAOXIN_SECRET_KEY"):
        return key
    if os.environ.get("GAOXIN_HTTPS") == "1":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "GAOXIN_HTTPS=1 (production) needs GAOXIN_SECRET_KEY: set it to a long random value, the same "
            "on every app server and worker (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`) "
            "/ 生产环境（GAOXIN_HTTPS=1）必须设置 GAOXIN_SECRET_KEY（一个长随机值，每台服务器相同）"
        )
    path = DATA_DIR / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def database_from_url(url: str) -> dict:
    """A DATABASES entry from a URL (sqlite:///file or postgres://user:pw@host:port/name)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        name = unquote(parsed.path[1:] if parsed.path.startswith("//") else parsed.path.lstrip("/") or "")
        if parsed.path.startswith("//"):
            name = "/" + name.lstrip("/")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name or str(DATA_DIR / "gaoxin.sqlite3"),
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            # A kept connection the server dropped (restart, failover, idle timeout) is replaced at the
            # start of the next request instead of failing it.
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"DATABASE_URL must start with sqlite:// or postgres://, got {url!r}")


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("GAOXIN_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("GAOXIN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "gaoxin.web.platform",
    "gaoxin.web.accounts",
    "gaoxin.web.registry",
    "gaoxin.web.credit",
    "gaoxin.web.api",
    "gaoxin.web.cultivation",
    "gaoxin.web.consent",
    "gaoxin.web.finance",
    "gaoxin.web.investment",
    "gaoxin.web.command",
    "gaoxin.web.policy",
    "gaoxin.web.carriers",
    "gaoxin.web.green",
    "gaoxin.web.benchmark",
    "gaoxin.web.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gaoxin.web.accounts.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gaoxin.web.accounts.middleware.ChineseUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gaoxin.web.platform.sessions.SlidingSessionMiddleware",  # the idle timeout slides, saved ≤ 1/min
    "gaoxin.web.accounts.middleware.PasswordChangeRequiredMiddleware",
    "gaoxin.web.accounts.middleware.SupervisorsReadOnlyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last: sees a view's exception first; a hostile value is a 400/413, not a 500 (issue 18)
    "gaoxin.web.platform.boundary.BoundaryMiddleware",
]

ROOT_URLCONF = "gaoxin.web.urls"
WSGI_APPLICATION = "gaoxin.web.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Django's password check plus the one sign-in rule (a disabled zone or bank signs nobody in).
AUTHENTICATION_BACKENDS = ["gaoxin.web.accounts.backends.SignInBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gaoxin.web.accounts.context.navigation",
            ],
            # The shared filters, by name for every template: {% load gaoxin_format %}.
            "libraries": {"gaoxin_format": "gaoxin.web.platform.templatetags.gaoxin_format"},
        },
    }
]

DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gaoxin.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and re-saved passwords use it; older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gaoxin.web.platform.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# Lockout: this many failed sign-ins for one account within the window lock it for the window.
LOGIN_FAILURE_LIMIT = int(os.environ.get("GAOXIN_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("GAOXIN_LOGIN_LOCKOUT_SECONDS", "900"))
# An API token stops working this many days after it was made (a new password ends them all at once).
GAOXIN_API_TOKEN_DAYS = int(os.environ.get("GAOXIN_API_TOKEN_DAYS", "180"))
# The audit log stays in the database at least this many days (180 at least: MLPS 2.0 level 3); older
# entries go to an archive file with `manage.py gaoxin_audit_archive`, never silently dropped.
GAOXIN_AUDIT_RETENTION_DAYS = int(os.environ.get("GAOXIN_AUDIT_RETENTION_DAYS", "180"))

# Sessions end after 30 idle minutes and when the browser closes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False  # gaoxin.web.platform.sessions slides it without a write per request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
_https = os.environ.get("GAOXIN_HTTPS") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
# Behind a TLS-terminating proxy (nginx) that sets X-Forwarded-Proto: without this, HTTPS redirects loop.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic fills it in production; WhiteNoise expects it to exist
# The chart library is plotly.js's "finance" partial bundle (scatter, bar, funnel: what the pages draw;
# 1.3 MB instead of the full 4.8 MB), installed from the npm registry by `make assets` and kept in
# static/vendor/plotly: charts work offline, no CDN.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# GAOXIN_STATIC=manifest (production, `gaoxin demo`): after `manage.py collectstatic`, every file is
# served under a content-hashed name, compressed, and cached by browsers for a year (WhiteNoise marks
# hashed files immutable). Unset (tests, a fresh checkout): files are served as they are.
_MANIFEST = os.environ.get("GAOXIN_STATIC") == "manifest"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "files"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background work (gaoxin.web.platform.jobs) runs as django-tasks tasks. "database": a task is a row
# that the worker process (`manage.py gaoxin_worker`, one task at a time per worker) claims and runs, so
# jobs survive a web restart; "immediate": inside the request that asked (tests, one-off scripts).
# The "immediate" alias is always there: GAOXIN_TASKS_SYNC (also switchable at run time, as the test
# settings do) sends every job to it.
_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks = os.environ.get("GAOXIN_TASKS") or (
    "immediate" if os.environ.get("GAOXIN_TASKS_SYNC") == "1" else "database"
)
if _tasks not in _BACKENDS:
    raise ValueError(f"GAOXIN_TASKS must be one of {', '.join(_BACKENDS)}, got {_tasks!r}")
TASKS = {
    "default": {"BACKEND": _BACKENDS[_tasks], "QUEUES": ["default"]},
    "immediate": {"BACKEND": _BACKENDS["immediate"], "QUEUES": ["default"]},
}
GAOXIN_TASKS_SYNC = _tasks == "immediate"
# A job that fails on a transient database error (locked, connection lost) is queued again, this many
# times at most, a little later each time; other failures are final.
GAOXIN_JOB_RETRIES = int(os.environ.get("GAOXIN_JOB_RETRIES", "2"))

# Logs go to stdout (journald under systemd, the terminal in the demo): every process (web workers, the
# task worker) writes its own lines, nothing shares a rotating file. GAOXIN_LOG_FILE adds a file
# (WatchedFileHandler: several processes may append, logrotate rotates it).
_LOG_LEVEL = os.environ.get("GAOXIN_LOG_LEVEL", "INFO")
_log_handlers = ["console"]
LOGGING: dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(process)d %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "gaoxin.web.platform.logs.StdoutHandler", "formatter": "plain"},
    },
    "root": {"handlers": _log_handlers, "level": "WARNING"},
    "loggers": {
        "gaoxin": {"level": _LOG_LEVEL, "handlers": _log_handlers, "propagate": False},
        "django.request": {"level": "ERROR", "handlers": _log_handlers, "propagate": False},
        # Each task's start and end: INFO in the worker (``gaoxin_worker`` raises them), quiet elsewhere.
        "django_tasks": {"level": "WARNING", "handlers": _log_handlers, "propagate": False},
        "django_tasks_db": {"level": "WARNING", "handlers": _log_handlers, "propagate": False},
    },
}
if _log_file := os.environ.get("GAOXIN_LOG_FILE"):
    LOGGING["handlers"]["file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": _log_file,
        "formatter": "plain",
        "encoding": "utf-8",
    }
    _log_handlers.append("file")
