"""One settings module for every environment; everything that differs comes from the environment.

Development (`make run`) sets DEBUG=1. Production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL;
see the README's operations section.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Uploaded workbooks are parsed by the standard library's XML parser as defusedxml hardens it,
# which refuses entity declarations. openpyxl would take lxml instead whenever it is installed (it
# is, for the PDF signatures), so it is told not to, before anything imports it.
os.environ["OPENPYXL_LXML"] = "False"

DEBUG = env.bool("DEBUG", default=False)
# The fallback key only serves development and tests; `check --deploy` flags it (security.W009).
SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-key-change-me-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "emulation",
    "blocks",
    "covenants",
    "scoring",
    "awards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "emulation.security.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body (and after the three above, which read none of it, so that
    # the refusal carries the site's security headers): a body declared larger than the site
    # reads is refused unread.
    "emulation.limits.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "emulation.roles.RolesMiddleware",
    "emulation.middleware.RequestContextMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "emulation.security.TwoFactorMiddleware",
]

# The largest request body read (emulation.limits): the largest upload (20 MB) and 5 MB for the
# form's other fields; the reverse proxy refuses the same (nginx `client_max_body_size 25m`).
MAX_REQUEST_BYTES = 25 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "emulation.limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Form fields other than files (Django's default); a file larger than this goes to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

ROOT_URLCONF = "emulation.urls"
WSGI_APPLICATION = "emulation.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
            "builtins": ["django.templatetags.i18n", "emulation.templatetags.vn"],
        },
    },
]

# Forms render through the templates above, so that templates/django/forms/ can override a widget.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Databases: SQLite under var/ by default (zero setup), PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE avoids lock upgrades mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Pages read small results: a server-side cursor (what `.iterator()` and every model choice
    # field of a form use) costs two more round trips than a plain query, and just-in-time
    # compilation of a query the planner thinks expensive costs more than it saves
    # (docs/performance.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Tests copy a database created with ICU vi-VN collation when one is named (see .ci/run).
    DATABASES["default"]["TEST"] = {"TEMPLATE": env("DATABASE_TEST_TEMPLATE", default=None)}

# Cache: local memory in each process by default; Redis when several processes should share it
# (CACHE_URL=rediscache://127.0.0.1:6379/1, which needs the `redis` package). What never changes
# once published is cached under its SHA-256 (emulation.published).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "emulation.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor sign-in (django-otp): who must use it is decided per authority (see emulation.otp).
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Thi đua Khối")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a person's TOTP key or QR code

# Site administrators (staff) must sign in with an authenticator app when this is on: always in
# production, never by default with DEBUG (the demo's administrator signs in with a password).
REQUIRE_ADMIN_2FA = env.bool("REQUIRE_ADMIN_2FA", default=not DEBUG)

# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# nobody's by default, so a client cannot choose the address it is recorded and locked out under
# (see emulation.addresses).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Lockout after repeated failed sign-ins and password re-entries, counted per account and per
# client address apiece: guesses spread over many addresses still lock the account, and guesses
# at many accounts from one address lock that address. Staff unlock with
# `manage.py axes_reset_username <username>` or the locked accounts page. A successful sign-in
# clears the account's failures only (emulation.lockout), never its address's: otherwise signing
# in to one's own account would wipe the failures counted against someone else's.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "emulation.addresses.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Language: Vietnamese by default; the person's explicit choice, never guessed from the browser.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
FORMAT_MODULE_PATH = ["emulation.formats"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)  # EMAIL_BACKEND, EMAIL_HOST, ... from one URL
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="thidua@localhost")

# Background work (e-mail, bulk PDFs): queued in the database and run by `manage.py db_worker`.
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs tasks in-process (tests).
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# The public address of the site, printed on issued documents (verification links, QR codes).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover align-middle"}

# Production hardening; every one of these can be relaxed from the environment behind a proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
# No inline scripts or styles: scripts come from our static files, or carry the request's nonce.
# htmx is told not to inject its indicator <style> (see the htmx-config meta tag in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Digital time-stamps and signatures (RFC 3161, PAdES; see the README's "Audit log" and "Digital
# signatures"). Each is off while its setting is empty.
# The time-stamping authority that anchors the audit chain's head (`manage.py stamp_audit_head`),
# with HTTP basic credentials when it asks for them, and the roots its certificate must chain to
# (a PEM/DER file or a directory of them) for `verify_audit` to call its tokens trusted.
AUDIT_TSA_URL = env("AUDIT_TSA_URL", default="")
AUDIT_TSA_USERNAME = env("AUDIT_TSA_USERNAME", default="")
AUDIT_TSA_PASSWORD = env("AUDIT_TSA_PASSWORD", default="")
AUDIT_TSA_TIMEOUT = env.int("AUDIT_TSA_TIMEOUT", default=10)
AUDIT_TSA_TRUST_ROOTS = env("AUDIT_TSA_TRUST_ROOTS", default="")
# The issuing bodies' certificates that sign every issued PDF (PAdES): one default PKCS#12 file
# and its passphrase, and/or one per issuer in DOCUMENT_SIGNERS, a JSON object keyed by the
# issuer's name as printed: {"<issuer>": {"p12": "/path.p12", "password": "..."}} or, for a token or
# HSM, {"<issuer>": {"pkcs11": {"lib": "/path/module.so", "token": "label", "pin": "...",
# "cert": "label", "key": "label"}}}. No certificate for an issuer: its PDFs are issued unsigned.
DOCUMENT_SIGNING_P12 = env("DOCUMENT_SIGNING_P12", default="")
DOCUMENT_SIGNING_P12_PASSWORD = env("DOCUMENT_SIGNING_P12_PASSWORD", default="")
DOCUMENT_SIGNERS = env.json("DOCUMENT_SIGNERS", default={})
DOCUMENT_SIGNING_REASON = env("DOCUMENT_SIGNING_REASON", default="Ký số văn bản điện tử")
DOCUMENT_SIGNING_LOCATION = env("DOCUMENT_SIGNING_LOCATION", default="Việt Nam")
# Signatures are time-stamped (PAdES B-T) by this authority; by default the audit chain's.
DOCUMENT_TSA_URL = env("DOCUMENT_TSA_URL", default=AUDIT_TSA_URL)
# The roots the certificates of uploaded signed copies must chain to (a file or directory).
SIGNING_TRUST_ROOTS = env("SIGNING_TRUST_ROOTS", default="")
