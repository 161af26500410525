"""The SMS fallback's backends. SMS_BACKEND picks one: "console" (the default, for development
and tests: SMS_OUTBOX_PATH, var/sms-outbox.log), "46elks" (46elks' HTTP API), or the dotted path
of a class with the same `send`.

A backend's `send(to=, message=)` returns the provider's message id; it raises
SmsTemporaryError when trying again later may help (network, 429, 5xx) and SmsError when it
will not.
"""

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

from core.files import private_dir, private_file
from core.phones import phone_mask

logger = logging.getLogger(__name__)


class SmsError(Exception):
    pass


class SmsTemporaryError(SmsError):
    pass


def delivery_callback_url() -> str:
    """Where the provider posts delivery reports, when SMS_CALLBACK_BASE_URL and
    SMS_CALLBACK_SECRET are both set (the secret in the path is what authenticates it)."""
    base, secret = settings.SMS_CALLBACK_BASE_URL, settings.SMS_CALLBACK_SECRET
    if not (base and secret):
        return ""
    return f"{base.rstrip('/')}/api/push/sms/delivery/{secret}/"


class ConsoleBackend:
    """Development and tests (a development backend: it stands in for the provider). Appends
    each SMS as sent, a caller's link included, to the outbox file, 0600 in a 0700 directory
    (the demo and the browser tests take the link from there); the log says only that an SMS
    went, to a masked number, for an SMS may carry a secret and logs are read more widely."""

    name = "console"
    _lock = threading.Lock()

    def send(self, *, to: str, message: str) -> str:
        path = Path(settings.SMS_OUTBOX_PATH)
        line = f"{datetime.now(UTC).isoformat()}\t{to}\t{message.replace(chr(10), ' ')}\n"
        with self._lock:
            private_file(private_dir(path.parent) / path.name)
            with path.open("a", encoding="utf-8") as f:
                f.write(line)
        logger.info("SMS to %s (%d characters) written to %s", phone_mask(to), len(message),
                    path)
        return ""


class FortySixElksBackend:
    """46elks (https://46elks.com/docs/send-sms): POST form fields from, to, message to
    SMS_46ELKS_URL with basic auth (API username and password)."""

    name = "46elks"

    def send(self, *, to: str, message: str) -> str:
        if not (settings.SMS_46ELKS_USERNAME and settings.SMS_46ELKS_PASSWORD):
            raise SmsError("46elks needs SMS_46ELKS_USERNAME and SMS_46ELKS_PASSWORD.")
        data = {"from": settings.SMS_FROM, "to": to, "message": message}
        if settings.SMS_46ELKS_DRYRUN:
            data["dryrun"] = "yes"
        callback = delivery_callback_url()
        if callback:
            data["whendelivered"] = callback
        try:
            response = httpx.post(
                settings.SMS_46ELKS_URL, data=data,
                auth=(settings.SMS_46ELKS_USERNAME, settings.SMS_46ELKS_PASSWORD),
                timeout=settings.SMS_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as exc:
            raise SmsTemporaryError(f"46elks unreachable: {exc!r}") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise SmsTemporaryError(f"46elks answered {response.status_code}")
        if response.status_code >= 400:
            raise SmsError(f"46elks refused: {response.status_code} {response.text[:200]}")
        try:
            body = response.json()
        except ValueError:
            raise SmsError(f"46elks answered {response.status_code} without JSON") from None
        if body.get("status") == "failed":
            raise SmsError("46elks could not send the SMS")
        return str(body.get("id", ""))


BACKENDS = {"console": ConsoleBackend, "46elks": FortySixElksBackend}


def sms_backend():
    name = settings.SMS_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()


def sms_backend_name() -> str:
    return getattr(sms_backend(), "name", settings.SMS_BACKEND)
