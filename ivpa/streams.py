"""Streams of first-responder alerting, who may follow them, and what wakes a responder.

- `responder.<user id>`: one responder's alerts (their own devices only).
- `ivpa`: every callout and alert, for the dispatchers.
"""

from django.utils import translation

from accounts.models import Role
from accounts.roles import is_dispatcher
from dispatch.models import CaseType
from realtime.schema import stream_name

IVPA_STREAM = "ivpa"


def responder_stream(user_id: int) -> str:
    return stream_name("responder", user_id)


def may_follow_ivpa(user, stream: str) -> bool:
    return is_dispatcher(user)


def ivpa_followed(user) -> list[str]:
    return [IVPA_STREAM] if is_dispatcher(user) else []


def responder_followed(user) -> list[str]:
    """A responder's phone follows their own alerts."""
    return [responder_stream(user.pk)] if user.role == Role.RESPONDER else []


def may_follow_responder(user, stream: str) -> bool:
    return user.role == Role.RESPONDER and stream == responder_stream(user.pk)


def responder_recipients(stream: str) -> list[int]:
    user_id = stream.split(".", 1)[1]
    return [int(user_id)] if user_id.isdigit() else []


def alert_tag(event: dict) -> str | None:
    data = event.get("data") or {}
    return f"ivpa-alert-{data['id']}" if data.get("id") else None


def _distance(metres) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return f"{int(round(metres, -1))} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


def responder_notification(event: dict) -> dict:
    """What a responder's phone shows when the app is closed: the case type and distance,
    never the address or the patient. Swedish, the product's language."""
    data = event.get("data") or {}
    kind = event["type"]
    with translation.override("sv"):
        if kind == "alert.created":
            label = str(CaseType(data["case_type"]).label) if data.get("case_type") in \
                CaseType.values else "Larm"
            title = f"IVPA-larm: {label}"
            body = f"{_distance(data.get('distance_m'))} från dig. Öppna appen och svara."
        elif kind == "alert.not_needed":
            title, body = "Du behövs inte längre", "Tillräckligt många är på väg. Tack!"
        elif kind == "alert.ended":
            title = "IVPA-larmet är avslutat"
            body = ("Ambulansen är på plats. Tack!" if data.get("reason") == "ambulance_arrived"
                    else "Larmet är avslutat. Tack!")
        else:
            title, body = "Provlarm", "Ditt provlarm kom fram."
    return {"title": title, "body": body.strip(), "url": "/responder/",
            "tag": alert_tag(event) or f"{event['stream']}-{event['seq']}"}


# Events that wake the responder (push when no device saw them on the socket, else SMS), and
# those that withdraw a wake-up not yet sent: an answer from another of their devices, the
# stand-down, the end.
RESPONDER_NOTIFICATIONS = ("alert.created", "alert.not_needed", "alert.ended", "alert.test")
RESPONDER_WITHDRAWALS = ("alert.updated", "alert.not_needed", "alert.ended")
