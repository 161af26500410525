"""Whether a stored session is still signed in as its user: the one home of the question for
what holds a session's key past its request (a token tied to the session, a browser's socket).

It asks what Django's `get_user` asks of a request's session (the user id, a backend still
configured, the password's session hash, so that a password change ends the user's other
sessions) and the absolute timeout of accounts.middleware.
"""

import math
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare

from .middleware import SIGNED_IN_AT, session_limits


def _hash_verified(user, session_hash: str | None) -> bool:
    """The session's password hash is the user's, with SECRET_KEY or one of its fallbacks
    (as django.contrib.auth.get_user checks it)."""
    if not session_hash:
        return False
    return constant_time_compare(session_hash, user.get_session_auth_hash()) or any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash())


def session_signed_in_until(*, user, session_key: str | None) -> float | None:
    """Until when the stored session `session_key` is signed in as `user` (a Unix time; inf
    when it has no recorded sign-in time), or None when it no longer is: gone or idle past
    its age, another user's, its password hash outdated, past its absolute timeout. `user`
    as the database has it now (its password and active flag are checked here)."""
    if not session_key or user is None or not user.is_active:
        return None
    data = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key).load()
    if (str(data.get(SESSION_KEY)) != str(user.pk)
            or data.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS
            or not _hash_verified(user, data.get(HASH_SESSION_KEY))):
        return None
    ends = session_absolute_end(user=user, session=data)
    return ends if time.time() <= ends else None


def session_absolute_end(*, user, session) -> float:
    """When a session signed in as `user` reaches its absolute timeout (a Unix time; inf when
    it has no recorded sign-in time). `session`: its data, or a loaded SessionStore (a
    socket's handshake asks it of the session it signed in with)."""
    signed_in = session.get(SIGNED_IN_AT)
    if signed_in is None:
        return math.inf
    _idle, absolute = session_limits(user)
    return signed_in + absolute
