"""Settings, all read from the environment (NEWIND_*), with safe development defaults."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
# Where runtime files go (the default SQLite database, uploads). Not committed.
VAR_DIR = Path(os.environ.get("NEWIND_VAR_DIR", Path.cwd() / "var"))
# Definitions (indicator catalogue, reference units, peer groups) are data kept at the repository root;
# the package is installed editable (`pip install -e .`), so they are found beside src/.
DEFINITIONS_DIR = Path(os.environ.get("NEWIND_DEFINITIONS_DIR", BASE_DIR.parent.parent / "definitions"))
# The office's identity (city, province, peer groups, headline indicators, issuing office): DEFINITIONS_DIR/
# office.yaml unless this names another file (newind.core.office).
NEWIND_OFFICE_FILE = os.environ.get("NEWIND_OFFICE_FILE", "")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def local_key(name: str, make: Callable[[], str]) -> str:
    """A key kept in VAR_DIR/keys/<name> (created once, readable by the owner only) for the demo and tests.

    Written to a temporary file and linked into place, so two processes starting at once agree on one key.
    """
    folder = VAR_DIR / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(make())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


DEBUG = env_bool("NEWIND_DEBUG", False)
# `newind demo` sets NEWIND_DEMO=1: only then may the server run without keys given by the deployment.
NEWIND_DEMO = env_bool("NEWIND_DEMO", False)
# `newind bench load` sets NEWIND_BENCH_HELLO=1 on the server it starts: only then does /bench/hello/ answer
# (the load test's baseline: a signed-in request through every middleware, with no domain work).
NEWIND_BENCH_HELLO = env_bool("NEWIND_BENCH_HELLO", False)
# The pages' read cache (newind.core.readcache): figures computed once per process until a write changes them.
NEWIND_READ_CACHE = env_bool("NEWIND_READ_CACHE", True)
# The real key comes from the environment. Without one, a random key is kept in the var directory so the
# demo, the tests and command-line tools work with no setup; but `newind serve`, `newind runserver` and
# the WSGI application refuse to start on it outside the demo (newind.accounts.keys).
SECRET_KEY = os.environ.get("NEWIND_SECRET_KEY", "")
NEWIND_SECRET_KEY_FROM_ENV = bool(SECRET_KEY)
if not SECRET_KEY:
    try:
        SECRET_KEY = local_key("secret_key", lambda: secrets.token_urlsafe(50))
    except OSError:
        # A read-only var directory (a command-line tool on a server): a key for this process only, which
        # is enough for tools that do not serve requests; the server refuses to start without the real one.
        SECRET_KEY = secrets.token_urlsafe(50)
ALLOWED_HOSTS = os.environ.get("NEWIND_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

DATABASE_URL = os.environ.get("NEWIND_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'newind.sqlite3'}"
# Persistent connections (seconds; 0 = one per request): a new PostgreSQL connection per request forks a
# server process and reloads its catalogue caches, which every page paid (docs/performance.md, load).
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("NEWIND_DB_CONN_MAX_AGE", "60")),
                                              conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; the busy timeout waits instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        # Temporary B-trees (GROUP BY, the recompute's temporary tables) in memory, and a 64 MB page cache
        # (the default is 2 MB): the province recompute reads half a million index entries.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                        "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
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
    # parks before enterprises: the demo loads each app's demo in this order, and firms sit in parks
    "newind.parks",
    "newind.enterprises",
    # cases after enterprises: its demo files appeals from the demo firms (the order of the demo loaders)
    "newind.cases",
    "newind.accounts",
    "newind.audit",
    "newind.reports",
    "newind.dashboard",
    # The site around the domains (home page, search, guides, `serve`) and the demo data (`demo`, `bench`)
    # sit above every domain: core stays the foundation that imports no other app.
    "newind.home",
    "newind.demo",
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
# The alerts (issue 13 §7) go to these group robots (企业微信/钉钉 or any webhook taking the same text JSON),
# comma-separated; when none is set they go to NEWIND_WEBHOOK_URL, the reminders' robot.
NEWIND_ALERT_WEBHOOK_URLS = [u.strip() for u in os.environ.get("NEWIND_ALERT_WEBHOOK_URLS", "").split(",") if u.strip()]
NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("NEWIND_XLSX_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))
# …and the largest compression ratio of any part (real workbooks stay far below; bombs far above).
NEWIND_XLSX_MAX_RATIO = float(os.environ.get("NEWIND_XLSX_MAX_RATIO", 200))
# Every upload (imports, submissions, targets) is pre-scanned against these before it is parsed: the reader
# builds a grid of rows × columns per sheet, so they bound its memory (docs/security.md, 上传文件).
NEWIND_IMPORT_MAX_ROWS = int(os.environ.get("NEWIND_IMPORT_MAX_ROWS", 100_000))  # per sheet
NEWIND_IMPORT_MAX_COLUMNS = int(os.environ.get("NEWIND_IMPORT_MAX_COLUMNS", 500))  # per sheet
NEWIND_IMPORT_MAX_CELLS = int(os.environ.get("NEWIND_IMPORT_MAX_CELLS", 2_000_000))  # rows × columns, per file
# Files read at once per server process, and how long an upload waits for its turn before a 503.
NEWIND_IMPORT_MAX_PARALLEL = int(os.environ.get("NEWIND_IMPORT_MAX_PARALLEL", 2))
NEWIND_IMPORT_BUSY_WAIT_SECONDS = float(os.environ.get("NEWIND_IMPORT_BUSY_WAIT_SECONDS", 10))

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
# The audit chain's HMAC key, outside the database: the key itself, or a file holding it (default
# VAR_DIR/audit.key, generated once when neither is set; see newind.audit.keys and docs/security.md).
NEWIND_AUDIT_KEY = os.environ.get("NEWIND_AUDIT_KEY", "")
NEWIND_AUDIT_KEY_FILE = os.environ.get("NEWIND_AUDIT_KEY_FILE", "")
# Where `newind audit anchor` writes the chain head (count, last id, hash), authenticated with the key.
NEWIND_AUDIT_ANCHOR_DIR = Path(os.environ.get("NEWIND_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors"))

# Per-address throttling (accounts.throttle), "N/S" = at most N requests per S seconds from one client
# address; "0/0" switches one off. Counted in the database, so the limit holds across server processes.
# Login allows for an office whose staff share one NAT address; uploads and reports cost CPU (~2.5 s each).
NEWIND_THROTTLE_LOGIN = os.environ.get("NEWIND_THROTTLE_LOGIN", "60/300")
NEWIND_THROTTLE_UPLOAD = os.environ.get("NEWIND_THROTTLE_UPLOAD", "30/600")
NEWIND_THROTTLE_REPORT = os.environ.get("NEWIND_THROTTLE_REPORT", "20/600")
# Only behind a reverse proxy that sets X-Forwarded-For may the audit log trust it.
NEWIND_TRUST_X_FORWARDED_FOR = env_bool("NEWIND_TRUST_X_FORWARDED_FOR", False)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "newind.accounts.validators.PolicyLengthValidator"},
    {"NAME": "newind.accounts.validators.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "newind.accounts.validators.PasswordHistoryValidator"},
]
# TOTP secrets are stored encrypted with this Fernet key (accounts.crypto), kept outside the database:
# NEWIND_TOTP_KEY (keys comma-separated, the first encrypts) or NEWIND_TOTP_KEY_FILE (one key a line). The
# demo generates one into the var directory; a real deployment must give one (the server refuses to start
# without it). No fallback outside the demo, so a command run without it cannot encrypt with a stray key.
NEWIND_TOTP_KEY = os.environ.get("NEWIND_TOTP_KEY", "")
NEWIND_TOTP_KEY_FILE = os.environ.get("NEWIND_TOTP_KEY_FILE", "")
if NEWIND_DEMO and not (NEWIND_TOTP_KEY or NEWIND_TOTP_KEY_FILE):
    NEWIND_TOTP_KEY_FILE = str(VAR_DIR / "keys" / "totp_key")
    local_key("totp_key", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())
# How many of a user's last passwords (hashes) are kept and may not be used again.
NEWIND_PASSWORD_HISTORY = int(os.environ.get("NEWIND_PASSWORD_HISTORY", 5))
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
# NEWIND_SESSION_MAX_HOURS is an absolute limit counted from sign-in (accounts.middleware), not only the
# cookie's age, which Django renews whenever the session is saved.
NEWIND_SESSION_MAX_HOURS = int(os.environ.get("NEWIND_SESSION_MAX_HOURS", 10))
SESSION_COOKIE_AGE = NEWIND_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# NEWIND_HTTPS=1 says users reach the platform over HTTPS (production): cookies are sent only over HTTPS,
# browsers are told to use HTTPS for a year (HSTS), and the X-Forwarded-Proto header of the reverse proxy
# that ends TLS is trusted, so Django knows the request was secure (the proxy must set it, overwriting any
# value from the client). NEWIND_SECURE_COOKIES=1 is the older name of the same setting.
NEWIND_HTTPS = env_bool("NEWIND_HTTPS", env_bool("NEWIND_SECURE_COOKIES", False))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = NEWIND_HTTPS
SECURE_HSTS_SECONDS = 31536000 if NEWIND_HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NEWIND_HTTPS else None
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("NEWIND_HSTS_INCLUDE_SUBDOMAINS", NEWIND_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("NEWIND_HSTS_PRELOAD", NEWIND_HTTPS)
# Behind the TLS-terminating reverse proxy (docs/deploy.md) NEWIND_BEHIND_TLS_PROXY=1 (or NEWIND_HTTPS=1)
# trusts the proxy's X-Forwarded-Proto, and plain HTTP is redirected (except the health probe).
if env_bool("NEWIND_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("NEWIND_SSL_REDIRECT", env_bool("NEWIND_BEHIND_TLS_PROXY", False))
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline or foreign scripts. Style *attributes* are allowed (style-src-attr): ECharts positions its
# tooltips and canvases with them; they cannot run script, and <style> elements stay forbidden.
NEWIND_CSP = os.environ.get(
    "NEWIND_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# --- Background jobs: newind.jobs on huey (docs/decisions.md, docs/deploy.md) ---
from newind.jobs.config import huey_settings  # noqa: E402 - a plain function of the values above

INSTALLED_APPS += ["huey.contrib.djhuey", "newind.jobs"]
# The queue follows the database (a SQLite file in VAR_DIR, or the PostgreSQL database's own tables);
# NEWIND_JOBS_URL=redis://host:6379/0 puts it in Redis. `newind worker` runs the jobs.
NEWIND_JOBS_URL = os.environ.get("NEWIND_JOBS_URL", "")
HUEY = huey_settings(DATABASE_URL, NEWIND_JOBS_URL, VAR_DIR, immediate=env_bool("NEWIND_JOBS_IMMEDIATE", False),
                     workers=int(os.environ.get("NEWIND_WORKER_THREADS", 2)))
# PostgreSQL: the memory each process of the month's recompute may give one hash or sort (work_mem, for that
# transaction only). The default 4 MB made the leaf roll-up spill to disk at 100,000 firms (docs/scaling.md).
NEWIND_RECOMPUTE_WORK_MEM = os.environ.get("NEWIND_RECOMPUTE_WORK_MEM", "64MB")
# Backups (newind backup / the nightly job): where they go, and how many nightly ones are kept there.
INSTALLED_APPS += ["newind.backup"]
NEWIND_BACKUP_DIR = Path(os.environ.get("NEWIND_BACKUP_DIR", VAR_DIR / "backups"))
NEWIND_BACKUP_KEEP = int(os.environ.get("NEWIND_BACKUP_KEEP", 14))
# Accounts not used for this many days are disabled by the nightly job (等保: 及时删除或停用多余的、过期的账户).
NEWIND_INACTIVE_DAYS = int(os.environ.get("NEWIND_INACTIVE_DAYS", 90))

# The shared scoring engine (schemes in definitions/schemes/) and the 亩均 evaluation built on it.
INSTALLED_APPS += ["newind.scoring", "newind.mujun"]
# 向上争取: national and provincial programmes the city applies to (issue 11).
INSTALLED_APPS += ["newind.funding"]
# pairing (包联) after enterprises, mujun and accounts: its demo pairs the demo firms with officials.
INSTALLED_APPS += ["newind.pairing"]
# The policy library (惠企政策), what each firm qualifies for, and payouts (issue 11 §4).
INSTALLED_APPS += ["newind.policies"]
# Major projects (重大项目): registry, monthly progress, problems, lights, 赛马 and campaigns (issue 12).
INSTALLED_APPS += ["newind.projects"]
# Dispatch meetings (调度会) and supervision (督办) on the case engine, with 销号 and bulletins (issue 13 §1–2).
INSTALLED_APPS += ["newind.supervision"]
# Reform and action task lists (改革与行动任务清单; issue 13 §3).
INSTALLED_APPS += ["newind.reform"]
INSTALLED_APPS += ["newind.leaders"]
# Assessment (年度考核, 季度讲评) on the scoring engine, with 公示, objections and frozen versions (issue 13 §4).
INSTALLED_APPS += ["newind.assessment"]
# The accountability list (问责清单) and the alerts pushed to 企业微信/钉钉 (issue 13 §6–7).
INSTALLED_APPS += ["newind.accountability"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"newind": {"handlers": ["console"], "level": os.environ.get("NEWIND_LOG_LEVEL", "INFO")},
                "huey": {"handlers": ["console"], "level": os.environ.get("NEWIND_LOG_LEVEL", "INFO")}},
}

# Cases (issue 11 §2): attachments of appeals are kept here, outside the web root, and served only through
# newind.accounts.access.case_for; each file at most NEWIND_ATTACHMENT_MAX_BYTES (default 10 MB).
NEWIND_ATTACHMENT_DIR = Path(os.environ.get("NEWIND_ATTACHMENT_DIR", VAR_DIR / "attachments"))
NEWIND_ATTACHMENT_MAX_BYTES = int(os.environ.get("NEWIND_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
# The SLA profile (definitions/sla/) a firm's appeal runs under when nobody chooses another.
NEWIND_APPEAL_SLA_PROFILE = os.environ.get("NEWIND_APPEAL_SLA_PROFILE", "zhongshan")
