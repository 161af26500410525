"""Streams dispatch publishes to, and who may follow them."""

from accounts.models import Role

DISPATCH_STREAM = "dispatch"


def may_follow_dispatch(user, stream: str) -> bool:
    return user.is_superuser or user.role in (Role.DISPATCHER, Role.ADMIN)
