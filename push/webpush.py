"""One Web Push request (RFC 8030) through pywebpush: the payload encrypted for the
subscription (RFC 8291, aes128gcm), signed with the VAPID key (RFC 8292), TTL and
`Urgency: high`. The answer is sorted into sent / gone / retry / failed."""

import json
import logging
import threading
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.utils import timezone
from pywebpush import WebPushException, webpush

from .vapid import vapid_keys

logger = logging.getLogger(__name__)
SENT, GONE, RETRY, FAILED = "sent", "gone", "retry", "failed"
_local = threading.local()


@dataclass(frozen=True)
class PushResult:
    outcome: str
    status_code: int | None = None
    retry_after: float | None = None
    error: str = ""


def _session() -> requests.Session:
    """A session per sending thread: keep-alive connections to the push services."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - timezone.now()).total_seconds())
    except (TypeError, ValueError):
        return None


def classify(status: int | None) -> str:
    if status is None or status == 429 or status >= 500:
        return RETRY
    if 200 <= status < 300:
        return SENT
    if status in (404, 410):
        return GONE
    return FAILED  # 400 malformed, 401/403 VAPID refused, 413 too large


def encode_payload(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def push_send(*, endpoint: str, p256dh: str, auth: str, payload: dict, ttl: int,
              topic: str | None = None) -> PushResult:
    keys = vapid_keys()
    headers = {"Urgency": "high"}
    if topic:
        headers["Topic"] = topic
    try:
        response = webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=encode_payload(payload),
            vapid_private_key=keys.signer,
            vapid_claims={"sub": keys.subject},  # aud and exp are filled in per push
            content_encoding="aes128gcm",
            ttl=max(0, int(ttl)),
            timeout=settings.PUSH_TIMEOUT_SECONDS,
            headers=headers,
            requests_session=_session(),
        )
    except WebPushException as exc:
        status = exc.status_code
        if status is None:
            return PushResult(RETRY, error=str(exc.message)[:500])
        text = (getattr(exc.response, "text", "") or "")[:200]
        return PushResult(classify(status), status, _retry_after(exc.retry_after),
                          f"{status} {text}".strip())
    except requests.RequestException as exc:
        return PushResult(RETRY, error=f"push service unreachable: {exc!r}"[:500])
    return PushResult(SENT, response.status_code)
