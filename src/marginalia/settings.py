"""Settings from environment variables, with defaults that run out of the box, except
the secrets: outside DJANGO_DEBUG=1 they have none (realtime_core.secret_keys)."""

import os
import re
import sys
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as cors_default_headers
from django.core.exceptions import ImproperlyConfigured
from limits import parse_many

from realtime_core import secret_keys, tokens
from realtime_core.config import RealtimeConfig

from .content_security import page_policy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MARGINALIA_VAR_DIR", BASE_DIR.parent / "var"))

DEBUG = secret_keys.development_mode()
try:
    # Signs pseudonyms (and tokens, unless JWT_SECRET is set); outside DEBUG there is no default.
    SECRET_KEY = secret_keys.require(
        "DJANGO_SECRET_KEY", "it keeps pseudonyms unlinkable to their authors and signs tokens"
    )
    tokens.secret()  # checked at start, not at the first login
except secret_keys.MissingSecret as missing:
    # Every process that loads these settings (gunicorn workers, manage.py, the relay)
    # stops here with one line instead of a traceback from deep inside Django.
    missing.exit("marginalia")


def _allowed_hosts() -> list[str]:
    """The Host headers answered. Outside DEBUG there is no default: `*` would answer
    any name pointed at the server, so the process stops at start, in one line, as
    for a missing secret. In DEBUG an empty list is Django's localhost-only default."""
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts and not DEBUG:
        print(
            "marginalia: DJANGO_ALLOWED_HOSTS is not set: the host names this API answers "
            "to, comma-separated (e.g. example.org,www.example.org). Set it "
            "(or DJANGO_DEBUG=1 for local development only).",
            file=sys.stderr,
            flush=True,
        )
        raise SystemExit(secret_keys.EXIT_MISSING_SECRET)
    return hosts


ALLOWED_HOSTS = _allowed_hosts()


def _flag(variable: str) -> bool:
    """1 or 0 (unset: 0); anything else stops the process, since a "true" read as off
    would quietly leave HTTPS unenforced."""
    value = os.environ.get(variable, "").strip()
    if value not in ("", "0", "1"):
        raise ImproperlyConfigured(f"{variable}={value!r}: use 1 or 0")
    return value == "1"


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """ "X-Forwarded-Proto" (or "X-Forwarded-Proto: https") -> Django's
    ("HTTP_X_FORWARDED_PROTO", "https"): the header the proxy in front sets, and its
    value on a request that reached the proxy over HTTPS."""
    if not value.strip():
        return None
    name, _, expected = value.partition(":")
    name, expected = name.strip(), expected.strip() or "https"
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={value!r} is not a header name such as X-Forwarded-Proto"
        )
    return "HTTP_" + name.upper().replace("-", "_"), expected


# HTTPS, when the API is served through it (off by default: bin/run serves plain HTTP).
# Behind a proxy that ends TLS, name the header it sets, or every request looks like
# plain HTTP and SECURE_SSL_REDIRECT redirects forever.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(os.environ.get("SECURE_PROXY_SSL_HEADER", ""))
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT")
# Probes reach a process directly, over plain HTTP: they get their answer, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^api/(health|ready|metrics)$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD")
# No session or CSRF cookie is set (tokens travel in the Authorization header); were
# one added, it would never travel over plain HTTP where HTTPS is enforced.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
# `check --deploy` asks for Django's CSRF middleware. CSRF abuses credentials a browser
# adds by itself (cookies); here every credential is a bearer token the page's script
# puts in the Authorization header, which no other site can make a browser send, and
# the API's views are CSRF-exempt in Ninja anyway. So the check is answered here.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "ninja",  # /api/docs then loads Swagger UI from ninja's own static files, not a CDN
    "corsheaders",
    "accounts",
    "communities",
    "discussions",
    "realtime",
    "notifications",
    "search",
    "web",
]

