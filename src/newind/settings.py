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
    # django-ninja's own templates and static files: /api/docs serves Swagger UI from the installed package
    # (no CDN, which the CSP would block), not from jsDelivr.
    "ninja",
    "newind.core",
    "newind.units",
    "newind.indicators",
    "newind.imports",
    "newind.benchmark",
    "newind.forecasts",
    "newind.targets",
    "newind.submissions",
    "newind.accounts",
    "newind.audit",
    "newind.reports",
    "newind.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newind.accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "newind.audit.context.AuditContextMiddleware",
    "newind.accounts.middleware.LoginRequiredMiddleware",
    "newind.accounts.middleware.IdleTimeoutMiddleware",
    "newind.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newind.core.middleware.AppErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
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
                "newind.accounts.context_processors.current_role",
            ],
        },
    },
]

LANGUAGE_CODE = "zh-hans"
# Only Chinese: an English browser must not turn Django's messages (login errors, validators) into English.
LANGUAGES = [("zh-hans", "简体中文")]
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
# …and the largest compression ratio of any part (real workbooks stay far below; bombs far above).
NEWIND_XLSX_MAX_RATIO = float(os.environ.get("NEWIND_XLSX_MAX_RATIO", 200))

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# --- Accounts and login security (accounts app; docs/security.md) ---
INSTALLED_APPS.append("axes")
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Defaults of the security policy; a 安全管理员 may change them on /accounts/security/ (audited).
NEWIND_PASSWORD_MIN_LENGTH = int(os.environ.get("NEWIND_PASSWORD_MIN_LENGTH", 8))
NEWIND_PASSWORD_MIN_CLASSES = int(os.environ.get("NEWIND_PASSWORD_MIN_CLASSES", 3))
NEWIND_LOGIN_FAILURE_LIMIT = int(os.environ.get("NEWIND_LOGIN_FAILURE_LIMIT", 5))
NEWIND_LOCKOUT_MINUTES = int(os.environ.get("NEWIND_LOCKOUT_MINUTES", 15))
NEWIND_IDLE_TIMEOUT_MINUTES = int(os.environ.get("NEWIND_IDLE_TIMEOUT_MINUTES", 30))
NEWIND_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("NEWIND_PASSWORD_MAX_AGE_DAYS", 90))
NEWIND_REQUIRE_TOTP = env_bool("NEWIND_REQUIRE_TOTP", False)
NEWIND_MAX_SESSIONS_PER_USER = int(os.environ.get("NEWIND_MAX_SESSIONS_PER_USER", 0))  # 0 = no limit
# Lock-outs are pushed here (企业微信/钉钉-style JSON POST) when set: the 安全管理员's group chat.
NEWIND_SECURITY_WEBHOOK_URL = os.environ.get("NEWIND_SECURITY_WEBHOOK_URL", "")
NEWIND_AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("NEWIND_AUDIT_RETENTION_DAYS", 180)))
# Only behind a reverse proxy that sets X-Forwarded-For may the audit log trust it.
NEWIND_TRUST_X_FORWARDED_FOR = env_bool("NEWIND_TRUST_X_FORWARDED_FOR", False)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "newind.accounts.validators.PolicyLengthValidator"},
    {"NAME": "newind.accounts.validators.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("NEWIND_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = "newind.accounts.policy.axes_failure_limit"
AXES_COOLOFF_TIME = "newind.accounts.policy.axes_cooloff"
# Lock the account (等保 登录失败处理), not the address: one office NAT address serves many users. Axes warns
# (W006) that a per-address limit would also stop one client spraying many usernames; accepted, see docs/security.md.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_HTTP_RESPONSE_CODE = 403
AXES_VERBOSE = False
# Server-side sessions in the database (listable and revocable); no session outlives a working day.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("NEWIND_SESSION_MAX_HOURS", 10)) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# Behind HTTPS in production set NEWIND_SECURE_COOKIES=1 (cookies only over HTTPS, HSTS).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("NEWIND_SECURE_COOKIES", False)
SECURE_HSTS_SECONDS = 31536000 if SESSION_COOKIE_SECURE else 0
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline or foreign scripts. Style *attributes* are allowed (style-src-attr): ECharts positions its
# tooltips and canvases with them; they cannot run script, and <style> elements stay forbidden.
NEWIND_CSP = os.environ.get(
    "NEWIND_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"newind": {"handlers": ["console"], "level": os.environ.get("NEWIND_LOG_LEVEL", "INFO")}},
}
