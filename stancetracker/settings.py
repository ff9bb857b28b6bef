"""Settings for stancetracker: one module, configured from the environment.

Every variable is listed in ``.env.example``. With nothing set, the project runs in
production mode (``DEBUG`` off) and refuses to start without ``DJANGO_SECRET_KEY``;
``DJANGO_DEBUG=1`` gives a local development setup on an SQLite file.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see .env.example).")
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "accounts",
    "sources",
    "positions",
    "dataversion",
    "api",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Outside the session, CSRF and auth middleware, so that it sees every cookie and Vary they add.
    "stancetracker.conditional.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After the auth and message middleware: sends a user with a one-time password to choose their own.
    "accounts.middleware.OneTimePasswordMiddleware",
    "stancetracker.middleware.DatabaseOutageMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stancetracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "stancetracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "stancetracker.wsgi.application"

# On PostgreSQL, a statement run this many times on a connection is prepared there (psycopg's server-side binding
# and prepared statements): it is parsed once, and PostgreSQL may keep one plan for it when that plan costs no more
# than planning anew for each value. Most public reads repeat a few fixed shapes (a page's excerpts by the ids of its
# stances, one stance by its id, slugs to ids), whose planning cost more than running them. Empty turns it off, as
# a connection pooler in transaction mode that does not track prepared statements needs.
DATABASE_PREPARE_THRESHOLD = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")


def database(url: str) -> dict:
    settings = dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
    if settings["ENGINE"].endswith("postgresql") and DATABASE_PREPARE_THRESHOLD.strip():
        from stancetracker.cursors import ServerBindingCursor  # psycopg only: no Django needed

        options = settings.setdefault("OPTIONS", {})
        options.update(
            server_side_binding=True,
            prepare_threshold=int(DATABASE_PREPARE_THRESHOLD),
            cursor_factory=ServerBindingCursor,
        )
    return settings


# SQLite file by default (no setup); PostgreSQL with DATABASE_URL=postgres://user@host:port/name.
DATABASES = {"default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Seconds a client is told to wait (Retry-After) when the database cannot be reached.
DATABASE_RETRY_AFTER = int(os.environ.get("DATABASE_RETRY_AFTER", "30"))
# Milliseconds a public request's statement may run on PostgreSQL before it is stopped (0: no limit), so that no
# request, however costly its parameters, holds an app server's worker for long.
DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS", "5000"))
if os.environ.get("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}

# PostgreSQL read replicas (django-multidb-router): reads go to them in turn; writes, and a client's
# reads for MULTIDB_PINNING_SECONDS after it writes (an editor saving in the admin), go to the primary.
# Management commands run on the primary (manage.py pins them).
REPLICA_DATABASES = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _alias = f"replica{_number}"
    DATABASES[_alias] = database(_url)
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    REPLICA_DATABASES.append(_alias)
if REPLICA_DATABASES:
    DATABASE_ROUTERS = ["stancetracker.db.SnapshotReplicaRouter"]
    # Before the session middleware: a write anywhere (a login, an admin save) pins the client; and before the
    # conditional GETs, whose snapshot must go where a pinned client reads.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("stancetracker.conditional.ConditionalGetMiddleware"),
        "multidb.middleware.PinningRouterMiddleware",
    )
MULTIDB_PINNING_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "15"))
MULTIDB_PINNING_COOKIE_SECURE = not DEBUG
MULTIDB_PINNING_COOKIE_HTTPONLY = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache keeps API throttling counts across app servers; without one each process counts alone.
if os.environ.get("DJANGO_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_CACHE_URL"],
        }
    }

# The data version (the dataversion app): triggers on these apps' tables change it with every write, and
# public responses are tagged and cached by it.
DATA_VERSION_APPS = ["sources", "positions"]
DATA_VERSION_CACHE = "default"
# Seconds the cache's copy of the version is trusted before it is read again from the database: the longest a
# write made outside this app (psql, another program) goes unnoticed. Writes through the app are seen at once.
DATA_VERSION_RECHECK_SECONDS = int(os.environ.get("DJANGO_DATA_VERSION_RECHECK_SECONDS") or "5")
# Whole public responses kept in the cache by URL, format and data version (0: none). On by default only with a
# shared cache: a per-process copy would cost every worker its memory for the same responses.
RESPONSE_CACHE_SECONDS = int(
    os.environ.get("DJANGO_RESPONSE_CACHE_SECONDS") or ("600" if os.environ.get("DJANGO_CACHE_URL") else "0")
)
# Larger responses (a 500-row CSV page) are served but not kept.
RESPONSE_CACHE_MAX_BYTES = int(os.environ.get("DJANGO_RESPONSE_CACHE_MAX_BYTES") or str(1024 * 1024))
# Names this build of the code in cache keys and ETags, so that a deploy never serves a response of the previous
# code; by default a digest of the project's source files, computed at start.
RELEASE = os.environ.get("DJANGO_RELEASE", "")

# Logins: django-axes counts failures and locks out first, then Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After this many failed logins for one username, or from one address, every login for it is refused (the
# right password too) until the cool-off has passed without another attempt; a successful login resets.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=float(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
# No banner on every management command and request log; lockouts are still logged.
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "stancetracker.logins.client_ip"
AXES_LOCKOUT_CALLABLE = "stancetracker.logins.lockout_response"
# Failures are counted where every app server sees them: in the shared Redis cache when there is one (no
# database write per failed login, and guessing goes on being refused while the database is down), in the
# database otherwise, since a per-process memory cache would let each server count alone.
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if os.environ.get("DJANGO_CACHE_URL")
    else "axes.handlers.database.AxesDatabaseHandler"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# The largest source text (UTF-8 bytes) that may be stored, from a file or pasted in the admin.
SOURCE_TEXT_MAX_BYTES = int(os.environ.get("DJANGO_SOURCE_TEXT_MAX_BYTES", str(2 * 1024 * 1024)))
# A form post may carry such a text (up to three bytes per byte once form-encoded), so that an editor who
# pastes one too large is told the limit rather than given a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(3 * SOURCE_TEXT_MAX_BYTES, 2_621_440)  # never below Django's 2.5 MB

# The licence ``export_dataset`` writes into the published dataset's manifest, and a note on what it covers.
DATASET_LICENCE = os.environ.get("DJANGO_DATASET_LICENCE", "CC-BY-4.0")
DATASET_LICENCE_NOTE = os.environ.get(
    "DJANGO_DATASET_LICENCE_NOTE",
    "The licence covers the curated records (actors, roles, policies, stances, excerpt offsets). Source texts "
    "and the quotes from them remain their publishers' and are included as evidence for the records.",
)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Production hardening; each can be relaxed from the environment behind a TLS proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response: scripts and styles from this site only, and inline ones only
# with the per-response nonce that templates print with {% csp_nonce_attr %} (the admin's do). Pages that
# need more say so themselves (api/urls.py: Redoc).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Redoc (/api/docs/redoc/) inserts its styles at run time, which no nonce can cover, and runs its search in
# a worker made from a blob: URL. That page alone allows both; its scripts are as strict as everywhere else.
REDOC_CSP = {**SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE], "worker-src": [CSP.SELF, "blob:"]}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Public read API (the api app): read-only, anonymous, published records only.
API_PAGE_SIZE = int(os.environ.get("DJANGO_API_PAGE_SIZE", "50"))
API_MAX_PAGE_SIZE = int(os.environ.get("DJANGO_API_MAX_PAGE_SIZE", "500"))
# Requests per client IP, e.g. "120/minute"; empty turns throttling off.
API_ANON_THROTTLE_RATE = os.environ.get("DJANGO_API_ANON_THROTTLE_RATE", "120/minute") or None
# Seconds shared caches and browsers may reuse a response before revalidating it with its ETag. 0 (the default):
# they revalidate every time, which costs the server no database work (stancetracker.conditional), and a
# change is seen at once.
API_CACHE_MAX_AGE = int(os.environ.get("DJANGO_API_CACHE_MAX_AGE", "0"))
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For. 0: clients
# connect directly, REMOTE_ADDR is the client and any X-Forwarded-For is the client's own invention.
# N: the Nth address from the right end of X-Forwarded-For is the client, as the outermost proxy saw it.
NUM_PROXIES = int(os.environ.get("DJANGO_NUM_PROXIES", "0"))

REST_FRAMEWORK = {
    # Anonymous and read-only: nobody logs in to the API, so there is no session or CSRF to check.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_RENDERER_CLASSES": [
        "api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.PublicFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PublicPageNumberPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PublicAnonRateThrottle"],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "api.schema.PublicAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.public_exception_handler",
    "DATE_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "stancetracker public API",
    "DESCRIPTION": "Who said what about which policy, when, and how it changed: published stances with "
    "their evidence. Read-only; every error has the shape {status, code, message, errors}.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc assets come from drf-spectacular-sidecar's static files: no CDN, no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The health check's one status would otherwise take the generic name "StatusEnum".
    "ENUM_NAME_OVERRIDES": {"HealthStatusEnum": ["ok"]},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_error_component"],
}

# Anyone may read the API from a browser on another site; nothing else is shared cross-origin.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Link", "Retry-After"]
