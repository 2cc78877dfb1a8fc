"""Settings for qifu, read from the environment (12-factor).

DATABASE_URL   default sqlite:///var/qifu.sqlite3 (WAL mode); postgres://… in production
REDIS_URL      optional; the job queue uses Redis when set, else a SQLite file under var/
SECRET_KEY     default: generated once into var/secret_key (never committed); required in production
QIFU_ENV       "production" switches on production settings
QIFU_VAR_DIR   where runtime files live (default ./var)
ALLOWED_HOSTS  comma separated, production only (default: localhost)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QIFU_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

QIFU_ENV = os.environ.get("QIFU_ENV", "development")
PRODUCTION = QIFU_ENV == "production"
TESTING = os.environ.get("QIFU_TESTING") == "1" or "pytest" in sys.modules


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set explicitly when QIFU_ENV=production")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = not PRODUCTION and os.environ.get("QIFU_DEBUG", "1") == "1"

ALLOWED_HOSTS = (
    [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
    if PRODUCTION
    else ["*"]
)
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "huey.contrib.djhuey",
    "qifu.core",
    "qifu.organisations",
    "qifu.enterprises",
    "qifu.notifications",
    "qifu.ledger",
    "qifu.resumption",
    "qifu.supplychain",
    "qifu.workforce",
    "qifu.projects",
    "qifu.cooperation",
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
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qifu.urls"
WSGI_APPLICATION = "qifu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qifu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "qifu.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qifu.sqlite3'}"),
        conn_max_age=0 if TESTING else 60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the worker writes; IMMEDIATE transactions avoid
    # "database is locked" on lock upgrades; the busy timeout waits instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    # Tests use a file too (not shared-cache memory), so concurrent transactions lock as in production.
    # One file per test process, so parallel runs never share one.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-qifu-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Job queue (huey) -----------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "qifu",
        "url": REDIS_URL,
        "immediate": TESTING,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "qifu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- Caches ---------------------------------------------------------------
# "similar" holds the text embeddings of the common-problem suggestions (ledger/merging.py), shared by the web
# processes and the worker that computes them: Redis when there is one, else files under var/.
CACHES: dict[str, dict[str, object]] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if TESTING:
    CACHES["similar"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "similar",
                         "OPTIONS": {"MAX_ENTRIES": 100_000}}
elif REDIS_URL:
    CACHES["similar"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                         "KEY_PREFIX": "qifu-similar", "TIMEOUT": None}
else:
    CACHES["similar"] = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                         "LOCATION": str(VAR_DIR / "cache" / "similar"), "TIMEOUT": None,
                         "OPTIONS": {"MAX_ENTRIES": 200_000}}

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# Lock an account (per username) after 5 failed logins for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Demo password: only the development default unless set explicitly; refused in production otherwise.
DEMO_PASSWORD_DEFAULT = "qifu-demo-2020"  # noqa: S105  (development only; refused in production)
DEMO_PASSWORD = os.environ.get("QIFU_DEMO_PASSWORD") or ("" if PRODUCTION else DEMO_PASSWORD_DEFAULT)

# --- I18n -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "qifu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "qifu" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("QIFU_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("QIFU_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("QIFU_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "huey": {"level": "INFO"}},
}

# --- qifu -----------------------------------------------------------------
QIFU_PAGE_SIZE = 50
# Work resumption: enterprises without a status report by this hour (Asia/Shanghai) are chased, and an
# enterprise counts as resumed by power when its daily kWh exceeds this share of its baseline.
QIFU_REPORT_DEADLINE_HOUR = int(os.environ.get("QIFU_REPORT_DEADLINE_HOUR", "10"))
# Non-administrators may file or correct reports this many days back (figures already briefed stay put).
QIFU_REPORT_BACKDATE_DAYS = int(os.environ.get("QIFU_REPORT_BACKDATE_DAYS", "31"))
QIFU_POWER_RESUMED_SHARE = float(os.environ.get("QIFU_POWER_RESUMED_SHARE", "0.3"))
# The HMAC key of vehicle passes' QR codes. Unset: derived from SECRET_KEY (a separate key per purpose), so
# rotating SECRET_KEY invalidates printed passes; set it to keep passes valid across a SECRET_KEY rotation.
QIFU_PASS_KEY = os.environ.get("QIFU_PASS_KEY", "").encode() or hmac.new(
    SECRET_KEY.encode(), b"qifu.projects.vehicle-pass", hashlib.sha256).digest()
# A TrueType-outline font (.ttf, or .ttc with ``QIFU_PDF_FONT_INDEX``) with Chinese glyphs, embedded as a subset in
# pass PDFs so a checkpoint phone shows the Chinese without fonts of its own. Unset: the first of these that exists
# (Debian's fonts-wqy-microhei, installed by .ci/run and required in production; then fonts-droid-fallback).
# None found: the PDF only names Adobe's STSong-Light and `manage.py check` warns (projects.W001).
PDF_FONT_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                       "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
QIFU_PDF_FONT = os.environ.get("QIFU_PDF_FONT", "") or next(
    (path for path in PDF_FONT_CANDIDATES if os.path.exists(path)), "")
QIFU_PDF_FONT_INDEX = int(os.environ.get("QIFU_PDF_FONT_INDEX", "0"))

if TESTING:
    # Hashing with a million PBKDF2 rounds per test user would dominate the test run.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Problem ledger -------------------------------------------------------
# Deadlines in working days on China's official calendar (see qifu/core/workdays.py); crisis mode in hours.
QIFU_LEDGER = {
    "problem_deadline_days": int(os.environ.get("QIFU_LEDGER_PROBLEM_DAYS", "15")),
    "tier_deadline_days": {
        "commissioner": 2,
        "command_center": 3,
        "task_force": 3,
        "department": 5,
        "leadership": 5,
    },
    "crisis_hours": 24,
    "progress_period_days": 3,  # a progress report is due this often while a problem is open
    "confirmation_days": 5,  # after this, a resolved problem closes without the enterprise's answer
    "escalate_overdue_days": 3,  # overdue by this many working days: one tier up
}