MIDDLEWARE = [
    # Outermost: times each request whole and counts its answer (marginalia.request_metrics).
    "marginalia.request_metrics.RequestMetricsMiddleware",
    # Next, so that every answer carries the CORS headers, errors included.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "marginalia.error_handlers.JsonMethodNotAllowed",
    "marginalia.no_store.ApiAnswersNotStored",
]

ROOT_URLCONF = "marginalia.urls"
WSGI_APPLICATION = "marginalia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'marginalia.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write at once. A deferred transaction that reads
    # first and then writes cannot wait for the write lock (SQLite answers
    # "database is locked" at once), so take the lock at BEGIN and wait for it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if os.environ.get("MARGINALIA_TEST_RUN"):
    # bin/test names each run's test database after the run, so two runs on one
    # server never drop each other's database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{os.environ['MARGINALIA_TEST_RUN']}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# Static files are served straight from the apps (no collectstatic step); a
# deployment may collect them into DJANGO_STATIC_ROOT instead.
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Largest request body the API accepts; larger ones get 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("API_MAX_BODY_BYTES", 256 * 1024))

# Redis, queue and log settings shared with the poll server (realtime_core.config);
# realtime.connection binds its clients with them.
REALTIME = RealtimeConfig.from_env()

# CORS: a front end on its own origin (say a development server on :3000) calls the
# API across origins. The allow-list is the poll server's too (CORS_ALLOWED_ORIGINS).
# Tokens travel in the Authorization header, never in cookies, but credentials are
# allowed for listed origins as on the poll server; a wildcard never has them.
_ORIGINS = REALTIME.allowed_origins
CORS_ALLOW_ALL_ORIGINS = "*" in _ORIGINS
CORS_ALLOWED_ORIGINS = [o for o in _ORIGINS if o != "*"]
CORS_ALLOW_CREDENTIALS = not CORS_ALLOW_ALL_ORIGINS
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*cors_default_headers, "x-realtime-queue-id")
CORS_EXPOSE_HEADERS = ["Retry-After"]  # a cross-origin client must read when to come back
CORS_PREFLIGHT_MAX_AGE = 600

# Where browsers reach the poll server.
REALTIME_PUBLIC_URL = os.environ.get("REALTIME_PUBLIC_URL", "http://localhost:8888")
# Where people reach these pages: the origin of every link sent by e-mail. Configured,
# never read from a request's Host header, which whoever sends the request chooses.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:8000").rstrip("/")

# E-mail (password reset links) through Django's backends: SMTP unless configured
# otherwise (bin/run writes mails to files under var/mail instead).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_FILE_PATH = str(VAR_DIR / "mail")  # for the file backend
# A mail server that stops answering holds the thread sending the mail, never longer.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Marginalia <noreply@localhost>")
# A reset link works once (its token hashes the password it replaces) and for this long.
PASSWORD_RESET_TIMEOUT = 60 * 60

# The relay (manage.py relay_outbox): how long published outbox rows are kept, and
# where it serves its Prometheus metrics (port 0: not at all; host "": all interfaces).
OUTBOX_RETENTION_HOURS = float(os.environ.get("OUTBOX_RETENTION_HOURS") or 24)
# Work the relay's loop does after each pass over the outbox, named here so the
# realtime floor knows no app: notifications' inbox lines are written after the
# commit, in bulk, never in the request that wrote.
RELAY_PASSES = ["notifications.delivery.deliver_pending"]
RELAY_METRICS_PORT = int(os.environ.get("RELAY_METRICS_PORT") or 0)
RELAY_METRICS_HOST = os.environ.get("RELAY_METRICS_HOST", "")
# Under gunicorn (gunicorn.conf.py sets it) the workers keep their metrics in this folder
# and GET /api/metrics adds them up; without it a process serves its own.
METRICS_MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

# Content-Security-Policy of every answer (django-csp's middleware): no inline script.
CONTENT_SECURITY_POLICY = page_policy(REALTIME_PUBLIC_URL)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines can carry queue ids (capabilities); keep them out of the log.
        "django.server": {"level": "WARNING"},
        # SQL parameters hold discussion contents; never log them, even at DEBUG.
        "django.db.backends": {"level": "INFO"},
    },
}

