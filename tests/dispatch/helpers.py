"""Helpers shared by the dispatch, crews and role-matrix tests."""


from accounts.models import User
from core.models import IdempotentRequest
from crews.models import CrewShift, Unit
from dispatch.models import Assignment, Case
from realtime.models import Event, Stream
from timers.models import Timer

# The statuses an assignment passes on its way to each status (the crew's big button).
PATH_TO = {
    "alerted": [],
    "acknowledged": ["acknowledged"],
    "en_route": ["acknowledged", "en_route"],
    "on_scene": ["acknowledged", "en_route", "on_scene"],
    "transporting": ["acknowledged", "en_route", "on_scene", "transporting"],
    "at_hospital": ["acknowledged", "en_route", "on_scene", "transporting", "at_hospital"],
    "available": ["acknowledged", "en_route", "on_scene", "available"],
    "cancelled": ["cancelled"],
}


def db_state() -> dict:
    """Everything dispatch may change, to assert that a refused request changed nothing."""
    return {
        "cases": list(Case.objects.order_by("pk").values()),
        "assignments": list(Assignment.objects.order_by("pk").values()),
        "units": list(Unit.objects.order_by("pk").values()),
        "shifts": list(CrewShift.objects.order_by("pk").values()),
        "events": list(Event.objects.order_by("pk").values("pk", "stream", "seq", "type")),
        "streams": list(Stream.objects.order_by("pk").values()),
        "timers": list(Timer.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values("pk", "is_active", "role")),
    }


def idempotent_rows() -> list[dict]:
    return list(IdempotentRequest.objects.order_by("pk").values())


def assert_detail(response, *fragments: str) -> str:
    """A refusal is JSON with a non-empty `detail` that names the problem."""
    body = response.json()
    detail = body.get("detail")
    assert isinstance(detail, str) and detail.strip(), body
    for fragment in fragments:
        assert fragment.lower() in detail.lower(), (fragment, detail)
    return detail


# --- fixtures the test packages share (imported by their conftest.py) ----------------------
