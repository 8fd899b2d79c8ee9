"""Luzhi settings, read from the environment with safe defaults.

DEBUG is off unless LUZHI_DEBUG=1; SECRET_KEY comes from the environment or is generated
once into var/secret_key; DATABASE_URL selects the database (default: var/luzhi.sqlite3).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LUZHI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("LUZHI_DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "luzhi.core",
    "luzhi.org",
    "luzhi.accounts",
    "luzhi.activities",
    "luzhi.proposals",
    "luzhi.opinions",
    "luzhi.research",
    "luzhi.ledger",
    "luzhi.participation",
    "luzhi.notifications",
    "luzhi.scoring",
    "luzhi.dashboard",
    "luzhi.scale",  # manage.py generate_scale (bench/)
    "luzhi.guide",
]

# Modules declaring jobs (luzhi/core/jobs.py) besides each domain app's jobs.py.
LUZHI_JOB_MODULES = ["luzhi.core.exports"]

# Which committee a user acts for (a superuser: the one named, else the only county) — the org app's
# rule, named here so that core's API base class asks it without importing a domain app.
LUZHI_ACTING_COMMITTEE = "luzhi.org.selectors.committee_acted_for"

# The domain apps, in menu order. Each may provide menu.py (sections()), api.py
# (register(router)), urls.py (pages under /<app>/) and demo.py (demo_load()).
LUZHI_DOMAIN_APPS = [
    "luzhi.org",
    "luzhi.activities",
    "luzhi.proposals",
    "luzhi.opinions",
    "luzhi.research",
    "luzhi.ledger",
    "luzhi.participation",
    "luzhi.scoring",
    "luzhi.notifications",
    "luzhi.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "luzhi.core.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # early, so redirects to login carry it too
    "luzhi.conf.static_middleware.StaticFilesMiddleware",  # WhiteNoise, its file index kept per process
    "luzhi.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "luzhi.accounts.middleware.IdleTimeoutMiddleware",
    "luzhi.core.middleware.LoginRequiredMiddleware",
    "luzhi.accounts.twofactor.OTPRequiredMiddleware",
    "luzhi.accounts.passwords.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luzhi.urls"
WSGI_APPLICATION = "luzhi.wsgi.application"

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
                "luzhi.core.context_processors.navigation",
                "luzhi.dashboard.context_processors.unread",
                "luzhi.guide.context_processors.help_link",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'luzhi.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if test_db := os.environ.get("LUZHI_TEST_DB_NAME"):
    # Lets several test runs share one PostgreSQL server without clashing.
    DATABASES["default"]["TEST"] = {"NAME": test_db}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent writers (gunicorn's workers × threads) wait for each other instead of failing with
    # "database is locked": WAL lets readers run beside the one writer, and IMMEDIATE takes the write
    # lock when a transaction begins, so the busy timeout applies (a deferred transaction that reads
    # and then writes gets SQLITE_BUSY at once, without waiting). WAL is remembered by the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id at OWASP's parameters first (luzhi.core.passwords: ~35 ms a login instead of PBKDF2's
# ~300 ms, so a hall of 800 logs in within a minute on two cores); Django's other hashers read older
# hashes, which are upgraded at the next login; and a cheaper one only for the one-time passwords of
# bulk-created member accounts (OneTimePasswordHasher; upgraded at the first login). Django's own
# Argon2PasswordHasher is left out: it needs argon2-cffi and would take over the "argon2" hashes.
PASSWORD_HASHERS = [
    "luzhi.core.passwords.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "luzhi.core.passwords.OneTimePasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "luzhi.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "luzhi.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Lockout after five failed tries for one username (等保 login failure handling).
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "luzhi.accounts.views.lockout_response"
AXES_VERBOSE = False

# Two-factor login (动态口令, TOTP): required of the three administrators, optional for others
# (luzhi/accounts/twofactor.py). A wrong code counts as a failed login toward the lockout above,
# so the device's own growing delay is off: it would turn a quickly retyped right code into a failure.
OTP_TOTP_ISSUER = "履职平台"
OTP_TOTP_THROTTLE_FACTOR = 0

SESSION_COOKIE_AGE = 30 * 60
# The idle-timeout middleware re-saves the session at most once a minute (not on every request).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("LUZHI_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

from luzhi.conf import staticbuild as _staticbuild  # noqa: E402

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
STATICFILES_DIRS: list[Any] = [BASE_DIR / "static"]  # paths, and (prefix, path) pairs
STATICFILES_DIRS.append(("guide", BASE_DIR / "docs" / "guide" / "img"))  # the user guide's screenshots
_NODE = BASE_DIR / "node_modules"
for _prefix, _path in [
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
    # pdf.js (meeting papers on phones): the legacy build reaches older phone browsers; the CJK
    # character maps, standard fonts and image decoders it fetches by name from a base URL.
    ("vendor/pdfjs/build", _NODE / "pdfjs-dist" / "legacy" / "build"),
    ("vendor/pdfjs/cmaps", _NODE / "pdfjs-dist" / "cmaps"),
    ("vendor/pdfjs/standard_fonts", _NODE / "pdfjs-dist" / "standard_fonts"),
    ("vendor/pdfjs/wasm", _NODE / "pdfjs-dist" / "wasm"),
]:
    if _path.exists():
        STATICFILES_DIRS.append((_prefix, _path))
# The stylesheet built from Bootstrap by `make css` (frontend/build-css.mjs): used while it is
# newer than every template and script it was cut for, else base.html links the full vendor stylesheets.
_BUILD = VAR_DIR / "build"
LUZHI_CSS_BUNDLE = _staticbuild.bundle_is_current(BASE_DIR, _BUILD / "luzhi" / "app.css")
if LUZHI_CSS_BUNDLE:
    STATICFILES_DIRS.insert(0, _BUILD)
# collectstatic writes each file under a name with its content hash (cached for a year,
# immutable) and a gzip and brotli copy beside it; WhiteNoise serves the smallest the browser takes.
# Without a manifest (a checkout that never ran collectstatic, the tests) the plain names are used.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "luzhi.dashboard.staticfiles.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True
# The web app's manifest and service worker live at the root (a worker controls only the paths
# below its own URL): WhiteNoise serves this folder's files at "/", before the login check.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
LUZHI_IMPORT_MAX_BYTES = 5 * 1024 * 1024
LUZHI_EXPORT_MAX_ROWS = 50_000
# The public address of the site (e.g. https://luzhi.example.gov.cn), printed with a QR code on the
# account letters and in account texts; unset, the address of the request is used.
LUZHI_SITE_URL = os.environ.get("LUZHI_SITE_URL", "")

# API tokens (django-rest-knox): one per login and device, stored hashed, expiring after
# LUZHI_TOKEN_TTL_HOURS; revoked on logout, on a password change and when the account is deactivated.
KNOX_TOKEN_MODEL = "accounts.DeviceToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("LUZHI_TOKEN_TTL_HOURS", "10"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "luzhi.accounts.auth.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "luzhi.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "luzhi.core.xlsx.XLSXRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "luzhi.core.schema.AutoSchema",  # extra actions answer plain lists
    "EXCEPTION_HANDLER": "luzhi.core.api.exception_handler",
    "DATE_FORMAT": "%Y-%m-%d",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Luzhi 履职 API",
    "DESCRIPTION": "The REST contract of Luzhi: see API.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",  # the default favicon comes from a CDN
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "luzhi.core.schema.document_errors",  # API.md's error answers on every operation
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Lockout is per account (等保: lock the account after repeated failures); per-address
# throttling of the token endpoint is separate (issue 8), so axes' IP hint does not apply.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Mail, used by the notification e-mail channel when LUZHI_NOTIFY_EMAIL=1. The other channels'
# settings (LUZHI_NOTIFY_*, LUZHI_WECOM_*, LUZHI_DINGTALK_*) are read from the environment by
# luzhi/notifications/channels.py and dispatch.py, where each is described.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "luzhi@localhost")

# Sections kept in their own modules (luzhi/conf/): security headers and rate limits,
# then Redis and Celery. Both only read the environment.
from luzhi.conf import security as _security  # noqa: E402
from luzhi.conf import services as _services  # noqa: E402

_security.apply(globals())
_services.apply(globals())
