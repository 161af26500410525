import base64
import json
from datetime import timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.utils import timezone

from dispatch.services import assignment_dispatch
from push import sender
from push.services import subscription_save
from timers.services import fire_due_timers

from .loopback import b64url


def subscribe(user, browser, endpoint):
    subscription, _ = subscription_save(
        user=user, device_id=browser.device_id, endpoint=endpoint, p256dh=browser.p256dh,
        auth=b64url(browser.auth_secret),
    )
    return subscription


def dispatch(demo, new_case, unit=None, **case_fields):
    case = new_case(**case_fields)
    [assignment] = assignment_dispatch(case=case, units=[unit or demo.amb1010], by=demo.anna)
    return assignment


def fire(after_seconds: float) -> int:
    """Fire the timers due `after_seconds` from now, then wait for the sends they started."""
    fired = fire_due_timers(now=timezone.now() + timedelta(seconds=after_seconds))
    assert sender.wait_idle(15)
    return fired


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid_claims(authorization: str, public_key: str) -> dict:
    """Check an `Authorization: vapid t=<JWT>,k=<key>` header (RFC 8292) with cryptography
    alone: the key is ours and the ES256 signature verifies. Returns the JWT's claims."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    fields = dict(part.split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    header, claims, signature = fields["t"].split(".")
    assert json.loads(_b64(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = _b64(signature)
    assert len(raw) == 64
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64(public_key))
    key.verify(  # raises InvalidSignature
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()),
    )
    return json.loads(_b64(claims))
