"""Stream names owned by crews, and who may follow them."""

from accounts.models import Role
from realtime.schema import stream_name

from .selectors import crew_shift_open

UNITS_STREAM = "units"


def unit_stream(unit_id: int) -> str:
    return stream_name("unit", unit_id)


def may_follow_units(user, stream: str) -> bool:
    return user.is_superuser or user.role in (Role.DISPATCHER, Role.ADMIN)


def may_follow_unit(user, stream: str) -> bool:
    if may_follow_units(user, stream):
        return True
    shift = crew_shift_open(user=user)
    return shift is not None and unit_stream(shift.unit_id) == stream
