"""Settings for Quartier. Every deployment setting comes from the environment.

The README lists every variable. ``make run`` and ``make test`` set
DATABASE_URL and REDIS_URL to embedded servers when they are not set.
"""

from __future__ import annotations

import datetime
import importlib.util
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from quartier.env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Quartier needs a long random SECRET_KEY "
            "(or SECRET_KEY_FILE); for development set DEBUG=1 or use `make run`."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105  # DEBUG only  # nosec B105
# Earlier keys, comma-separated, while SECRET_KEY is being rotated: sessions, signed links and the votes of secret
# ballots opened under an earlier key keep working (committees/secrecy.py).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "guardian",
    "auditlog",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "quartier",
    "actors",
    "committees",
    "fonds",
    "isek",
    "reporting",
    "activation",
]

# The demo data and the factories the tests share (the top-level ``demo`` app): for development and tests only.
# On by default where the app and factory_boy (a development dependency) are there; the production image holds
# neither (``.dockerignore`` leaves ``demo/`` out), so there it is off.


def _importable(name: str) -> bool:
    """Whether ``name`` can be imported; a finder that refuses it (as a stripped image may have) counts as no."""
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


DEMO_AVAILABLE = (BASE_DIR / "demo" / "__init__.py").is_file() and _importable("factory")
QUARTIER_DEMO = env_bool("QUARTIER_DEMO", DEMO_AVAILABLE)
if QUARTIER_DEMO:
    if not DEMO_AVAILABLE:
        raise ImproperlyConfigured(
            "QUARTIER_DEMO is on, but the demo app (the demo/ directory) or factory_boy is missing: "
            "install the development packages (pip install -e '.[dev]') in a checkout of the project, "
            "or set QUARTIER_DEMO=0."
        )
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quartier.outage.DatabaseOutageMiddleware",  # a database outage: 503 with a German message, not 500
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "quartier.languages.LanguageMiddleware",  # the visitor's language on public pages, German or English elsewhere
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quartier.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login with its own page
]

# Content Security Policy (django-csp): scripts, styles, fonts and images only from this site; no inline
# script or style (htmx's own indicator style is switched off in base.html), no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "quartier.urls"
WSGI_APPLICATION = "quartier.wsgi.application"
ASGI_APPLICATION = "quartier.asgi.application"

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
                "quartier.context_processors.areas",
            ],
            # {% area_url %} and the frame's tags (quartier.frame) in every template without a {% load %}.
            "builtins": ["quartier.templatetags.area_urls", "quartier.templatetags.frame"],
        },
    },
]

