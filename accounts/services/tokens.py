"""Integration tokens (*API-nycklar*): issued to those who may hold one, kept as a SHA-256
of the key only, expiring, tied to the session that made them, revoked by an administrator.

Who may hold one is accounts.roles.may_hold_api_token. A token lives API_TOKEN_TTL_SECONDS
(a service account's API_SERVICE_TOKEN_TTL_DAYS); one made by a signed-in browser lives no
longer than that session: it is revoked when the session signs out (or is timed out), and it
stops working when the session is gone or past its absolute timeout.
"""

import hashlib
import secrets
import time
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden

from ..middleware import SIGNED_IN_AT, session_limits
from ..models import ApiToken
from ..roles import may_hold_api_token
from ..signals import api_tokens_revoked

KEY_BYTES = 32
PREFIX_LENGTH = 6
# How often the time a token was last used is written (not on every request).
LAST_USED_PRECISION = timedelta(seconds=60)
NOT_YOURS = ("Your role may not hold an integration token: the screens sign in with a "
             "session. An administrator can create a service account for an integration.")


def key_digest(key: str) -> str:
    """What is kept of a key: its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def _session_data(session_key: str) -> dict:
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    return store.load()


def _session_live(token: ApiToken) -> bool:
    """Whether the session a token is tied to is still signed in as its user, within its
    absolute timeout."""
    data = _session_data(token.session_key)
    if str(data.get("_auth_user_id")) != str(token.user_id):
        return False
    signed_in = data.get(SIGNED_IN_AT)
    _idle, absolute = session_limits(token.user)
    return signed_in is None or time.time() - signed_in <= absolute


def _expiry(user, session_key: str, now: datetime) -> datetime:
    if user.is_service_account:
        expires = now + timedelta(days=settings.API_SERVICE_TOKEN_TTL_DAYS)
    else:
        expires = now + timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)
    if session_key:
        signed_in = _session_data(session_key).get(SIGNED_IN_AT)
        if signed_in is not None:
            _idle, absolute = session_limits(user)
            ends = datetime.fromtimestamp(signed_in + absolute, tz=now.tzinfo)
            expires = min(expires, ends)
    return expires


def api_token_issue(*, user, by=None, session_key: str = "", label: str = "",
                    ) -> tuple[ApiToken, str]:
    """A new token for `user` and its key (the only time the key exists outside the
    client). `session_key`: the signed-in session that asked, which the token is tied to."""
    if not may_hold_api_token(user):
        raise Forbidden(NOT_YOURS)
    now = timezone.now()
    key = secrets.token_urlsafe(KEY_BYTES)
    token = ApiToken.objects.create(
        user=user, key_hash=key_digest(key), prefix=key[:PREFIX_LENGTH], label=label[:120],
        session_key=session_key or "", created_by=by or user,
        expires_at=_expiry(user, session_key, now))
    return token, key


def api_token_service_issue(*, user, by, label: str = "") -> tuple[ApiToken, str]:
    """An administrator issues a token to a service account (shown to them once)."""
    if not user.is_service_account:
        raise Conflict("Tokens are issued to service accounts only: a dispatcher asks for "
                       "their own with POST /api/auth/token/.")
    return api_token_issue(user=user, by=by, label=label)


def api_token_authenticate(*, key: str = "", key_hash: str = "") -> ApiToken | None:
    """The live token with this key (or the key's hash), or None (unknown, expired, revoked,
    its session signed out, its user deactivated or no longer allowed to hold one)."""
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=key_hash or key_digest(key), revoked_at__isnull=True).first())
    now = timezone.now()
    if token is None or token.expires_at <= now or not may_hold_api_token(token.user):
        return None
    if token.session_key and not _session_live(token):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_live(*, token_id: int) -> bool:
    """Whether the token a socket signed in with still works (asked when it revalidates)."""
    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    return token is not None and api_token_authenticate(key_hash=token.key_hash) is not None


def _revoke(tokens, by) -> int:
    """Revoke `tokens` (live ones); their holders' sockets are told after commit."""
    user_ids = sorted(set(tokens.values_list("user_id", flat=True)))
    count = tokens.update(revoked_at=timezone.now(), revoked_by=by)
    if count:
        transaction.on_commit(lambda: api_tokens_revoked.send(sender=ApiToken,
                                                              user_ids=user_ids))
    return count


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke a token now (an administrator's list, or its holder)."""
    with transaction.atomic():
        if _revoke(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True), by):
            token.refresh_from_db()
    return token


def api_tokens_revoke_for_session(*, session_key: str | None, by=None) -> int:
    """Revoke the tokens a session made: it is signing out (or timed out)."""
    if not session_key:
        return 0
    with transaction.atomic():
        return _revoke(ApiToken.objects.filter(session_key=session_key,
                                               revoked_at__isnull=True), by)
