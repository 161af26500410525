"""Integration tokens (*API-nycklar*): issued to those who may hold one, kept as a SHA-256
of the key only, expiring, tied to the session that made them, revoked by an administrator.

Who may hold one is accounts.roles.may_hold_api_token. A token lives API_TOKEN_TTL_SECONDS
(a service account's API_SERVICE_TOKEN_TTL_DAYS); one made by a signed-in browser lives no
longer than that session: it is revoked when the session signs out (or is timed out), and it
stops working when the session is gone or past its absolute timeout.
"""

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden

from ..models import ApiToken
from ..roles import may_hold_api_token
from ..sessions import session_signed_in_until
from ..signals import credentials_ended

KEY_BYTES = 32
PREFIX_LENGTH = 6
# How often the time a token was last used is written (not on every request).
LAST_USED_PRECISION = timedelta(seconds=60)
NOT_YOURS = ("Your role may not hold an integration token: the screens sign in with a "
             "session. An administrator can create a service account for an integration.")


def _key_digest(key: str) -> str:
    """What is kept of a key: its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def _expiry(user, session_key: str, now: datetime) -> datetime:
    if user.is_service_account:
        expires = now + timedelta(days=settings.API_SERVICE_TOKEN_TTL_DAYS)
    else:
        expires = now + timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)
    if session_key:
        ends = session_signed_in_until(user=user, session_key=session_key)
        if ends is not None and ends != math.inf:
            expires = min(expires, datetime.fromtimestamp(ends, tz=now.tzinfo))
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
        user=user, key_hash=_key_digest(key), prefix=key[:PREFIX_LENGTH], label=label[:120],
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
             .filter(key_hash=key_hash or _key_digest(key), revoked_at__isnull=True).first())
    now = timezone.now()
    if token is None or token.expires_at <= now or not may_hold_api_token(token.user):
        return None
    if token.session_key and session_signed_in_until(
            user=token.user, session_key=token.session_key) is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_live_until(*, token_id: int) -> float | None:
    """Until when the token a socket signed in with works (a Unix time: its expiry, no later
    than its session's absolute timeout), or None when it no longer does (asked when the
    socket revalidates, and again at that time)."""
    key_hash = ApiToken.objects.filter(pk=token_id).values_list("key_hash", flat=True).first()
    token = api_token_authenticate(key_hash=key_hash) if key_hash else None
    return token.expires_at.timestamp() if token is not None else None


def credentials_ended_send(*, user_ids) -> None:
    """After commit, tell those listening (realtime: the users' sockets check again) that
    some of these users' tokens or sessions ended."""
    user_ids = sorted(set(user_ids))
    if user_ids:
        transaction.on_commit(lambda: credentials_ended.send(sender=ApiToken,
                                                             user_ids=user_ids))


def _revoke(tokens, by) -> int:
    """Revoke `tokens` (live ones); their holders' sockets are told after commit."""
    user_ids = list(tokens.values_list("user_id", flat=True))
    count = tokens.update(revoked_at=timezone.now(), revoked_by=by)
    if count:
        credentials_ended_send(user_ids=user_ids)
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


def api_tokens_revoke_for_password(*, user_id: int) -> int:
    """The user's password changed: Django refuses the sessions they signed in with before
    (accounts.sessions checks the password's hash too), so the tokens tied to a session end
    with them, and the user's sockets check again (those of such a session close)."""
    with transaction.atomic():
        count = _revoke(ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True)
                        .exclude(session_key=""), None)
        if not count:
            credentials_ended_send(user_ids=[user_id])
    return count
