"""Settings for the Renovation Portal.

One module: every value that differs between a laptop and production is read from
the environment, with safe development defaults. Production (``DEBUG=0``) refuses to
start without a real ``SECRET_KEY``.

https://docs.djangoproject.com/en/5.2/topics/settings/
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# ------------------------------------------------------------------------------
# Core
# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
# ------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", True)

# A development key, only ever accepted while DEBUG is on.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment when DEBUG is off."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 40
):
    raise ImproperlyConfigured(
        "SECRET_KEY is a development or too short key; production needs a random "
        "key of at least 40 characters."
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

ROOT_URLCONF = "renovation_portal.urls"
WSGI_APPLICATION = "renovation_portal.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    # Django's admin on the portal's own site: staff two-factor (staff_otp.py).
    "renovation_portal.admin_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "axes",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "storages",
    "renovation_portal",
    "estates",
    "lanes",
    "governance",
    "follows",
    # After the apps whose models it keeps the history of.
    "staff",
    # The pages that span apps (home, programmes, case studies, open data,
    # statistics, the staff dashboard).
    "sitewide",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the headers too.
    "csp.middleware.CSPMiddleware",
    "renovation_portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Which database the request reads from: a replica or, for the admin, a
    # write, or a visitor who just wrote, the primary (renovation_portal/db_router.py).
    "renovation_portal.db_router.ReadRoutingMiddleware",
    # Answers anonymous visitors' public pages from the cache before sessions,
    # language and CSRF run (renovation_portal/page_cache.py).
    "renovation_portal.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "renovation_portal.middleware.LocaleMiddleware",
    # Before CommonMiddleware, as django-cors-headers asks; CORS only on /api/.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change in the edit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # request.user.is_verified(): did this session give a two-factor code?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

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
                "renovation_portal.context_processors.site",
                "renovation_portal.instance.instance",
                "sitewide.context_processors.synthetic_data",
            ],
        },
    },
    # The hottest public pages (a compound's page): compiled to Python by
    # Jinja2, with the same helpers and catalogues (sitewide/jinja.py;
    # issue 17, item 2). Views that use it say template_engine = "jinja2".
    {
        "NAME": "jinja2",
        # Each template compiled once per language (sitewide/jinja.py).
        "BACKEND": "sitewide.jinja.PerLanguageJinja2",
        "DIRS": [BASE_DIR / "jinja_templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "sitewide.jinja.environment",
            "context_processors": [
                "renovation_portal.context_processors.site",
                "renovation_portal.instance.instance",
                "sitewide.context_processors.synthetic_data",
            ],
        },
    },
]

# The benchmark (make bench): Server-Timing on every response and the framework
# floor view at /bench/floor/ (renovation_portal/bench.py). Never in production.
BENCH = env_bool("BENCH", False)
if BENCH:
    MIDDLEWARE.insert(0, "renovation_portal.bench.ServerTimingMiddleware")

# ------------------------------------------------------------------------------
# Database: SQLite with no setup; DATABASE_URL (postgres://…) for PostgreSQL.
# https://github.com/jazzband/dj-database-url
# ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Read replicas, when given (DATABASE_REPLICA_URLS, comma-separated; the single
# DATABASE_REPLICA_URL still works): public pages' and the API's reads go to a
# healthy one, everything else to default (renovation_portal/db_router.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_URLS = [
    url.strip()
    for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",")
    if url.strip()
]
if DATABASE_REPLICA_URL and DATABASE_REPLICA_URL not in DATABASE_REPLICA_URLS:
    DATABASE_REPLICA_URLS.insert(0, DATABASE_REPLICA_URL)
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _alias = "replica" if _number == 1 else f"replica{_number}"
    DATABASES[_alias] = dj_database_url.parse(
        _url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    # The test runner makes no second test database: a replica mirrors
    # default, as it does in production.
    # https://docs.djangoproject.com/en/5.2/topics/testing/advanced/#testing-primary-replica-configurations
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["renovation_portal.db_router.ReplicaRouter"]
# A replica lagging more than this many seconds serves nothing until it
# catches up; each process asks each replica its lag at most this often.
DATABASE_REPLICA_MAX_LAG_SECONDS = float(
    os.environ.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "5")
)
DATABASE_REPLICA_CHECK_SECONDS = float(
    os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "1")
)
# After a request that may write, the visitor reads from the primary for this
# many seconds (a signed cookie), so nobody misses their own change.
READ_YOUR_WRITES_SECONDS = float(
    os.environ.get(
        "READ_YOUR_WRITES_SECONDS",
        str(
            max(
                15.0,
                2 * (DATABASE_REPLICA_MAX_LAG_SECONDS + DATABASE_REPLICA_CHECK_SECONDS),
            )
        ),
    )
)

for _alias, _database in DATABASES.items():
    if _database["ENGINE"] != "django.db.backends.postgresql":
        continue
    _options = _database.setdefault("OPTIONS", {})
    # Fail fast rather than hang when the database is unreachable; sooner for a
    # replica, whose reads can go to the primary instead (libpq's least is 2).
    _options["connect_timeout"] = int(
        os.environ.get("DATABASE_REPLICA_CONNECT_TIMEOUT", "2")
        if _alias != "default"
        else os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")
    )
    # No statement may hold a worker longer than gunicorn would wait for it;
    # 0 turns the limit off (e.g. for a long migration).
    # https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
    _statement_timeout = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "20000"))
    _options["options"] = " ".join(
        filter(
            None,
            [_options.get("options", ""), f"-c statement_timeout={_statement_timeout}"],
        )
    )

# The hottest pages' queries (renovation_portal/prepared.py) are prepared once
# per connection on PostgreSQL; 0 behind a pooler that cannot keep prepared
# statements (PgBouncer in transaction mode before 1.21).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)

# ------------------------------------------------------------------------------
# Cache: local memory by default, Redis when REDIS_URL is given.
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
# ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis outage is a cache miss, not an
            # error: pages keep coming from the database (renovation_portal/cache.py).
            "BACKEND": "renovation_portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "renovation",
            # A stopped Redis must cost a request a second at most, never hang it.
            # https://redis.readthedocs.io/en/stable/connections.html
            "OPTIONS": {
                "socket_connect_timeout": float(
                    os.environ.get("REDIS_SOCKET_TIMEOUT", "1")
                ),
                "socket_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", "1")),
            },
        }
    }
    # Sessions written to the database and read through the cache: they survive
    # a Redis restart, and any app server can read them.
    # https://docs.djangoproject.com/en/5.2/topics/http/sessions/#using-cached-sessions
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous public pages kept this many seconds at most (an edit shows at once
# anyway: renovation_portal/page_cache.py). Off by default without Redis: each
# worker's local memory is its own, and one worker cannot tell the others that
# a record changed.
PAGE_CACHE_SECONDS = int(
    os.environ.get("PAGE_CACHE_SECONDS", "600" if REDIS_URL else "0")
)
# Each worker also keeps the pages it answered last, up to this many bytes, so
# that a hit reads at most its tags' versions from Redis (page_cache.py).
PAGE_CACHE_LOCAL_BYTES = int(
    os.environ.get("PAGE_CACHE_LOCAL_BYTES", str(8 * 1024 * 1024))
)
# With Redis each worker listens for bumped tags (pub/sub) and trusts the
# versions it read until it hears they moved: an edit shows at once in every worker
# (renovation_portal/generation_watch.py). PAGE_CACHE_WATCH=0 turns that off.
PAGE_CACHE_WATCH = os.environ.get("PAGE_CACHE_WATCH", "1") == "1"
# While a worker is not listening (Redis down, connecting, or PAGE_CACHE_WATCH=0)
# it trusts the tag versions it read this long (0: it reads them for every request,
# and an edit shows at once; 1 would allow a page up to a second old).
PAGE_CACHE_GENERATION_SECONDS = float(
    os.environ.get("PAGE_CACHE_GENERATION_SECONDS", "0")
)

# ------------------------------------------------------------------------------
# Languages: Chinese first (no URL prefix), English under /en/.
# https://docs.djangoproject.com/en/5.2/topics/i18n/translation/
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
# Browsers' zh-CN, zh-SG and plain zh fall back to zh-hans through Django's
# LANG_INFO fallbacks, so Chinese readers get Chinese without a prefix.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# One form of date and time per language on every page (formats/en/formats.py).
FORMAT_MODULE_PATH = ["renovation_portal.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# ------------------------------------------------------------------------------
# Static and media files
# https://whitenoise.readthedocs.io/
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
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

# Uploads on S3-compatible object storage (django-storages) when MEDIA_S3_BUCKET
# is set, so that several app servers share them; each object carries its
# Content-Type and Content-Disposition (renovation_portal/storage.py). Without
# keys boto3 looks for credentials itself (an instance role, ~/.aws).
# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
# Where browsers fetch media from; the Content Security Policy allows images
# from there (below).
MEDIA_ORIGINS: list[str] = []
if MEDIA_S3_BUCKET:
    _endpoint = os.environ.get("MEDIA_S3_ENDPOINT_URL", "").rstrip("/")
    _region = os.environ.get("MEDIA_S3_REGION", "")
    # A CDN or the nginx /media/ location in front of the bucket, e.g.
    # "media.portal.example.org" or "portal.example.org/media": plain URLs,
    # and the place that adds nosniff (deploy/nginx.conf.example).
    _custom_domain = os.environ.get("MEDIA_S3_CUSTOM_DOMAIN", "").strip("/")
    STORAGES["default"] = {
        "BACKEND": "renovation_portal.storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": _endpoint or None,
            "region_name": _region or None,
            # "virtual" for stores that refuse path-style addresses (Aliyun OSS).
            "addressing_style": os.environ.get("MEDIA_S3_ADDRESSING_STYLE") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": _custom_domain or None,
            # Signed, expiring URLs for a private bucket; none through a
            # custom domain, which reads the bucket itself.
            "querystring_auth": env_bool(
                "MEDIA_S3_QUERYSTRING_AUTH", not _custom_domain
            ),
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    if _custom_domain:
        MEDIA_URL = f"https://{_custom_domain}/"
        MEDIA_ORIGINS = [f"https://{_custom_domain.split('/')[0]}"]
    elif _endpoint:
        # Path-style (endpoint/bucket/key) or virtual-hosted (bucket.endpoint).
        _scheme, _sep, _host = _endpoint.partition("://")
        _host = _host.split("/")[0]
        MEDIA_ORIGINS = [
            f"{_scheme}://{_host}",
            f"{_scheme}://{MEDIA_S3_BUCKET}.{_host}",
        ]
    else:
        _aws = "amazonaws.com.cn" if _region.startswith("cn-") else "amazonaws.com"
        MEDIA_ORIGINS = [f"https://{MEDIA_S3_BUCKET}.s3.{_aws}"]
        if _region:
            MEDIA_ORIGINS.append(f"https://{MEDIA_S3_BUCKET}.s3.{_region}.{_aws}")

# ------------------------------------------------------------------------------
# Security
# https://docs.djangoproject.com/en/5.2/topics/security/
# ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Cookies: never readable by scripts, sent cross-site only on top-level
# navigation, and (DEBUG=0) only over HTTPS. Staff sessions last a working day.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form is the portal's page in the visitor's language, not Django's.
CSRF_FAILURE_VIEW = "renovation_portal.errors.csrf_failure"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The load balancer's probe speaks plain HTTP to the app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    LANGUAGE_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only a header token: nothing is preloaded until the domain's owner submits
    # it at https://hstspreload.org/. SECURE_HSTS_PRELOAD=0 drops it.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How many proxies in front of the app append to X-Forwarded-For (nginx, a load
# balancer). 0 trusts only the connection's address, so a client cannot forge
# its own; DRF's throttles and django-axes read the client's address the same
# way (renovation_portal.middleware.client_ip).
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", os.environ.get("API_NUM_PROXIES", "0")))

# The admin's address: moving it off /admin/ keeps the bots' guesses away.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# ------------------------------------------------------------------------------
# Map tiles (issue 19). Without MAP_TILE_URL the pages draw their offline plan
# and no tile is fetched. The portal stores WGS-84; MAP_TILE_CRS says what the
# tiles are drawn in: "wgs84" (also CGCS2000: Tianditu, OpenStreetMap) or
# "gcj02" (AMap, Tencent), for which points are shifted to match. The README's
# "Map tiles" section shows Tianditu's and AMap's settings.
# https://leafletjs.com/reference.html#tilelayer
# ------------------------------------------------------------------------------
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
# A second layer drawn over the first (Tianditu's place names: cva_w).
MAP_TILE_LABELS_URL = os.environ.get("MAP_TILE_LABELS_URL", "")
# What {s} in the URLs stands for, one character each ("01234567" for Tianditu).
MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS", "abc")
MAP_TILE_MAX_ZOOM = int(os.environ.get("MAP_TILE_MAX_ZOOM", "18"))
MAP_TILE_CRS = os.environ.get("MAP_TILE_CRS", "wgs84")
if MAP_TILE_CRS not in {"wgs84", "gcj02"}:
    raise ImproperlyConfigured('MAP_TILE_CRS must be "wgs84" or "gcj02".')
if not 1 <= MAP_TILE_MAX_ZOOM <= 20:
    raise ImproperlyConfigured("MAP_TILE_MAX_ZOOM must be from 1 to 20.")


def tile_origins(*templates: str) -> list[str]:
    """The origins tiles come from, for the Content Security Policy: a
    ``{s}`` in the host name becomes ``*``."""
    origins = []
    for template in templates:
        if not template:
            continue
        scheme, _sep, rest = template.partition("://")
        host = rest.split("/", 1)[0]
        labels = ["*" if "{" in label else label for label in host.split(".")]
        origins.append(f"{scheme}://{'.'.join(labels)}")
    return origins


MAP_TILE_ORIGINS = tile_origins(MAP_TILE_URL, MAP_TILE_LABELS_URL)

# Content Security Policy: scripts, styles and images from this site only;
# the one inline script (the API docs page) carries a per-request nonce.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS, *MAP_TILE_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Powerful browser features the portal never uses, switched off for every page
# and anything it might embed (renovation_portal.middleware). Geolocation is
# the portal's own only: the map's "near me" asks for it on a tap (issue 19);
# nothing embedded may.
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Permissions-Policy
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# Login throttling: after AXES_FAILURE_LIMIT failed logins with the same user
# name from the same address, that pair is locked out for the cool-off time.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "renovation_portal.middleware.client_ip"
# Lockouts end by themselves after the cool-off; `manage.py axes_reset_username`
# lifts one early. axes' own admin pages stay off: they list staff addresses.
AXES_ENABLE_ADMIN = False
AXES_COOLOFF_MESSAGE = _(
    "Too many failed logins with this user name. Logging in is locked for a while; "
    "please try again later or ask an administrator to unlock the account."
)
# Password spraying (one address trying many user names, issue 22): after this
# many failed logins from one address within the window, whatever the user
# names, that address may not log in until the window ends. An office behind
# one address fails far fewer than ten times in a quarter of an hour.
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "10"))
LOGIN_ADDRESS_FAILURE_WINDOW = int(
    os.environ.get("LOGIN_ADDRESS_FAILURE_WINDOW", "900")
)

# Which records each member of staff may act on in the admin: the scope of their
# staff assignment, who may be handed a compound's feedback, who may revert a
# record (renovation_portal/access.py). The staff app provides it, so that the
# admin machinery every app uses need not import staff.
PORTAL_ACCESS_POLICY = "staff.access.StaffAccessPolicy"

# Staff two-factor (django-otp, TOTP): a staff member who has confirmed an
# authenticator app gives its six-digit code at every admin login; with
# STAFF_OTP_REQUIRED every staff member must set one up before using the admin
# (renovation_portal/staff_otp.py). A wrong code counts as a failed login.
# https://django-otp-official.readthedocs.io/en/stable/overview.html
STAFF_OTP_REQUIRED = env_bool("STAFF_OTP_REQUIRED", False)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Renovation Portal")
# The admin's device pages never show a device's secret once it is saved.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# ------------------------------------------------------------------------------
# Django REST framework, drf-spectacular, CORS: the public read-only API
# https://www.django-rest-framework.org/api-guide/settings/
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
# https://github.com/adamchainz/django-cors-headers
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "renovation_portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 20,
    # DRF's JSONRenderer, safe for lone surrogates echoed back in errors.
    "DEFAULT_RENDERER_CLASSES": ["renovation_portal.api.renderers.JSONRenderer"],
    # DRF's, refusing bodies nested too deep (renovation_portal/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["renovation_portal.api.parsers.SafeJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication"
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "renovation_portal.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["renovation_portal.api.throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "300/minute")},
    # How many proxies in front of the app set X-Forwarded-For (Security).
    "NUM_PROXIES": NUM_PROXIES,
    # Figures as JSON numbers, not strings.
    "COERCE_DECIMAL_TO_STRING": False,
    # No ?format=: the API speaks JSON only.
    "URL_FORMAT_OVERRIDE": None,
}
# Public data: shared caches may keep an answer this many seconds.
API_CACHE_MAX_AGE = int(os.environ.get("API_CACHE_MAX_AGE", "60"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Renovation Portal API",
    "DESCRIPTION": (
        "Read-only public data of the old residential compound renovation "
        "programme: compounds, communities, merged courtyards, themed lanes, "
        "events, councils, meetings, organisations, facilities, construction "
        "notices and the programme's figures. Content in Chinese (`zh-hans`, the "
        "default) or English (`en`) by `?lang=` or `Accept-Language`; `?lang=all` "
        "gives both. Figures the source does not disclose are null."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components, so an upload is a binary file
    # there rather than the address an answer would give.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl null: the page never calls swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "renovation_portal.api.schema.add_common_answers",
        "renovation_portal.api.schema.add_links",
        "sitewide.api.examples.fill_examples",
    ],
    "ENUM_NAME_OVERRIDES": {
        "FacilityKindEnum": "estates.models.FacilityKind",
        "NoticeKindEnum": "estates.models.NoticeKind",
        "MeetingKindEnum": "governance.models.MeetingKind",
        "OrganisationKindEnum": "governance.models.OrganisationKind",
        "StepStatusEnum": "estates.models.StepStatus",
    },
}

CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Content-Language"]

# ------------------------------------------------------------------------------
# Logging: to the console, where gunicorn and systemd pick it up.
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A 503 while PostgreSQL restarts is one line, not a traceback.
        "database_down": {"()": "renovation_portal.errors.OneLineWhileDatabaseDown"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["database_down"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# ------------------------------------------------------------------------------
# Resident feedback and uploads (issue 5): abuse limits, photo limits, retention
# of contact details. See renovation_portal/ratelimit.py and images.py.
# https://pillow.readthedocs.io/en/stable/reference/Image.html#PIL.Image.open
# ------------------------------------------------------------------------------
# Feedback submissions (form and API together) per client address and window.
FEEDBACK_RATE_LIMIT = int(os.environ.get("FEEDBACK_RATE_LIMIT", "5"))
FEEDBACK_RATE_WINDOW = int(os.environ.get("FEEDBACK_RATE_WINDOW", "600"))
# Satisfaction-survey answers per client address and window: room for a
# household sharing one connection, not for a script.
SURVEY_RATE_LIMIT = int(os.environ.get("SURVEY_RATE_LIMIT", "10"))
SURVEY_RATE_WINDOW = int(os.environ.get("SURVEY_RATE_WINDOW", "600"))
# Checked before a photo is decoded; pixels far below Pillow's 89 million.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", "40000000"))
# Checked before an attached document (PDF, scan, office file) is read.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# Days after feedback is closed before `erase_feedback_contacts` deletes the
# resident's name and phone.
FEEDBACK_CONTACT_RETENTION_DAYS = int(
    os.environ.get("FEEDBACK_CONTACT_RETENTION_DAYS", "180")
)
# The staff dashboard counts open feedback with no reply or status change for
# more than this many days (governance/overdue.py).
FEEDBACK_WAITING_DAYS = int(os.environ.get("FEEDBACK_WAITING_DAYS", "7"))
# The feedback API's enums, named (drf-spectacular would otherwise rename the
# "category" and "status" enums it finds twice).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "FeedbackCategoryEnum": "governance.models.FeedbackCategory",
        "FeedbackStatusEnum": "governance.models.FeedbackStatus",
    }
)

# ------------------------------------------------------------------------------
# The instance and its programmes (issue 15). Programmes are data: packs under
# DATA_PACKS_DIR (sitewide/packs.py) or records staff enter. The instance's
# name is shown in the header and titles; PRIMARY_PROGRAMME (a slug) is the one
# /case-study/ leads to, by default the first programme in order.
# ------------------------------------------------------------------------------
DATA_PACKS_DIR = Path(os.environ.get("DATA_PACKS_DIR", BASE_DIR / "packs"))
SITE_NAME_ZH = os.environ.get("SITE_NAME_ZH", "老旧小区改造门户")
SITE_NAME_EN = os.environ.get("SITE_NAME_EN", "Renovation Portal")
PRIMARY_PROGRAMME = os.environ.get("PRIMARY_PROGRAMME", "")
# The events feed's UIDs end with this: set it once per instance and never
# change it, or calendars that subscribed show every event twice.
EVENTS_UID_DOMAIN = os.environ.get("EVENTS_UID_DOMAIN", "events.renovation-portal")

# ------------------------------------------------------------------------------
# Following compounds and the job queue (issue 18: follows/, celery.py)
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
# ------------------------------------------------------------------------------
# The address links in messages start with (no request is at hand in a worker).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker every job runs where it is asked for (make run, tests).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True  # a job a worker dies in is run again
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Anything a queued job did not take (a broker down meanwhile, a retry due).
    "send-due": {
        "task": "follows.send_pending",
        "schedule": float(os.environ.get("FOLLOW_SEND_ROUND_SECONDS", "30")),
    },
    "daily-digest": {
        "task": "follows.send_digests",
        "schedule": crontab(hour=19, minute=0),
    },
    # Surveys whose first day came: their compounds' followers are told.
    "surveys-opening": {
        "task": "governance.surveys_opening",
        "schedule": crontab(hour=8, minute=5),
    },
    # Staff who follow their scope: what is overdue there, every morning.
    "staff-morning-summaries": {
        "task": "sitewide.staff_morning_summaries",
        "schedule": crontab(hour=8, minute=15),
    },
    # Jobs lost by the queue: failed with a message, not left "running".
    "sweep-jobs": {
        "task": "sitewide.sweep_jobs",
        "schedule": 600.0,
    },
    # Jobs that ended more than JOB_KEEP_DAYS days ago, and their files.
    "purge-jobs": {
        "task": "sitewide.purge_jobs",
        "schedule": crontab(hour=3, minute=45),
    },
    "erase-expired-follows": {
        "task": "follows.erase_expired",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Long admin work as jobs (sitewide/jobs.py): an export of more rows than this
# is written by a worker and downloaded from the job's page; ended jobs and
# their files are kept this many days.
EXPORT_JOB_ROWS = int(os.environ.get("EXPORT_JOB_ROWS", "5000"))
# An uploaded spreadsheet larger than this is checked (previewed) by a job.
IMPORT_PREVIEW_JOB_BYTES = int(os.environ.get("IMPORT_PREVIEW_JOB_BYTES", "262144"))
JOB_KEEP_DAYS = int(os.environ.get("JOB_KEEP_DAYS", "7"))
# A job no worker took within this many minutes, or still running after this
# many, is failed with a clear message (sitewide.jobs.jobs_sweep).
JOB_START_MINUTES = int(os.environ.get("JOB_START_MINUTES", "30"))
JOB_RUN_MINUTES = int(os.environ.get("JOB_RUN_MINUTES", "120"))
# E-mail: SMTP with EMAIL_HOST; the console without it (development).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
# SMS through an HTTP provider (follows/channels.py); the log without it.
SMS_API_URL = os.environ.get("SMS_API_URL", "")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "")
SMS_TIMEOUT = float(os.environ.get("SMS_TIMEOUT", "10"))
# No text message at night (China's time): held until the morning.
SMS_QUIET_START_HOUR = int(os.environ.get("SMS_QUIET_START_HOUR", "22"))
SMS_QUIET_END_HOUR = int(os.environ.get("SMS_QUIET_END_HOUR", "8"))
# At most this many messages a minute per channel (0: no limit).
FOLLOW_SEND_PER_MINUTE = {
    "email": int(os.environ.get("FOLLOW_EMAIL_PER_MINUTE", "0")),
    "sms": int(os.environ.get("FOLLOW_SMS_PER_MINUTE", "600")),
}
# A message a worker claimed but did not finish is tried again after this.
FOLLOW_SEND_LEASE_SECONDS = int(os.environ.get("FOLLOW_SEND_LEASE_SECONDS", "120"))
FOLLOW_LINK_MINUTES = int(os.environ.get("FOLLOW_LINK_MINUTES", "1440"))
FOLLOW_CODE_MINUTES = int(os.environ.get("FOLLOW_CODE_MINUTES", "10"))
FOLLOW_RETENTION_DAYS = int(os.environ.get("FOLLOW_RETENTION_DAYS", "730"))
# Follow requests: per contact a day, per address (IP) an hour, site-wide a day.
FOLLOW_PER_CONTACT_DAY = int(os.environ.get("FOLLOW_PER_CONTACT_DAY", "5"))
FOLLOW_PER_ADDRESS_HOUR = int(os.environ.get("FOLLOW_PER_ADDRESS_HOUR", "20"))
FOLLOW_SMS_PER_DAY = int(os.environ.get("FOLLOW_SMS_PER_DAY", "2000"))