# Abuse limits (toolkit.rate_limits), kept in Redis: RATE_LIMIT_REDIS_URL, else the
# realtime Redis. Each is one or more rules in the `limits` notation ("30/minute;500/hour"),
# all of which must hold; "" turns that limit off.
RATE_LIMIT_REDIS_URL = os.environ.get("RATE_LIMIT_REDIS_URL") or REALTIME.redis_url


def _rate_limit(variable: str, default: str) -> str:
    """Checked at start: a typo would otherwise fail every request it applies to."""
    rules = os.environ.get(variable, default)
    try:
        if rules.strip():
            parse_many(rules)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{variable}={rules!r} is not a rate limit such as '30/minute;500/hour'"
        ) from exc
    return rules


RATE_LIMITS = {
    name: _rate_limit(variable, default)
    for name, variable, default in (
        ("signups_per_ip", "RATE_LIMIT_SIGNUPS_PER_IP", "10/hour;50/day"),
        ("password_resets_per_ip", "RATE_LIMIT_PASSWORD_RESETS_PER_IP", "10/hour;50/day"),
        # Each one mails the address: a few, so nobody can fill someone's inbox.
        ("password_resets_per_email", "RATE_LIMIT_PASSWORD_RESETS_PER_EMAIL", "3/hour;10/day"),
        ("logins_per_ip", "RATE_LIMIT_LOGINS_PER_IP", "30/minute;300/hour"),
        # Tiers make the wait grow with the failures: a minute, then 15 minutes, then an hour.
        (
            "login_failures_per_account",
            "RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT",
            "5/minute;10/15 minutes;20/hour;100/day",
        ),
        ("writes_per_user", "RATE_LIMIT_WRITES_PER_USER", "30/minute;500/hour"),
        ("communities_per_user", "RATE_LIMIT_COMMUNITIES_PER_USER", "5/hour;20/day"),
        ("presence_per_tab", "RATE_LIMIT_PRESENCE_PER_TAB", "30/minute"),
        ("presence_per_user", "RATE_LIMIT_PRESENCE_PER_USER", "120/minute"),
        ("typing_per_user", "RATE_LIMIT_TYPING_PER_USER", "60/minute"),
        ("visits_per_user", "RATE_LIMIT_VISITS_PER_USER", "120/minute"),
        # A composer previews as its writer pauses: more often than anyone posts.
        ("previews_per_user", "RATE_LIMIT_PREVIEWS_PER_USER", "60/minute;600/hour"),
        # A search box asks as its reader types; anonymous readers count by address.
        ("searches_per_user", "RATE_LIMIT_SEARCHES_PER_USER", "60/minute;1000/hour"),
        ("searches_per_ip", "RATE_LIMIT_SEARCHES_PER_IP", "30/minute;300/hour"),
    )
}
# Full-text search (src/search): the PostgreSQL text search configuration the posts are
# indexed and queried with (a community's papers may not be in English; `simple` stems
# nothing). On SQLite, `english` stems with FTS5's porter tokenizer and anything else
# does not. The index is built with it: after a change, `manage.py rebuild_search_index`.
SEARCH_TEXT_CONFIG = os.environ.get("SEARCH_TEXT_CONFIG", "english")
if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", SEARCH_TEXT_CONFIG):
    # It is written into the index's DDL, where no parameter can stand for it.
    raise ImproperlyConfigured(
        f"SEARCH_TEXT_CONFIG={SEARCH_TEXT_CONFIG!r} is not a text search configuration name"
    )
# The longest a search may run before it is cancelled (503): a query is never slow.
SEARCH_TIMEOUT_MS = int(os.environ.get("SEARCH_TIMEOUT_MS") or 2000)
# Reverse proxies in front of the API that append the client's address to
# X-Forwarded-For; 0 trusts no header and limits by the connection's address.
RATE_LIMIT_TRUSTED_PROXIES = int(os.environ.get("RATE_LIMIT_TRUSTED_PROXIES", 0))
