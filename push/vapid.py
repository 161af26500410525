"""VAPID (RFC 8292): the server's P-256 key pair. Browsers subscribe with its public key and
push services accept only pushes signed with the private one.

Keys come from settings (VAPID_PRIVATE_KEY: PEM, or base64url of the raw 32-byte key or of
DER; VAPID_PUBLIC_KEY: base64url of the uncompressed point, derived when absent), else from
VAPID_FILE (var/vapid.json), which the embedded shape writes on first use.
"""

import base64
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid


class VapidNotConfigured(ImproperlyConfigured):
    pass


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Base64url with or without padding; ValueError when it is not."""
    if not isinstance(text, str) or not text:
        raise ValueError("empty")
    text = text.strip()
    if any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
           for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


def generate_keys() -> dict:
    """A fresh key pair: {"private_key": base64url raw 32 bytes, "public_key": base64url
    uncompressed point (65 bytes), "private_key_pem": PEM}."""
    key = ec.generate_private_key(ec.SECP256R1())
    return {
        "private_key": b64url_encode(key.private_numbers().private_value.to_bytes(32, "big")),
        "public_key": public_key_of(key),
        "private_key_pem": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii"),
    }


def private_key_from_text(text: str) -> ec.EllipticCurvePrivateKey:
    text = text.strip()
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            raw = b64url_decode(text)
            if len(raw) == 32:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"VAPID_PRIVATE_KEY is not a P-256 private key: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ImproperlyConfigured("VAPID_PRIVATE_KEY must be a P-256 (prime256v1) key.")
    return key


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url_encode(key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    ))


def write_key_file(path: Path, keys: dict, *, overwrite: bool = False) -> bool:
    """Write the key pair (owner-readable only). False when the file exists and `overwrite`
    is not given: replacing keys cuts every subscribed device off."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as f:
        json.dump({"private_key": keys["private_key"], "public_key": keys["public_key"]}, f)
    return True


@dataclass(frozen=True)
class VapidKeys:
    public_key: str
    subject: str
    signer: Vapid


_cache: dict[tuple, VapidKeys] = {}
_lock = threading.Lock()


def _from_file(path: Path) -> tuple[str, str]:
    data = json.loads(path.read_text())
    return data.get("private_key", ""), data.get("public_key", "")


def vapid_keys() -> VapidKeys:
    """The configured keys; VapidNotConfigured when there are none (production without
    VAPID_PRIVATE_KEY), ImproperlyConfigured when they are unusable."""
    private, public = settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY
    path = Path(settings.VAPID_FILE)
    try:
        stamp = None if private else path.stat().st_mtime_ns  # a rewritten file is read again
    except OSError:
        stamp = None
    cache_key = (private, public, settings.VAPID_SUBJECT, str(path), stamp)
    found = _cache.get(cache_key)
    if found is not None:
        return found
    with _lock:
        if not private:
            if not path.is_file() and settings.VAPID_AUTO_GENERATE:
                write_key_file(path, generate_keys())  # a racing process may have won: read
            if not path.is_file():
                raise VapidNotConfigured(
                    "Web Push has no VAPID keys: run `manage.py generate_vapid_keys` and set "
                    "VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY."
                )
            private, public = _from_file(path)
        key = private_key_from_text(private)
        derived = public_key_of(key)
        if public and public.rstrip("=") != derived:
            raise ImproperlyConfigured("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY.")
        subject = settings.VAPID_SUBJECT
        if not subject.startswith(("mailto:", "https://")):
            raise ImproperlyConfigured("VAPID_SUBJECT is a mailto: or https: URL.")
        keys = VapidKeys(public_key=derived, subject=subject, signer=Vapid(private_key=key))
        _cache[cache_key] = keys
        return keys
