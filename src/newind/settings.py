"""Settings, all read from the environment (NEWIND_*), with safe development defaults."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
# Where runtime files go (the default SQLite database, uploads). Not committed.
VAR_DIR = Path(os.environ.get("NEWIND_VAR_DIR", Path.cwd() / "var"))
# Definitions (indicator catalogue, reference units, peer groups) are data kept at the repository root;
# the package is installed editable (`pip install -e .`), so they are found beside src/.
DEFINITIONS_DIR = Path(os.environ.get("NEWIND_DEFINITIONS_DIR", BASE_DIR.parent.parent / "definitions"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("NEWIND_DEBUG", False)
SECRET_KEY = os.environ.get("NEWIND_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = os.environ.get("NEWIND_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

DATABASE_URL = os.environ.get("NEWIND_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'newind.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; the busy timeout waits instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "newind.core",
    "newind.units",
    "newind.indicators",
    "newind.imports",
    "newind.benchmark",
    "newind.submissions",
    "newind.accounts",
    "newind.audit",
    "newind.reports",
    "newind.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newind.core.middleware.AppErrorMiddleware",
]

ROOT_URLCONF = "newind.urls"
WSGI_APPLICATION = "newind.wsgi.application"

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

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only set for `collectstatic` in production; the finders serve the vendored files otherwise.
STATIC_ROOT = os.environ.get("NEWIND_STATIC_ROOT") or None
# Serve straight from the app static folders (no collectstatic step needed for the demo or tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Imports: the largest file accepted, and the largest uncompressed size of an XLSX (zip-bomb guard).
NEWIND_IMPORT_MAX_BYTES = int(os.environ.get("NEWIND_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
# Reminders of the monthly submissions are POSTed here (企业微信/钉钉-style JSON) when set.
NEWIND_WEBHOOK_URL = os.environ.get("NEWIND_WEBHOOK_URL", "")
NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"newind": {"handlers": ["console"], "level": os.environ.get("NEWIND_LOG_LEVEL", "INFO")}},
}
