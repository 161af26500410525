"""Who may subscribe to which stream. Domain apps register an authorizer per stream kind,
so the event stream itself knows no domain."""

from collections.abc import Callable

Authorizer = Callable[[object, str], bool]
_authorizers: dict[str, Authorizer] = {}


def register_stream_kind(kind: str, authorizer: Authorizer) -> None:
    _authorizers[kind] = authorizer


def may_subscribe(user, stream: str) -> bool:
    from .schema import stream_kind

    authorizer = _authorizers.get(stream_kind(stream))
    if authorizer is None or user is None or not user.is_authenticated:
        return False
    return bool(authorizer(user, stream))


def still_signed_in(user, session_key: str | None) -> bool:
    """Whether a socket's user may still receive events: the account is active and, for a
    browser, its session still exists and is within the absolute timeout."""
    import time
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(pk=user.pk, is_active=True).exists():
        return False
    if session_key is None:
        return True
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    data = store.load()
    if str(data.get("_auth_user_id")) != str(user.pk):
        return False
    signed_in = data.get("signed_in_at")
    return signed_in is None or time.time() - signed_in <= settings.SESSION_ABSOLUTE_TIMEOUT
