"""Idle and absolute session timeouts.

The idle timeout is the session cookie age, renewed on each request; the absolute timeout
counts from sign-in and is not renewed, so a stolen or forgotten session ends anyway.
"""

import time

from django.conf import settings
from django.contrib.auth import logout

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"


def session_limits(user) -> tuple[int, int]:
    """(idle, absolute) session timeouts in seconds for the user's role."""
    if getattr(user, "role", None) == "responder":
        return (settings.RESPONDER_SESSION_IDLE_TIMEOUT,
                settings.RESPONDER_SESSION_ABSOLUTE_TIMEOUT)
    return settings.SESSION_IDLE_TIMEOUT, settings.SESSION_ABSOLUTE_TIMEOUT


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            idle, absolute = session_limits(user)
            signed_in = request.session.get(SIGNED_IN_AT)
            last_seen = request.session.get(LAST_SEEN_AT, now)
            if signed_in is None:
                request.session[SIGNED_IN_AT] = now
            elif (
                now - signed_in > absolute
                or now - last_seen > idle
            ):
                logout(request)
            elif idle != settings.SESSION_IDLE_TIMEOUT and \
                    request.session.get("_session_expiry") != idle:
                request.session.set_expiry(idle)
            if request.user.is_authenticated and now - last_seen > 30:
                request.session[LAST_SEEN_AT] = now
            elif request.user.is_authenticated and LAST_SEEN_AT not in request.session:
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


def mark_signed_in(sender, request, user, **kwargs) -> None:
    """The absolute timeout counts from this sign-in, also when the session is reused
    (Django keeps a signed-in user's session data when the same user signs in again)."""
    if hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now
