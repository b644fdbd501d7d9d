"""Settings, all read from the environment (django-environ).

With nothing set, the project runs on the embedded default: SQLite in the project folder and
Celery tasks executed eagerly in the web process, so `make run` works on a laptop. A real
deployment sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY, DEBUG=false,
ALLOWED_HOSTS and HTTPS=true (docs/deploy.md).
"""

import warnings
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _local_secret_key() -> str:
    """The embedded default's key: made once, random, kept beside the SQLite file (never
    committed). A deployment sets SECRET_KEY in its environment instead."""
    from django.core.management.utils import get_random_secret_key

    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key() + get_random_secret_key(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

HTTPS = env.bool("HTTPS", default=False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A session ends a working day after login however busy it was, and sooner after idle time:
# commune offices share computers, and a record left open on a desk is open to whoever sits
# down (welfare.accounts.session_expiry). The idle limit is checked on each request, so an
# officer typing a long form loses nothing as long as the page talks to the server.
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_MINUTES", default=30) * 60

# Content-Security-Policy (django-csp): the pages load scripts, styles, fonts and images from
# this site only; no inline script, style attribute or event handler (docs/security.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "django_celery_results",
    "django_celery_beat",
    "csp",
    "welfare.core",
    "welfare.audit",
    "welfare.areas",
    "welfare.accounts",
    "welfare.imports",
    "welfare.households",
    "welfare.reports",
    "beneficiaries",
    "relief",
    "employment",
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
    "welfare.accounts.session_expiry.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "welfare.accounts.middleware.DenyByDefaultMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "welfare.urls"
WSGI_APPLICATION = "welfare.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL compiles a plan it estimates costly (a search over a province's households)
    # with JIT: 50-80 ms of compiling for a query that runs in tens of milliseconds, on every
    # request (issue 9, bench/pages_bench.py). Off unless PG_JIT=true.
    if not env.bool("PG_JIT", default=False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out username is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "welfare.accounts.backends.RoleBackend",
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

# Lockout per username: a commune office shares one public IP address, so locking by
# address would lock a whole office out for one person's typos.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock ends 15 minutes after the failure that set it, as the lockout page says; a further
# try meanwhile (often the right password, typed too early) does not push the end back. A
# guesser still gets no more than 5 tries per 15 minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# axes.W006 asks to lock by IP address as well; deliberately not, as said above.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["welfare.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic` first: the container image runs it and sets
        # STATIC_MANIFEST=true; the embedded default serves the files as they are.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# WhiteNoise warns when STATIC_ROOT is missing, which is normal before `collectstatic`.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
# Serve from the finders when collectstatic has not run (the embedded default and tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery. Without a broker, tasks run eagerly in the calling process and their state is still
# stored in the database, so progress pages work the same on the embedded default.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# An eager task that fails is stored as failed (the job page says so), not raised into the
# request that queued it.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_STORE_EAGER_RESULT = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis down, a request that starts a job must not hang: connecting to the broker gives up
# after this many seconds and the job waits in the database (welfare.core.services.job_send).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# A task whose worker died (killed, machine lost) is given to another worker after
# `visibility_timeout` seconds: longer than the longest job (a province's payment run, minutes).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
}
# A lock (welfare.core.locks) lasts this long unless its holder, alive, renews it: a killed
# worker's lock frees itself within this time.
LOCK_LEASE_SECONDS = env.int("LOCK_LEASE_SECONDS", default=60)

# Redis when configured (shared by every process); else a per-process memory cache.
REDIS_URL = env.str(
    "REDIS_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Redis down must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            # The cache holds figures and pages computed from one database (under its case-data
            # version, welfare.core.data_version): two databases sharing a Redis (a copy for
            # training, a benchmark) must never read each other's.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=str(DATABASES["default"]["NAME"])),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Imports (welfare.imports, docs/imports.md) ------------------------------------------------
# The largest file one upload takes (the proxy in front must allow at least as much), the rows
# validated and written per chunk (one lookup query and a few bulk writes per chunk), and how
# many problems an import keeps for its page and error report (the command prints them all).
IMPORTS_MAX_UPLOAD_MB = env.int("IMPORTS_MAX_UPLOAD_MB", default=100)
IMPORTS_CHUNK_ROWS = env.int("IMPORTS_CHUNK_ROWS", default=2000)
IMPORTS_MAX_STORED_PROBLEMS = env.int("IMPORTS_MAX_STORED_PROBLEMS", default=10_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