# Database and Redis -------------------------------------------------------
_SETUP_HINT = "Use `make run` / `make test`, which start embedded servers, or point it at your server."
DATABASES = {
    "default": dj_database_url.parse(
        env_required("DATABASE_URL", _SETUP_HINT),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres:// or postgresql://).")
# The queries that pages run on every request are prepared statements (``quartier.selectors.run_prepared``): each
# keeps one generic plan for its connection. Left to choose, PostgreSQL planned the dashboard's anew on every run
# (it judged the generic plan dearer), which cost more than running it. Only prepared statements are concerned.
_OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
_OPTIONS["options"] = f"{_OPTIONS.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()

REDIS_URL = env_required("REDIS_URL", _SETUP_HINT)
CACHES = {
    "default": {
        "BACKEND": "quartier.cache.QuartierRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "quartier"),
        # A Redis that hangs must not hold up a page (the public form's rate limit and the import ask it).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "quartier")
CELERY_TIMEZONE = "Europe/Berlin"
# Run by Celery beat (`celery -A quartier beat`, or the worker's `-B` under `make run`); at most one beat.
# Each run expires when the next one is due, so runs do not pile up while no worker is there.
CELERY_BEAT_SCHEDULE = {
    "close-due-ballots": {
        "task": "committees.tasks.close_due_ballots",
        "schedule": 5 * 60.0,
        "options": {"expires": 5 * 60},
    },
    "remind-ballot-voters": {
        "task": "committees.tasks.remind_ballot_voters",
        "schedule": 15 * 60.0,
        "options": {"expires": 15 * 60},
    },
    "sweep-reports": {
        "task": "reporting.tasks.sweep_reports",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "tell-follow-ups-due": {
        "task": "actors.tasks.tell_follow_ups_due",
        "schedule": crontab(hour=7, minute=0),  # Europe/Berlin (CELERY_TIMEZONE): before the office opens
        "options": {"expires": 12 * 60 * 60},
    },
    "send-digests": {
        "task": "quartier.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),  # Europe/Berlin (CELERY_TIMEZONE)
        "options": {"expires": 6 * 60 * 60},
    },
    "remind-proof-due": {
        "task": "fonds.tasks.remind_proof_due",
        "schedule": 60 * 60.0,
        "options": {"expires": 60 * 60},
    },
    "resend-waiting-mails": {
        "task": "quartier.tasks.resend_waiting_mails",
        "schedule": 30 * 60.0,
        "options": {"expires": 30 * 60},
    },
}

# Users and permissions -----------------------------------------------------
AUTH_USER_MODEL = "quartier.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before any password is checked
    "quartier.auth.UsernameOrEmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user object

# Passwords are hashed with Argon2; hashes of the older PBKDF2 are read and upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

# Login throttling (django-axes, quartier/auth.py): after LOGIN_FAILURE_LIMIT failed logins for one account
# from one address, whatever spelling of its name or email address was typed, that account is locked out
# from that address for LOGIN_COOLOFF_MINUTES (HTTP 429, a page that says so); after
# LOGIN_ADDRESS_FAILURE_LIMIT failed logins for any accounts from one address, that address is; after
# LOGIN_ACCOUNT_FAILURE_LIMIT failed logins for one account from any addresses, that account is, except from the
# addresses it has logged in from before. An IPv6 client counts by its /64 network (quartier.net).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_HANDLER = "quartier.auth.LoginThrottle"
AXES_USERNAME_CALLABLE = "quartier.auth.login_account_key"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "quartier.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "quartier.net.client_address"
AXES_VERBOSE = False
GUARDIAN_RAISE_403 = False
# Two-factor login (django-otp, TOTP apps plus one-time recovery codes): anyone may switch it on under
# "Sicherheit"; with TWO_FACTOR_REQUIRED on, Steuerung and administrators must.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "Quartier")
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled with every wrong code in a row
OTP_STATIC_THROTTLE_FACTOR = 1

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "quartier.views.csrf_failure"

# Language and time ------------------------------------------------------------
# The public pages (the front door, the funds and the application form, the private link, the committees' pages)
# are offered in all four languages; the office's pages (behind login) in German and English only
# (``quartier.languages``).
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English")), ("tr", _("Turkish")), ("ar", _("Arabic"))]
OFFICE_LANGUAGES = ["de", "en"]
LANGUAGE_COOKIE_NAME = "quartier_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True

# Files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "quartier.static_files.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Email ------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Quartier <quartier@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", address) for address in env_list("ADMINS", [])]
# Where the file-based email backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes.
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail")))
# The pause before a mail the mail server refused is tried again, in seconds (doubled for each of 5 more tries).
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60)
# The address of this installation as members reach it, for links in emails (no trailing slash needed).
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

# HTTPS and cookies ---------------------------------------------------------------
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", False)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []
if not HTTPS:
    # Development and tests over plain HTTP on loopback.
    SILENCED_SYSTEM_CHECKS += ["security.W004", "security.W008", "security.W012", "security.W016"]
if not SECURE_HSTS_PRELOAD:
    # Preloading binds the domain and its subdomains for a long time: a deliberate opt-in.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_answered_outages": {"()": "quartier.outage.HideAnsweredOutages"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # A database outage is logged once per request by quartier.outage, not as a server error (nor mailed).
    "loggers": {"django.request": {"filters": ["hide_answered_outages"]}},
}

# Persons untouched for this many years appear on the data protection review list.
GDPR_REVIEW_YEARS = env_int("GDPR_REVIEW_YEARS", 3)

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = True  # GDPR: no IP addresses in the audit trail

# Funds: the public application form ------------------------------------------------------
# How long an applicant's private link to their application works.
FONDS_LINK_DAYS = env_int("FONDS_LINK_DAYS", 365)
# New applications one client address may start per hour through the public form.
FONDS_RATE_LIMIT = env_int("FONDS_RATE_LIMIT", 10)
# Surveys: answers one client address may give per hour through the public answer page.
SURVEY_RATE_LIMIT = env_int("SURVEY_RATE_LIMIT", 30)
# Files one application may have (attachments, receipts' scans and photos together).
FONDS_MAX_ATTACHMENTS = env_int("FONDS_MAX_ATTACHMENTS", 20)
# How many days ahead a payment may be dated (a transfer ordered for a later day); 0: none ahead.
FONDS_PAYMENT_FUTURE_DAYS = env_int("FONDS_PAYMENT_FUTURE_DAYS", 14)
if FONDS_PAYMENT_FUTURE_DAYS < 0:
    raise ImproperlyConfigured(f"FONDS_PAYMENT_FUTURE_DAYS must be 0 or more, not {FONDS_PAYMENT_FUTURE_DAYS}.")
# Reports: a build that shows no sign of life for this many seconds is taken over by the next sweep.
REPORT_STALE_SECONDS = env_int("REPORT_STALE_SECONDS", 300)
for _name, _value in (
    ("REPORT_STALE_SECONDS", REPORT_STALE_SECONDS),
    ("FONDS_LINK_DAYS", FONDS_LINK_DAYS),
    ("FONDS_RATE_LIMIT", FONDS_RATE_LIMIT),
    ("SURVEY_RATE_LIMIT", SURVEY_RATE_LIMIT),
    ("FONDS_MAX_ATTACHMENTS", FONDS_MAX_ATTACHMENTS),
):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1, not {_value}.")
