"""Stream names owned by crews, and who may follow them."""

from accounts.roles import is_dispatcher, joins_shifts
from realtime.schema import stream_name

from .models import CrewShift
from .selectors import crew_shift_open

UNITS_STREAM = "units"


def unit_stream(unit_id: int) -> str:
    return stream_name("unit", unit_id)


def may_follow_units(user, stream: str) -> bool:
    return is_dispatcher(user)


def units_followed(user) -> list[str]:
    """The console follows every unit's status and position."""
    return [UNITS_STREAM] if is_dispatcher(user) else []


def unit_followed(user) -> list[str]:
    """A crew member (or mobile care staff) follows the unit joined for the shift."""
    if not joins_shifts(user):
        return []
    shift = crew_shift_open(user=user)
    return [unit_stream(shift.unit_id)] if shift else []


def may_follow_unit(user, stream: str) -> bool:
    if may_follow_units(user, stream):
        return True
    shift = crew_shift_open(user=user)
    return shift is not None and unit_stream(shift.unit_id) == stream


def unit_recipients(stream: str) -> list[int]:
    """Who a unit's stream is meant for: the crew members on the unit now."""
    unit_id = stream.split(".", 1)[1]
    if not unit_id.isdigit():
        return []
    return list(
        CrewShift.objects.filter(unit_id=int(unit_id), left_at__isnull=True)
        .values_list("user_id", flat=True)
    )


# Assignment events on a unit's stream wake its crew when no device of theirs saw the event on
# the socket in time (push, else SMS). Only what the event carries is used: priority and call
# sign, never the address, complaint or patient. Swedish: the product's language.
UNIT_NOTIFICATION_TITLES = {
    "assignment.created": "Nytt uppdrag",
    "assignment.resent": "Okvitterat uppdrag",
    # The crew waiting at a staging point (*brytpunkt*) is let in: a tablet asleep still hears.
    "assignment.staging_released": "Polisen på plats – kör in",
}


# A status event of the assignment (acknowledged, cancelled, redirected: it is no longer
# waiting for the crew) withdraws a wake-up not yet sent.
UNIT_NOTIFICATION_ENDS = ("assignment.status",)


def assignment_tag(event: dict) -> str | None:
    data = event.get("data") or {}
    return f"assignment-{data['id']}" if data.get("id") else None


def unit_notification(event: dict) -> dict:
    data = event.get("data") or {}
    tag = assignment_tag(event) or f"{event['stream']}-{event['seq']}"
    priority = data.get("priority") or "?"
    call_sign = data.get("unit_call_sign") or ""
    return {
        "title": UNIT_NOTIFICATION_TITLES.get(event["type"], "Uppdrag"),
        "body": f"Prio {priority} — {call_sign}".strip(),
        "url": "/crew/",
        # One notification per assignment on the device: a resend replaces the first.
        "tag": tag,
    }
