"""Sealing the text of an SMS that carries a secret (a caller's upload link) while it waits to
be sent: Fernet (AES-128-CBC with HMAC-SHA256) under a key derived from SECRET_KEY, which lives
in the environment, not in the database. The SMS record keeps the text with the secret masked;
the sealed text is wiped once the SMS is sent or has failed, so it survives only a retry or a
crash in between."""

import base64
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "larmkedjan.push.sms-sealed-text"
SECRET_MASK = "•••"
# The secret of a texted link wherever its text may be seen (the SMS admin, server logs, rows
# written before sealing): a long URL-safe run after /b/, the path of a caller's upload link
# (imaging.services.links.LINK_PATH; its token is secrets.token_urlsafe(32)). push sits below
# imaging, so the pattern lives here and imaging uses it.
LINK_SECRET = re.compile(r"(/b/)[A-Za-z0-9_-]{20,}")


class SealBroken(Exception):
    """The sealed text cannot be opened: SECRET_KEY changed (and the old one is not among
    SECRET_KEY_FALLBACKS), or the column was tampered with."""


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(
            salted_hmac(SALT, "fernet", secret=key, algorithm="sha256").digest()))
        for key in keys])


def text_seal(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def text_unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise SealBroken("the sealed text cannot be opened (SECRET_KEY changed?)") from None


def secret_mask(text: str, secret: str) -> str:
    """`text` as it may be stored and shown: `secret` replaced by •••."""
    return text.replace(secret, SECRET_MASK) if secret else text


def link_secrets_masked(text: str) -> str:
    """`text` with the secret of every texted link in it masked (`/b/•••`)."""
    return LINK_SECRET.sub(lambda m: m.group(1) + SECRET_MASK, text)
