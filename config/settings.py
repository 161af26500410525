"""Settings for Larmkedjan, read from the environment.

Without DATABASE_URL and REDIS_URL the product runs embedded: SQLite, an in-process channel
layer and an in-process timer loop. With them it runs in the production shape: PostgreSQL,
channels-redis, and Celery (worker and beat) against Redis.
"""

import importlib.util
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.files import private_dir, private_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LARMKEDJAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
EMBEDDED = not REDIS_URL

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DATABASE_URL and not env_bool("LARMKEDJAN_ALLOW_DEV_SECRET", False):
        raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set.")
    # Development only: a key that is stable per checkout, never committed; 0600 in a 0700 var/.
    key_file = private_file(private_dir(VAR_DIR, ours=True) / "secret_key")
    if not key_file.read_text().strip():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Behind a TLS-terminating reverse proxy (deploy/nginx/larmkedjan.conf): BEHIND_TLS_PROXY
# trusts its X-Forwarded-Proto, which is safe only when nothing but the proxy reaches the
# ASGI processes (a client could otherwise claim https), so it is opt-in. It turns on the
# redirect to HTTPS and HSTS by default; /healthz is never redirected (checked on the ASGI
# ports over plain HTTP).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if BEHIND_TLS_PROXY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "pwa",
    "accounts",
    "identity",
    "audit",
    "core",
    "realtime",
    "timers",
    "crews",
    "places",
    "dispatch",
    "push",
    "imaging",
    "ivpa",
    "referrals",
    "careplans",
    "safety",
    "incidents",
    "followup",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

if DATABASE_URL:
    # No persistent connections (Django's advice for ASGI): each request runs in a thread of
    # its own, so a kept connection is never reused by the next request, and it stays open
    # until its dead thread's storage is garbage-collected. With CONN_MAX_AGE=60 they piled up
    # until PostgreSQL refused clients ("too many clients already", bench/ with 8 dispatches
    # in flight). With psycopg_pool installed (psycopg[pool]) each process keeps a small pool
    # instead of opening a connection per request (about 4 ms each).
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL,
                                         conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    }
    DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 8)
    if (
        DB_POOL_MAX_SIZE > 0
        and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        and importlib.util.find_spec("psycopg_pool") is not None
    ):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, DB_POOL_MAX_SIZE), "max_size": DB_POOL_MAX_SIZE, "timeout": 10,
        }
