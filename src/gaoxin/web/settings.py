"""Django settings for the gaoxin platform.

Configured by environment variables so that one code base serves a laptop demo (SQLite file) and a
province (PostgreSQL):

- ``DATABASE_URL``   ``sqlite:///path/to/file.sqlite3`` (default: ``$GAOXIN_DATA_DIR/gaoxin.sqlite3``)
                     or ``postgres://user:password@host:port/name``
- ``GAOXIN_DATA_DIR`` where the SQLite file, uploads, exports and logs live (default ``./var``)
- ``GAOXIN_SECRET_KEY`` (default: a random key kept in the data directory)
- ``GAOXIN_DEBUG=1``  development only: debug pages. Never set in production.
- ``GAOXIN_ALLOWED_HOSTS`` comma-separated (default ``127.0.0.1,localhost``)
- ``GAOXIN_TASKS_SYNC=1`` run background jobs inline (tests)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

import plotly

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GAOXIN_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("GAOXIN_SECRET_KEY"):
        return key
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gaoxin.web.urls"
WSGI_APPLICATION = "gaoxin.web.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
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
            # The shared filters (platform is not an app with models): {% load gaoxin_format %}.
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
]
# Lockout: this many failed sign-ins for one account within the window lock it for the window.
LOGIN_FAILURE_LIMIT = int(os.environ.get("GAOXIN_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("GAOXIN_LOGIN_LOCKOUT_SECONDS", "900"))

# Sessions end after 30 idle minutes and when the browser closes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
_https = os.environ.get("GAOXIN_HTTPS") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https
SECURE_HSTS_SECONDS = 31536000 if _https else 0
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
# plotly.min.js comes from the plotly wheel: charts work offline, no CDN.
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/plotly", Path(plotly.__file__).resolve().parent / "package_data"),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "files"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

GAOXIN_TASKS_SYNC = os.environ.get("GAOXIN_TASKS_SYNC") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(DATA_DIR / "gaoxin.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
            "formatter": "plain",
            "encoding": "utf-8",
        },
    },
    "root": {"handlers": ["console", "file"], "level": os.environ.get("GAOXIN_LOG_LEVEL", "WARNING")},
    "loggers": {
        "gaoxin": {
            "level": os.environ.get("GAOXIN_LOG_LEVEL", "INFO"),
            "handlers": ["file"],
            "propagate": False,
        },
        "django.request": {"level": "ERROR", "handlers": ["file", "console"], "propagate": False},
    },
}
