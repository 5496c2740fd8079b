"""Settings, read from the environment. Nothing set gives the embedded default for one laptop:
SQLite, live events delivered in memory, an in-process game clock and Celery tasks run
in-process. Setting DATABASE_URL and REDIS_URL gives production: PostgreSQL, live events through
Redis pub/sub (wargame/live/hub.py), Celery beat. Either may be set without the other."""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from wargame.lib.envparse import (
    EnvError,
    check_redis_url,
    env_bool,
    env_int,
    env_list,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ

try:
    DEBUG = env_bool(ENV, "DEBUG", default=False)
    ALLOWED_HOSTS = env_list(ENV, "ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
    # Needed only when a proxy changes the scheme or host the browser sees (https://…).
    CSRF_TRUSTED_ORIGINS = env_list(ENV, "CSRF_TRUSTED_ORIGINS", [])
    DATABASE_URL = ENV.get("DATABASE_URL", "").strip()
    DATABASE = (
        parse_database_url(DATABASE_URL)
        if DATABASE_URL
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE_DIR / "db.sqlite3")}
    )
    REDIS_URL = (
        check_redis_url(ENV["REDIS_URL"].strip()) if ENV.get("REDIS_URL", "").strip() else ""
    )
    DB_POOL_MAX = env_int(ENV, "DB_POOL_MAX", 10, minimum=1)
    # Threads per server process that run WebSocket commands on PostgreSQL (SQLite has one
    # writer at a time, so commands there share Django's one database thread).
    COMMAND_THREADS = env_int(ENV, "COMMAND_THREADS", 4, minimum=1)
    if DATABASE["ENGINE"].endswith("postgresql") and DB_POOL_MAX <= COMMAND_THREADS:
        # Each command thread holds a pooled connection while it works, and the process needs
        # one more for everything else (connecting sockets, presence, pages).
        raise EnvError(
            f"DB_POOL_MAX={DB_POOL_MAX} must be above COMMAND_THREADS={COMMAND_THREADS}: each "
            "command thread takes a database connection and the rest of the process needs one"
        )
    # Separates several deployments (or parallel test workers) sharing one Redis: the pub/sub
    # channels of live events and the cache keys.
    REDIS_PREFIX = ENV.get("REDIS_PREFIX", "wargame").strip() or "wargame"
    # Wrong join codes one address may enter before each further one waits (2 s, doubling up
    # to the maximum): play/ratelimit.py. A right code always joins.
    JOIN_FREE_FAILURES = env_int(ENV, "JOIN_FREE_FAILURES", 5, minimum=1)
    JOIN_MAX_WAIT_SECONDS = env_int(ENV, "JOIN_MAX_WAIT_SECONDS", 60, minimum=1)
    AXES_FAILURE_LIMIT = env_int(ENV, "LOGIN_FAILURE_LIMIT", 5, minimum=1)
    AXES_COOLOFF_TIME = timedelta(minutes=env_int(ENV, "LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
    # Served over HTTPS (behind the TLS proxy): secure cookies, HTTP redirected to HTTPS, and
    # HSTS for a year, each adjustable on its own. `manage.py check --deploy` is clean with
    # HTTPS=1 (tests/test_settings.py).
    HTTPS = env_bool(ENV, "HTTPS", default=False)
    SECURE_COOKIES = env_bool(ENV, "SECURE_COOKIES", default=HTTPS)
    SECURE_SSL_REDIRECT = env_bool(ENV, "SECURE_SSL_REDIRECT", default=HTTPS)
    SECURE_HSTS_SECONDS = env_int(ENV, "SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
    SECURE_HSTS_PRELOAD = env_bool(ENV, "SECURE_HSTS_PRELOAD", default=False)
except EnvError as exc:
    raise ImproperlyConfigured(str(exc)) from None

# Without DEBUG, SECRET_KEY stays empty when unset: management commands that sign nothing
# (validate_scenario, migrate, makemigrations) still work, and every server process refuses to
# start (wargame.startup.require_secret_key, called by asgi.py and the Celery signals).
SECRET_KEY = ENV.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "wargame.scenarios",
    "wargame.game",
    "wargame.live",
    "wargame.play",
    "wargame.control",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "wargame.lib.nul_guard.RefuseNulMiddleware",  # before anything queries with request values
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair waits LOGIN_LOCKOUT_MINUTES. Per pair, not per username: a player in
# the seminar room must not be able to lock the facilitator out mid-game by typing wrong
# passwords for her name, and a room behind one address keeps its other logins.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wargame.control.views.locked_out"  # says how long to wait, in minutes
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are still logged

# Content-Security-Policy (django-csp) on every response: scripts, styles and connections from
# this origin only ('self' covers the same-origin WebSocket), no inline script or style, no
# framing. The pages use ES modules and json_script data blocks, which this allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "wargame.urls"
ASGI_APPLICATION = "wargame.asgi.application"

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
                "wargame.game.context_processors.limits",
            ],
        },
    },
]

if DATABASE["ENGINE"].endswith("sqlite3"):
    # WAL + IMMEDIATE transactions: concurrent writers queue for the lock instead of failing
    # with "database is locked", and seq allocation is serialised by the write lock.
    DATABASE["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Keep connections open: reopening one (and rerunning the PRAGMAs) per command cost more
    # than the command itself (docs/performance.md).
    DATABASE["CONN_MAX_AGE"] = None
    # Tests run consumers in threads: a file database, not shared-cache memory, so they can.
    DATABASE["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
else:
    # Consumers reach the ORM through a thread pool: pool connections instead of opening one
    # per call.
    DATABASE.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": DB_POOL_MAX}
    # Parameters sent apart from the SQL, and statements a connection runs often (the append)
    # prepared after 5 runs: PostgreSQL then skips parsing and planning them, about a third of
    # its CPU per event (docs/performance.md). Not for PgBouncer in transaction mode.
    DATABASE["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
DATABASES = {"default": DATABASE}

# Live events need no channel layer: wargame/live/hub.py delivers them in memory, or through
# Redis pub/sub when REDIS_URL is set. Without CHANNEL_LAYERS, consumers get no layer
# (channels' get_channel_layer() returns None).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
    GAME_CLOCK = "celery"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    GAME_CLOCK = "inprocess"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE = {
    "tick-running-exercises": {
        "task": "wargame.game.tasks.tick_running_exercises",
        "schedule": 1.0,
        # A tick that waited longer than this is stale; the next one does its work.
        "options": {"expires": 5},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/control/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SCENARIO_DIR = BASE_DIR / "scenarios"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # hosts under this one (not its siblings)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
# Preloading HSTS is a lasting commitment of the whole domain to browsers' lists: a deployment
# opts in (SECURE_HSTS_PRELOAD=1); the check that asks for it is silenced, not the rest.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": ENV.get("LOG_LEVEL", "INFO")},
}
