"""Streams dispatch publishes to, and who may follow them."""

from accounts.roles import is_dispatcher

DISPATCH_STREAM = "dispatch"


def may_follow_dispatch(user, stream: str) -> bool:
    return is_dispatcher(user)


def dispatch_followed(user) -> list[str]:
    return [DISPATCH_STREAM] if is_dispatcher(user) else []