else:
    private_dir(VAR_DIR, ours=True)
    SQLITE_PATH = os.environ.get("SQLITE_PATH", str(VAR_DIR / "larmkedjan.sqlite3"))
    if SQLITE_PATH != ":memory:" and not SQLITE_PATH.startswith("file:"):
        # Created 0600 before SQLite opens it (its -wal and -shm files take the same mode).
        private_file(private_dir(Path(SQLITE_PATH).parent) / Path(SQLITE_PATH).name)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis's core layer, with one send for a batch and one reader per
            # process (realtime.layers).
            "BACKEND": "realtime.layers.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{
                    "address": REDIS_URL,
                    # redis-py 8's defaults break channels-redis under load: a full pool (100)
                    # raises MaxConnectionsError instead of waiting, and its 5 s read timeout
                    # races the layer's own 5 s BZPOPMIN. Either error ends the consumer and
                    # drops the socket (seen in bench/: sockets lost during the fan-out).
                    # BZPOPMIN answers within 5 s on a live connection; keepalive finds dead
                    # ones. (A finite read timeout also holds a cancelled read until it runs
                    # out: 30 s made every consumer test's teardown wait 30 s.)
                    "max_connections": env_int("CHANNEL_REDIS_MAX_CONNECTIONS", 2000),
                    "socket_timeout": None,
                    "socket_keepalive": True,
                    "socket_connect_timeout": 5,
                }],
                # A lost message is repaired by the event log and replay; a larger
                # capacity only makes that rarer under bursts.
                "capacity": env_int("CHANNEL_CAPACITY", 1500),
                "expiry": 60,
                "group_expiry": 86400,
            },
        }
    }
    if os.environ.get("CHANNEL_LAYER", "core") == "pubsub":
        # Experimental (CHANNEL_LAYER=pubsub): Redis PUBLISH/SUBSCRIBE. One message per process
        # per event and a plain queue per socket, instead of the core layer's lock and tasks
        # per receive; no capacity (queues are unbounded), delivery at most once like the core
        # layer's. See bench/README.md for the figures.
        CHANNEL_LAYERS["default"] = {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]},
        }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": env_int("CHANNEL_CAPACITY", 1500), "expiry": 60},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: used in the production shape only. The embedded shape runs timers in process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = EMBEDDED
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Through a Redis restart (config/broker.py has the fix for the worker's crash): the worker
# retries the broker for as long as it is down (Celery's default gives up after 100 tries,
# about 45 minutes, and exits), also at start, so the start order of Redis and the worker does
# not matter. A tick running when the connection drops is left to finish: its timers are rows
# claimed with a lease, and killing it mid-send (Celery 6's default) would only delay them by
# the lease. If its message comes back (unacknowledged), it has expired (5 s) and is dropped.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE = {
    "fire-due-timers": {
        "task": "timers.tasks.fire_due_timers",
        "schedule": float(os.environ.get("TIMER_TICK_SECONDS", "1.0")),
        "options": {"expires": 5},
    },
}
TIMERS_IN_PROCESS = env_bool("TIMERS_IN_PROCESS", EMBEDDED)
TIMER_TICK_SECONDS = float(os.environ.get("TIMER_TICK_SECONDS", "1.0"))
TIMER_LEASE_SECONDS = env_int("TIMER_LEASE_SECONDS", 30)
# How long a firing timer's handler waits for a row another transaction holds (PostgreSQL's
# lock_timeout) before it lets go and fires on the next tick. Below PostgreSQL's
# deadlock_timeout (1 s): a request that locked the row and then waits for the timer's own
# row (cancelling it) goes on, instead of one of the two ending as a deadlock, unless it had
# waited that much longer than the handler (it is then answered 503, core.api).
TIMER_LOCK_TIMEOUT_MS = env_int("TIMER_LOCK_TIMEOUT_MS", 500)
# Threads per process that fire a timer due at once right after its commit
# (core.background.timer_fire_after_commit); 0 runs it inline after the commit.
TIMER_SOON_THREADS = env_int("TIMER_SOON_THREADS", 2)
# /healthz is red when beat (or the embedded timer loop) has not ticked, or no worker has run
# the tick task, for this long (timers.models.Heartbeat).
HEALTH_BEAT_MAX_AGE_SECONDS = float(os.environ.get("HEALTH_BEAT_MAX_AGE_SECONDS", "15"))
HEALTH_WORKER_MAX_AGE_SECONDS = float(os.environ.get("HEALTH_WORKER_MAX_AGE_SECONDS", "15"))
# ... and when a pending timer is this far past its time (timers are due, none fires them).
HEALTH_TIMER_LAG_SECONDS = float(os.environ.get("HEALTH_TIMER_LAG_SECONDS", "15"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutModelBackend"]

# Sign-in through an external identity provider (identity/, OpenID Connect: a BankID or Freja
# eID broker) beside passwords. Off while OIDC_ISSUER is empty. The discovery document is read
# from OIDC_ISSUER (without a trailing "/") + /.well-known/openid-configuration and must name
# the issuer exactly as configured here, trailing "/" and all (OpenID Connect Discovery 1.0,
# 4.3: an exact string comparison), so the value is kept as given.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "e-legitimation")
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile")
OIDC_TOKEN_AUTH_METHOD = os.environ.get("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic")
OIDC_REDIRECT_URI = os.environ.get("OIDC_REDIRECT_URI", "")
OIDC_USER_CLAIM = os.environ.get("OIDC_USER_CLAIM", "sub")
OIDC_PERSONAL_NUMBER_CLAIM = os.environ.get("OIDC_PERSONAL_NUMBER_CLAIM", "")
OIDC_SELF_REGISTER = env_bool("OIDC_SELF_REGISTER", False)
OIDC_ROLES = env_list("OIDC_ROLES", ["responder"])
OIDC_TIMEOUT_SECONDS = float(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))

# Sessions: an idle timeout (renewed by activity) and an absolute one from sign-in.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 12 * 3600)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 14 * 3600)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
# A volunteer's phone must open an alert without signing in again; it sees an address only
# for an alert it accepted, while it runs. Their sessions last longer.
RESPONDER_SESSION_IDLE_TIMEOUT = env_int("RESPONDER_SESSION_IDLE_TIMEOUT", 30 * 24 * 3600)
RESPONDER_SESSION_ABSOLUTE_TIMEOUT = env_int("RESPONDER_SESSION_ABSOLUTE_TIMEOUT",
                                             90 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and bool(DATABASE_URL))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Sign-in lockout (accounts.services.lockout): after LOGIN_MAX_FAILURES failures of a user
# name from one address each further try of it from there waits 1, 2, 4... s (at most
# LOGIN_DELAY_MAX_SECONDS); an address with LOGIN_ADDRESS_MAX_FAILURES failures is shut out
# for LOGIN_LOCKOUT_SECONDS. Failures further apart than LOGIN_LOCKOUT_SECONDS are forgotten.
# LOGIN_TRUSTED_NETWORKS (CIDRs, the centre's own network) are never delayed or shut out.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_DELAY_MAX_SECONDS = env_int("LOGIN_DELAY_MAX_SECONDS", 60)
LOGIN_ADDRESS_MAX_FAILURES = env_int("LOGIN_ADDRESS_MAX_FAILURES", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
LOGIN_TRUSTED_NETWORKS = env_list("LOGIN_TRUSTED_NETWORKS", [])
# Integration tokens (accounts.ApiToken): a dispatcher's own for API_TOKEN_TTL_SECONDS (and no
# longer than the session that asked for it), a service account's for
# API_SERVICE_TOKEN_TTL_DAYS.
API_TOKEN_TTL_SECONDS = env_int("API_TOKEN_TTL_SECONDS", 12 * 3600)
API_SERVICE_TOKEN_TTL_DAYS = env_int("API_SERVICE_TOKEN_TTL_DAYS", 90)

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English"), ("nb", "Norsk bokmål")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
SERVE_STATIC = env_bool("SERVE_STATIC", True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsSignedInStaff"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": None,
    # The client's address for rate limits and the sign-in lockout: REMOTE_ADDR, or behind
    # NUM_PROXIES reverse proxies the entry of X-Forwarded-For that the nearest one added
    # (never a client's own header).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "DEFAULT_THROTTLE_RATES": {"login": "30/min", "register": "10/hour", "test_alarm": "6/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Larmkedjan API",
    "DESCRIPTION": "Assignments, statuses and positions for a Nordic EMS dispatch centre.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for signed-in users only.
    "SERVE_PERMISSIONS": ["accounts.permissions.IsSignedInStaff"],
    # Swagger UI from the installed sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "dispatch.models.AssignmentStatus",
        "UnitStatusEnum": "crews.models.UnitStatus",
        "PriorityEnum": "dispatch.models.Priority",
        "NoticeStateEnum": "safety.models.NoticeState",
        "NoticeActionEnum": "safety.models.NoticeAction",
        "NoticeSourceEnum": "safety.models.NoticeSource",
        "PartnerKindEnum": "safety.models.PartnerKind",
        # Named because safety's notices and partners also have a source and a kind.
        "AddressSourceEnum": ["register", "geocoder"],
        "ResponderKindEnum": "ivpa.models.ResponderKind",
    },
}

# Dispatch behaviour.
ASSIGNMENT_ACK_TIMEOUT_SECONDS = env_int("ASSIGNMENT_ACK_TIMEOUT_SECONDS", 30)
# Seconds a unit may stay in a status before the console warns, e.g. acknowledged but
# not en route after 2 minutes. Format: "acknowledged=120,en_route=1800".
STATUS_WARNING_SECONDS = {
    key: int(value)
    for key, value in (
        item.split("=", 1)
        for item in env_list(
            "STATUS_WARNING_SECONDS",
            ["acknowledged=120", "on_scene=2700", "at_hospital=1800"],
        )
    )
}
EVENT_RETENTION_DAYS = env_int("EVENT_RETENTION_DAYS", 7)

# First-responder alerting (ivpa/). Per-municipality rules live in the database; these are the
# product-wide limits. Travel times come from places.travel (TRAVEL_PROFILES below).
IVPA_POSITION_REPORT_MAX_AGE_SECONDS = env_int("IVPA_POSITION_REPORT_MAX_AGE_SECONDS", 120)
IVPA_POSITION_STALE_SECONDS = env_int("IVPA_POSITION_STALE_SECONDS", 1800)
IVPA_TRAINING_VALID_DAYS = env_int("IVPA_TRAINING_VALID_DAYS", 3 * 365)
IVPA_CALLOUT_MAX_SECONDS = env_int("IVPA_CALLOUT_MAX_SECONDS", 3600)
IVPA_RADIUS_GROWTH = float(os.environ.get("IVPA_RADIUS_GROWTH", "1.5"))
IVPA_AED_RADIUS_M = env_int("IVPA_AED_RADIUS_M", 1500)
IVPA_AED_MAX_DETOUR_M = env_int("IVPA_AED_MAX_DETOUR_M", 1500)
IVPA_AED_CASE_TYPES = env_list("IVPA_AED_CASE_TYPES",
                               ["cardiac_arrest", "unconscious_not_breathing", "drowning"])
IVPA_PARALLEL_UNIT_CASE_TYPES = env_list("IVPA_PARALLEL_UNIT_CASE_TYPES",
                                         ["cardiac_arrest", "unconscious_not_breathing"])
# Travel times (places.travel): a profile per way of travelling, with the built-in estimate's
# speed, the turnout before leaving, and the router's profile (OSRM: driving, foot, bike; None:
# never routed). `own_speed`: the router gives the way only, timed at `speed_m_s` (volunteers
# run or cycle along the foot paths; OSRM's foot profile walks at 5 km/h). `detour`: instead of
# TRAVEL_DETOUR_FACTOR (a helicopter flies the straight line).
TRAVEL_PROFILES = {
    "ambulance": {"speed_m_s": 16.0, "turnout_s": 60, "router_profile": "driving"},
    "helicopter": {"speed_m_s": 60.0, "turnout_s": 300, "router_profile": None, "detour": 1.0},
    "fire_rescue": {"speed_m_s": 14.0, "turnout_s": 90, "router_profile": "driving"},
    "police": {"speed_m_s": 15.0, "turnout_s": 30, "router_profile": "driving"},
    "volunteer": {"speed_m_s": 3.5, "turnout_s": 30, "router_profile": "foot", "own_speed": True},
}
TRAVEL_DETOUR_FACTOR = 1.35
# The routing engine (OSRM's HTTP API, e.g. http://osrm.internal:5000; empty: estimates only).
# A request that takes longer than ROUTER_TIMEOUT_SECONDS falls back to the estimate; after a
# failure the router is left alone for ROUTER_RETRY_SECONDS. ROUTER_MAX_PER_CALL: coordinates
# per /table request (osrm-routed --max-table-size, 100 by default).
ROUTER_URL = os.environ.get("ROUTER_URL", "")
ROUTER_TIMEOUT_SECONDS = float(os.environ.get("ROUTER_TIMEOUT_SECONDS", "2"))
ROUTER_RETRY_SECONDS = float(os.environ.get("ROUTER_RETRY_SECONDS", "30"))
ROUTER_MAX_PER_CALL = env_int("ROUTER_MAX_PER_CALL", 100)
# The first ambulance's expected arrival: the nearest available ambulances of any region, up
# to this many by straight line within this radius, asked of the router in one request.
TRAVEL_AMBULANCE_CANDIDATES = env_int("TRAVEL_AMBULANCE_CANDIDATES", 10)
TRAVEL_AMBULANCE_RADIUS_M = env_int("TRAVEL_AMBULANCE_RADIUS_M", 150_000)
# Referrals to mobile care units (referrals/)
# A referral nobody accepts within REFERRAL_ACCEPT_SECONDS is marked overdue and the dispatcher
# alerted; the latest time to be seen may be at most REFERRAL_MAX_DEADLINE_HOURS ahead. A
# "needs ambulance" outcome registers its new case at REFERRAL_AMBULANCE_DEFAULT_PRIORITY unless
# the unit chooses. REFERRAL_SKILLS: what units may offer and dispatchers ask for.
REFERRAL_ACCEPT_SECONDS = env_int("REFERRAL_ACCEPT_SECONDS", 600)
REFERRAL_MAX_DEADLINE_HOURS = env_int("REFERRAL_MAX_DEADLINE_HOURS", 72)
REFERRAL_AMBULANCE_DEFAULT_PRIORITY = os.environ.get("REFERRAL_AMBULANCE_DEFAULT_PRIORITY", "1B")
# The chosen priorities at which a case may be referred (the console shows its referral panel
# only for these; referral_send refuses the others): 3 and "referral" (no ambulance).
REFERRAL_PRIORITIES = env_list("REFERRAL_PRIORITIES", ["3", "referral"])
REFERRAL_SKILLS = env_list("REFERRAL_SKILLS", [
    "home_visit", "catheter_care", "iv_antibiotics", "wound_care", "palliative",
    "medication_review", "blood_sampling", "fall_assessment", "oxygen_therapy",
])
REFERRAL_UNIT_URL = os.environ.get("REFERRAL_UNIT_URL", "/mobile/")
# The follow-up's deviations (followup/measures/deviations.py): a region or a tertial is
# flagged when its test's two-sided p is below FOLLOWUP_DEVIATION_ALPHA and each group it
# compares holds at least FOLLOWUP_DEVIATION_MIN_COUNT cases.
FOLLOWUP_DEVIATION_ALPHA = float(os.environ.get("FOLLOWUP_DEVIATION_ALPHA", "0.01"))
FOLLOWUP_DEVIATION_MIN_COUNT = env_int("FOLLOWUP_DEVIATION_MIN_COUNT", 20)
# A case is linked to the call its dispatcher answered at most this long before registering it
# (dispatch/services/calls.py; a call logged after its case is linked the same way).
CALL_LINK_WINDOW_MINUTES = env_int("CALL_LINK_WINDOW_MINUTES", 15)
# The largest call log or hospital visits file the import API takes (the command takes any).
FOLLOWUP_IMPORT_MAX_BYTES = env_int("FOLLOWUP_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# Crew safety (seed 002, README "Crew safety"). A risk notice entered without a validity runs
# this many days; a radius is at most SAFETY_NOTICE_MAX_RADIUS_M (it also bounds the search
# box of the matching). A notice's review date defaults to SAFETY_NOTICE_REVIEW_DAYS on.
SAFETY_NOTICE_DEFAULT_DAYS = env_int("SAFETY_NOTICE_DEFAULT_DAYS", 365)
SAFETY_NOTICE_REVIEW_DAYS = env_int("SAFETY_NOTICE_REVIEW_DAYS", 180)
SAFETY_NOTICE_MAX_RADIUS_M = env_int("SAFETY_NOTICE_MAX_RADIUS_M", 2000)
# A notice that starts to match (entered, approved, moved) is matched with the open cases
# registered in this many hours.
SAFETY_NOTICE_OPEN_CASE_HOURS = env_int("SAFETY_NOTICE_OPEN_CASE_HOURS", 24)
# The only routes a partner organisation's token opens (accounts.authentication): the shared
# notices of its regions. Everything else answers 403 to it.
PARTNER_API_PATHS = ("/api/safety/notices/",)
# The panic alarm: when no dispatcher acknowledged it within PANIC_ACK_SECONDS, an SMS goes to
# each of PANIC_ONDUTY_NUMBERS (the on-duty supervisor's phones; E.164). PANIC_SMS_NUMBER is
# the centre's alarm number the tablet offers a one-tap SMS to when it is offline.
PANIC_ACK_SECONDS = env_int("PANIC_ACK_SECONDS", 30)
PANIC_ONDUTY_NUMBERS = env_list("PANIC_ONDUTY_NUMBERS", [])
PANIC_SMS_NUMBER = os.environ.get("PANIC_SMS_NUMBER", "+4621100112")
PANIC_POSITION_SECONDS = env_int("PANIC_POSITION_SECONDS", 5)
# How long the crew holds the panic button before it raises the alarm (a tap or a pocket must not).
PANIC_HOLD_MS = env_int("PANIC_HOLD_MS", 2000)

# Major incidents (seed 001, incidents/). Every region of the healthcare region provides at
# least INCIDENT_PLEDGE_MINIMUM secondary transports when any of them has a mass-casualty
# incident. TiB is pushed when a dispatcher raises one and texted when nobody confirmed within
# INCIDENT_CONFIRM_SMS_SECONDS; a region's people are texted again every
# INCIDENT_ACK_REMIND_SECONDS while it has not acknowledged the alarm.
INCIDENT_PLEDGE_MINIMUM = env_int("INCIDENT_PLEDGE_MINIMUM", 5)
INCIDENT_CONFIRM_SMS_SECONDS = env_int("INCIDENT_CONFIRM_SMS_SECONDS", 60)
INCIDENT_ACK_REMIND_SECONDS = env_int("INCIDENT_ACK_REMIND_SECONDS", 300)
# How many reminders a region gets at most (then the dispatchers and TiB phone it).
INCIDENT_ACK_REMIND_MAX = env_int("INCIDENT_ACK_REMIND_MAX", 6)
# Requests to the alarm link (/larm/<token>, no account) per address, as a DRF rate.
INCIDENT_LINK_RATE = os.environ.get("INCIDENT_LINK_RATE", "60/min")
# The indicators TiB may switch to mass-casualty triage on (codes of
# incidents.triage_indicators.TriageIndicator, in the order offered; comma-separated in the env).
INCIDENT_TRIAGE_INDICATORS = [code.strip() for code in os.environ.get(
    "INCIDENT_TRIAGE_INDICATORS",
    "casualties_exceed_capacity,several_severely_injured,hospital_capacity_exceeded,"
    "prolonged_extrication,cbrne,long_transports,unsafe_scene").split(",") if code.strip()]
# CAP 1.2 (OASIS Common Alerting Protocol): the sender this centre signs its messages as, the
# key and certificate (PEM) that sign them (XML signature, enveloped); without files a key pair
# is made in the var directory on first use, as the push keys are. A POST to a region's
# endpoint waits CAP_TIMEOUT_SECONDS; a refused or failed one is tried again after
# CAP_RETRY_SECONDS, doubling up to CAP_RETRY_MAX_SECONDS, until it is accepted.
CAP_SENDER = os.environ.get("CAP_SENDER", "larmcentral@larmkedjan.example")
CAP_SIGNING_KEY_FILE = Path(os.environ.get("CAP_SIGNING_KEY_FILE", "")
                            or VAR_DIR / "cap-signing-key.pem")
CAP_SIGNING_CERT_FILE = Path(os.environ.get("CAP_SIGNING_CERT_FILE", "")
                             or VAR_DIR / "cap-signing-cert.pem")
CAP_TIMEOUT_SECONDS = env_int("CAP_TIMEOUT_SECONDS", 5)
CAP_RETRY_SECONDS = env_int("CAP_RETRY_SECONDS", 2)
CAP_RETRY_MAX_SECONDS = env_int("CAP_RETRY_MAX_SECONDS", 60)

ACCESS_LOG_RETENTION_YEARS = max(5, env_int("ACCESS_LOG_RETENTION_YEARS", 5))
# The maps' tile layer (Leaflet's URL template). The default is OpenStreetMap's standard tiles,
# fine for a demo under their usage policy (README, Maps); a centre points this at its own tile
# server. An empty MAP_TILE_URL gives maps without tiles (markers only).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    if "openstreetmap.org" in MAP_TILE_URL else "")
MAP_MAX_ZOOM = env_int("MAP_MAX_ZOOM", 19)
# The optional geocoder (places/geocoder.py: Nominatim's API, e.g. http://nominatim.internal:8080;
# empty: the address register only), asked when the register has no match. Places in the
# GEOCODER_COUNTRIES only; after a failure it is left alone for GEOCODER_RETRY_SECONDS.
GEOCODER_URL = os.environ.get("GEOCODER_URL", "")
GEOCODER_TIMEOUT_SECONDS = float(os.environ.get("GEOCODER_TIMEOUT_SECONDS", "2"))
GEOCODER_RETRY_SECONDS = float(os.environ.get("GEOCODER_RETRY_SECONDS", "30"))
GEOCODER_COUNTRIES = os.environ.get("GEOCODER_COUNTRIES", "se,no")
# "Navigera" on the crew tablet and the volunteer's phone opens the device's map app (geo: on
# Android, Apple Maps on iPhone and iPad); any other device opens this web link, {lat}, {lon}
# and {label} filled in (OpenStreetMap's directions by default).
NAVIGATION_URL = os.environ.get(
    "NAVIGATION_URL", "https://www.openstreetmap.org/directions?to={lat},{lon}")
CARE_UNIT_NAME = os.environ.get("CARE_UNIT_NAME", "Sjukvårdens Larmcentral")
# Where the centre is: how a number typed without + is read (070-123 45 67 in SE, 912 34 567
# in NO), an ISO 3166 country code.
PHONE_REGION = os.environ.get("PHONE_REGION", "SE").strip().upper() or "SE"

# Web Push and the SMS fallback (push/). The socket stays the primary path: a push goes only
# to a user none of whose devices acknowledged the event on the socket within the grace time.
# VAPID keys come from the environment; without them, from VAPID_FILE (var/vapid.json, written
# by `manage.py generate_vapid_keys --write`, or on first use in the embedded shape).
VAPID_FILE = Path(os.environ.get("VAPID_FILE", "") or VAR_DIR / "vapid.json")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "").replace("\\n", "\n").strip()
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "").strip()
if not VAPID_PRIVATE_KEY and VAPID_FILE.is_file():
    _vapid = json.loads(VAPID_FILE.read_text())
    VAPID_PRIVATE_KEY = _vapid.get("private_key", "")
    VAPID_PUBLIC_KEY = VAPID_PUBLIC_KEY or _vapid.get("public_key", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:drift@larmkedjan.example")
VAPID_AUTO_GENERATE = env_bool("VAPID_AUTO_GENERATE", EMBEDDED)
PUSH_GRACE_SECONDS = float(os.environ.get("PUSH_GRACE_SECONDS", "5"))
PUSH_TTL_SECONDS = env_int("PUSH_TTL_SECONDS", 600)
PUSH_TIMEOUT_SECONDS = float(os.environ.get("PUSH_TIMEOUT_SECONDS", "10"))
PUSH_MAX_ATTEMPTS = env_int("PUSH_MAX_ATTEMPTS", 5)
PUSH_RETRY_SECONDS = float(os.environ.get("PUSH_RETRY_SECONDS", "2"))
PUSH_RETRY_MAX_SECONDS = float(os.environ.get("PUSH_RETRY_MAX_SECONDS", "60"))
PUSH_SEND_THREADS = env_int("PUSH_SEND_THREADS", 4)
PUSH_RETENTION_DAYS = env_int("PUSH_RETENTION_DAYS", 30)
# Where subscriptions may point: the browsers' push services (a leading "." matches any
# subdomain). Empty: any https host. Plain http to 127.0.0.1/localhost only for tests.
PUSH_ENDPOINT_HOSTS = env_list("PUSH_ENDPOINT_HOSTS", [
    "fcm.googleapis.com", "android.googleapis.com", "updates.push.services.mozilla.com",
    "web.push.apple.com", ".push.apple.com", ".notify.windows.com",
])
PUSH_ALLOW_INSECURE_ENDPOINTS = env_bool("PUSH_ALLOW_INSECURE_ENDPOINTS", False)
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")  # console | 46elks | dotted path
SMS_FROM = os.environ.get("SMS_FROM", "Larmkedjan")
SMS_OUTBOX_PATH = Path(os.environ.get("SMS_OUTBOX_PATH", "") or VAR_DIR / "sms-outbox.log")
SMS_SITE_URL = os.environ.get("SMS_SITE_URL", "")  # appended to the message's link when set
SMS_REPEAT_SECONDS = env_int("SMS_REPEAT_SECONDS", 300)
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 3)
SMS_TIMEOUT_SECONDS = float(os.environ.get("SMS_TIMEOUT_SECONDS", "10"))
SMS_46ELKS_URL = os.environ.get("SMS_46ELKS_URL", "https://api.46elks.com/a1/sms")
SMS_46ELKS_USERNAME = os.environ.get("SMS_46ELKS_USERNAME", "")
SMS_46ELKS_PASSWORD = os.environ.get("SMS_46ELKS_PASSWORD", "")
SMS_46ELKS_DRYRUN = env_bool("SMS_46ELKS_DRYRUN", False)

