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
