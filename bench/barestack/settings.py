"""Settings of the bare-stack reference: PostgreSQL and the Redis channel layer from
DATABASE_URL and REDIS_URL, one app, no middleware."""

import os
from urllib.parse import urlsplit

_db = urlsplit(os.environ["DATABASE_URL"])
SECRET_KEY = "bare-stack-reference"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["bench.barestack"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.barestack.urls"
ASGI_APPLICATION = "bench.barestack.asgi.application"
USE_TZ = True
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": _db.path.lstrip("/"),
    "USER": _db.username or "", "PASSWORD": _db.password or "", "HOST": _db.hostname or "",
    "PORT": _db.port or "", "CONN_MAX_AGE": None,
}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                              "CONFIG": {"hosts": [os.environ["REDIS_URL"]]}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