# Caller images (imaging/)
# A dispatcher texts the caller a link (valid IMAGING_LINK_TTL_SECONDS, for
# IMAGING_LINK_MAX_IMAGES images, one case); the caller's phone uploads photos that are decoded
# in a worker process and stored, stripped of metadata, outside any static or media root.
IMAGING_STORAGE_DIR = Path(os.environ.get("IMAGING_STORAGE_DIR", "") or VAR_DIR / "images")
IMAGING_LINK_TTL_SECONDS = env_int("IMAGING_LINK_TTL_SECONDS", 1800)
IMAGING_LINK_MAX_IMAGES = env_int("IMAGING_LINK_MAX_IMAGES", 5)
# The caller's image link (/b/<token>) is on IMAGING_PUBLIC_URL, else SMS_SITE_URL, else the
# address the dispatcher's console reached the product at (scheme, host and port of the request).
IMAGING_PUBLIC_URL = os.environ.get("IMAGING_PUBLIC_URL", "")
# The number the caller is told to ring again (the calm "link no longer valid" page, the
# upload's "gone" answer): 112 in Sweden; a Norwegian centre sets 113.
IMAGING_EMERGENCY_NUMBER = os.environ.get("IMAGING_EMERGENCY_NUMBER", "") or "112"
IMAGING_UPLOAD_COOKIE = os.environ.get("IMAGING_UPLOAD_COOKIE", "lk_bild")
IMAGING_UPLOAD_COOKIE_SECURE = env_bool("IMAGING_UPLOAD_COOKIE_SECURE", not DEBUG)
IMAGING_RETENTION_DAYS = env_int("IMAGING_RETENTION_DAYS", 30)
IMAGING_MAX_UPLOAD_BYTES = env_int("IMAGING_MAX_UPLOAD_BYTES", 15 * 1024 * 1024)
IMAGING_MAX_PIXELS = env_int("IMAGING_MAX_PIXELS", 40_000_000)
IMAGING_DISPLAY_SIZE = env_int("IMAGING_DISPLAY_SIZE", 1600)
IMAGING_THUMBNAIL_SIZE = env_int("IMAGING_THUMBNAIL_SIZE", 320)
IMAGING_WORKER_MEMORY_MB = env_int("IMAGING_WORKER_MEMORY_MB", 512)
IMAGING_WORKER_TIMEOUT_SECONDS = env_int("IMAGING_WORKER_TIMEOUT_SECONDS", 20)
IMAGING_WORKER_PROCESSES = env_int("IMAGING_WORKER_PROCESSES", 2)  # decoders per process
IMAGING_JPEG_QUALITY = env_int("IMAGING_JPEG_QUALITY", 82)
# Processing runs in a Celery task (`imaging.process`) in the production shape and in a thread
# of the serving process in the embedded shape (0 threads: inline after commit, for tests).
IMAGING_PROCESS_IN_PROCESS = env_bool("IMAGING_PROCESS_IN_PROCESS", EMBEDDED)
IMAGING_PROCESS_THREADS = env_int("IMAGING_PROCESS_THREADS", 2)
IMAGING_PROCESS_MAX_ATTEMPTS = env_int("IMAGING_PROCESS_MAX_ATTEMPTS", 3)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].update({
    "imaging_link": os.environ.get("IMAGING_LINK_RATE", "20/hour"),
    "imaging_upload_session": os.environ.get("IMAGING_UPLOAD_SESSION_RATE", "30/min"),
    "imaging_upload_ip": os.environ.get("IMAGING_UPLOAD_IP_RATE", "60/min"),
    # The caller's page asks what became of its pictures: that never spends the upload budget.
    "imaging_state_session": os.environ.get("IMAGING_STATE_SESSION_RATE", "120/min"),
    "imaging_state_ip": os.environ.get("IMAGING_STATE_IP_RATE", "600/min"),
})
# SMS delivery reports (push/): with both set, every SMS asks the provider (46elks
# `whendelivered`) to post its delivery to <base>/api/push/sms/delivery/<secret>/.
SMS_CALLBACK_BASE_URL = os.environ.get("SMS_CALLBACK_BASE_URL", "")
SMS_CALLBACK_SECRET = os.environ.get("SMS_CALLBACK_SECRET", "")

