"""PolicyHub settings: one module, driven by environment variables.

Defaults are safe for local development (DEBUG on, SQLite file in the project folder).
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; the security settings
then switch on.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from policyhub.editorial import prose_extensions
from policyhub.editorial.embeds import FRAME_HOSTS as EMBED_FRAME_HOSTS
from policyhub.object_storage import s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set SECRET_KEY (50+ random characters) when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env.str("SITE_NAME", default="PolicyHub")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# A static file path ("img/logo.png") for the publisher logo in structured data; empty for none.
SITE_LOGO = env.str("SITE_LOGO", default="")

INSTALLED_APPS = [
    "policyhub.appconfigs.PolicyHubAdminConfig",
    "policyhub.appconfigs.UsersConfig",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "policyhub.appconfigs.TagsConfig",
    "simple_history",
    "csp",
    "policyhub.appconfigs.LoginAttemptsConfig",
    "django_prose_editor",
    "solo",
    "policyhub.editorial",
    "publications",
    "options",
    "policyhub.documents",
    "policyhub.search",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "policyhub.api",
    "policyhub.interchange",
    "policyhub.operations",
    "policyhub.pages",
    "policyhub",
]

# The page cache's two halves wrap everything else (policyhub/cache.py says why): the update half
# sees the finished response, the fetch half answers a hit from inside the CSP middleware.
# Inside them, the header middleware wraps WhiteNoise too: WhiteNoise answers static files without
# calling the middleware below it, and SecurityMiddleware's HTTPS redirect returns early; both
# responses still get the CSP and X-Frame-Options headers.
MIDDLEWARE = [
    # Outermost: compresses whatever comes back, cached pages included (policyhub/middleware.py).
    "policyhub.middleware.CompressionMiddleware",
    # ETag from the page without its nonce, so a cached hit and a fresh render compare equal.
    "policyhub.middleware.ConditionalGetMiddleware",
    # Outside the page cache: CORS headers depend on the request's Origin, not on the page.
    "corsheaders.middleware.CorsMiddleware",
    "policyhub.editorial.cache.PageCacheUpdateMiddleware",
    "policyhub.middleware.SiteCSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the database with the request's parameters.
    "policyhub.middleware.AdminNullCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Acts only on 404s left by the next one: the redirects editors manage (policyhub/pages).
    "policyhub.pages.redirects.RedirectMiddleware",
    # Acts only on 404s: an old slug answers 301 to the item's current address.
    "policyhub.editorial.redirects.OldSlugRedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Revisions record who saved, whatever admin view or action did the save.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before the page cache answers: publishes pending changes whose time has come.
    "policyhub.editorial.pending.ScheduledChangesMiddleware",
    "policyhub.editorial.cache.PageCacheFetchMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "policyhub.urls"
WSGI_APPLICATION = "policyhub.wsgi.application"

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
                "policyhub.context_processors.site",
                "policyhub.pages.context_processors.menus",
            ],
        },
    },
]

# SQLite is the embedded default. IMMEDIATE transactions plus WAL stop "database is locked"
# errors under concurrent writes (tests/policyhub/test_sqlite_concurrency.py); the busy
# timeout is how long a writer queues behind another before giving up.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.float("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Kept open between requests too: a new connection per request ran the PRAGMAs again and
    # started with an empty page cache, half the time of a small page. In autocommit
    # an idle connection holds no snapshot, so it never delays writers or checkpoints.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Persistent connections save a connect per request; the health check (one cheap round trip
    # at the start of a request) drops a connection the server killed or lost in a restart, so
    # that costs no failed request. connect_timeout bounds a request (and /healthz) while the
    # server is unreachable.
    # ?conn_max_age= in DATABASE_URL wins over CONN_MAX_AGE.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=2)
    )

# Redis (CACHE_URL=redis://...) when several machines serve the site: the page cache's
# invalidation is only shared through a shared cache. The default is a file cache in the project,
# so every process on this machine (gunicorn workers, manage.py import_content) shares one.
CACHES = {
    "default": env.cache_url("CACHE_URL", default=f"filecache://{BASE_DIR / '.django-cache'}")
}

# Review notifications (policyhub/editorial/notify.py): the console in development,
# EMAIL_URL=smtp+tls://user:password@host:587 in production. Mail is sent after the save has
# committed; a server that is down or slow costs at most EMAIL_TIMEOUT seconds, logged.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PolicyHub <noreply@localhost>")
# Several sites (or test runs) can share one Redis.
CACHES["default"].setdefault("KEY_PREFIX", env.str("CACHE_KEY_PREFIX", default=""))
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # redis-py waits 5 s by default for a host that accepts and never answers, on every call;
    # every cache call is an optimisation, so giving up fast costs a page little.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
        }
    )

# Sessions live in the database only: with the cache in front of them (cached_db) a Redis outage
# raised on every request that had a session, and locked the editors out of the admin.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Whole-page cache for anonymous readers (policyhub/cache.py). Invalidated on every change readers
# could see; PAGE_CACHE_SECONDS only bounds how long an unchanged page is kept.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Data computed from all published content (the list's facet counts, home topic counts, related
# publications), kept by the page cache's rules for the requests that miss the page cache
# (editors, new filter combinations); its own switch, so tests can turn it off.
DATA_CACHE_ENABLED = env.bool("DATA_CACHE_ENABLED", default=True)
# The GET parameters reader pages read (lists, filters, search, compare, the sitemap's "p"): a
# cached page is keyed on these only, and a page requested with any other (?utm_id=...) is never
# stored, so made-up parameters cannot fill the cache.
PAGE_CACHE_QUERY_PARAMETERS = [
    # lists and search
    "page",
    "q",
    "kind",
    "sort",
    # publication and search filters
    "type",
    "topic",
    "region",
    "tag",
    "author",
    "year",
    # option filters and compare
    "question",
    "track",
    "level",
    "timeframe",
    "status",
    "actor",
    "options",
    # sitemap pages
    "p",
]
# What one page may put in the cache: variants of one path (query strings, encodings) per
# generation, and bytes per response. Redis itself needs maxmemory and allkeys-lru (README).
PAGE_CACHE_MAX_VARIANTS = env.int("PAGE_CACHE_MAX_VARIANTS", default=100)
PAGE_CACHE_MAX_BYTES = env.int("PAGE_CACHE_MAX_BYTES", default=1024 * 1024)
PAGE_CACHE_EXCLUDED_PATHS = [
    "/admin/",
    "/publications/preview/",
    "/options/preview/",
    "/healthz",
    "/static/",
    "/media/",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login throttling (django-axes): the axes backend goes first so it can refuse a locked-out
# username + address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
# Per username *and* address: an attacker cannot lock a real editor out from elsewhere, and one
# address cannot try one account more than five times.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "policyhub.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "policyhub.client_ip.client_ip"
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the default) trusts
# only REMOTE_ADDR: without a proxy, the header is whatever the client wants it to be.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Documents (report PDFs) live outside MEDIA_ROOT: readers get them only through the site's
# download view, which checks that a published publication lists them (policyhub/documents).
DOCUMENTS_ROOT = env.path("DOCUMENTS_ROOT", default=BASE_DIR / "private" / "documents")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # No base_url anyone serves: a document's file is never linked to directly.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOCUMENTS_ROOT, "base_url": "/documents/unserved/"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Object storage for several servers (policyhub/object_storage.py): uploads, renditions and
# documents in one S3-compatible bucket instead of MEDIA_ROOT and DOCUMENTS_ROOT.
MEDIA_STORAGE_URL = env.str("MEDIA_STORAGE_URL", default="")
if MEDIA_STORAGE_URL:
    STORAGES.update(s3_storages(MEDIA_STORAGE_URL))

# WhiteNoise gives hashed file names (css/site.3f2a1b.css) ten years and "immutable"; this is for
# the unhashed names, which a deploy changes in place.
WHITENOISE_MAX_AGE = env.int("WHITENOISE_MAX_AGE", default=3600)

# Uploaded images larger than this many pixels are refused (Django alone accepts a 12 KiB PNG
# that decodes to 10000x10000 pixels). Each upload is decoded and re-encoded in the request, so
# this bounds its time and memory (bench/README.md, "Image uploads"); 24 MP cameras fit.
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=25_000_000)
# Uploaded images larger than this many bytes are refused (publications/images.py). The web
# server's own body limit (nginx client_max_body_size) should be a little above it.
MAX_IMAGE_UPLOAD_SIZE = env.int("MAX_IMAGE_UPLOAD_SIZE", default=10 * 1024 * 1024)

# Uploaded documents (PDF, DOCX, XLSX, CSV, EPUB): larger files are refused, more pages too (a
# page-count bomb costs nothing: the count is read before the page tree). Text is extracted in
# the upload's request for at most this many seconds; pages past that are kept without text.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=100 * 1024 * 1024)
DOCUMENT_MAX_PAGES = env.int("DOCUMENT_MAX_PAGES", default=2000)
DOCUMENT_EXTRACTION_SECONDS = env.float("DOCUMENT_EXTRACTION_SECONDS", default=20)
# DOCX, XLSX and EPUB are zip files: one that declares or unpacks more bytes than this, or holds
# more entries, is refused as a zip bomb (policyhub/documents/formats.py).
DOCUMENT_MAX_UNPACKED_BYTES = env.int("DOCUMENT_MAX_UNPACKED_BYTES", default=500 * 1024 * 1024)
DOCUMENT_MAX_ZIP_ENTRIES = env.int("DOCUMENT_MAX_ZIP_ENTRIES", default=10_000)
# A cover is drawn in a process of its own, killed after this long or at this much memory
# (policyhub/documents/covers.py): the document is then kept without one.
DOCUMENT_COVER_SECONDS = env.float("DOCUMENT_COVER_SECONDS", default=10)
DOCUMENT_COVER_MEMORY = env.int("DOCUMENT_COVER_MEMORY", default=1024 * 1024 * 1024)

# django-taggit: "Sanctions" and "sanctions" are one tag.
TAGGIT_CASE_INSENSITIVE = True
# Commas separate tags, so a tag may have spaces in it ("food security").
TAGGIT_TAGS_FROM_STRING = "publications.tags.comma_separated_tags"
TAGGIT_STRING_FROM_TAGS = "publications.tags.comma_joined_tags"

# Security headers: always sent; the HTTPS-only ones switch on with DEBUG off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie (forms carry the token in a hidden field).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Trusting X-Forwarded-Proto is only safe behind a proxy that sets it (and strips the client's):
# without one, any client could claim https. So it is opt-in, naming the header:
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO.
if proxy_ssl_header := env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (proxy_ssl_header, "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe over plain http inside the network; a redirect would read as "down".
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content Security Policy: no inline scripts or styles, nothing from other hosts. Inline scripts
# need the request's nonce (reader pages: JSON-LD only); the admin gets a nonce for the rich-text
# editor's import map and inline styles (policyhub/middleware.py).
# The rich-text editor's own extensions (footnotes, library figures): its script and what the
# sanitiser keeps of them (policyhub/editorial/prose_extensions.py).
DJANGO_PROSE_EDITOR_EXTENSIONS = prose_extensions.EXTENSIONS

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # The nonce is only added on pages that use it: the JSON-LD blocks of reader pages.
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        # Only the players of the allowed embed providers, fixed in code, loaded on a click.
        "frame-src": list(EMBED_FRAME_HOSTS),
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Django's default logging drops server errors and security events when DEBUG is off; send them
# to stderr (server errors with their traceback; CSRF failures, bad Host headers and other
# suspicious requests as warnings).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "policyhub": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    },
}

PAGE_SIZE = 20

# Brotli quality for responses compressed as they go out (policyhub/middleware.py): every
# response is compressed again, cached pages too, so speed matters more than the last bytes.
BROTLI_QUALITY = env.int("BROTLI_QUALITY", default=5)

# The public read API (policyhub/api/): JSON only, no accounts, GET only.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["policyhub.api.renderers.EscapedJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["policyhub.api.throttling.AddressRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The client address as policyhub/client_ip.py reads it: REMOTE_ADDR unless proxies are
    # trusted (None would believe whatever X-Forwarded-For a client sends).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# Requests per address, shared by every server through the cache; then 429 with Retry-After.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="120/min")
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": "Read-only JSON of everything published on the site.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Self-hosted Swagger UI: no CDN, which the CSP would refuse anyway.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put a link inside each operation's toggle button: nested controls, which
    # keyboard and screen-reader users cannot reach (axe, tests/browser/test_axe.py).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": {"theme": "idea"}},
}
# Anyone may read the API from a browser on another site; no cookies are sent or wanted.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