# The installable app (django-pwa serves the manifest and /serviceworker.js; the manifest's
# start URL is set per role by frontend.views.manifest). The worker is built by `make assets`.
PWA_APP_NAME = "Larmkedjan"
PWA_APP_DESCRIPTION = "Uppdrag, IVPA och bildöverföring för ambulanssjukvården"
PWA_APP_THEME_COLOR = "#0b3d91"
PWA_APP_BACKGROUND_COLOR = "#0b3d91"
PWA_APP_DISPLAY = "standalone"
PWA_APP_START_URL = "/"
PWA_APP_SCOPE = "/"
PWA_APP_ORIENTATION = "any"
PWA_APP_LANG = "sv-SE"
PWA_APP_DEBUG_MODE = False
PWA_APP_ICONS = [
    {"src": "/static/frontend/icon-192.png", "sizes": "192x192", "type": "image/png",
     "purpose": "any"},
    {"src": "/static/frontend/icon-512.png", "sizes": "512x512", "type": "image/png",
     "purpose": "any"},
    {"src": "/static/frontend/icon-maskable-512.png", "sizes": "512x512", "type": "image/png",
     "purpose": "maskable"},
]
PWA_APP_ICONS_APPLE = [{"src": "/static/frontend/icon-192.png", "sizes": "192x192"}]
PWA_APP_SPLASH_SCREEN = []
PWA_SERVICE_WORKER_PATH = BASE_DIR / "frontend/static/frontend/build/serviceworker.js"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # httpx logs every request at INFO (the router is asked on every estimated time).
    "loggers": {"django.channels.server": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}
