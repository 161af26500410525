"""What a referral's events wake on a unit's stream (crews owns `unit.<id>`, its rights and
recipients: the staff joined to the unit)."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation

# A new referral wakes the unit's staff (push when no device saw it on the socket, else SMS),
# and so do a reminder when nobody answered in time, a deadline passed, and a withdrawal (the
# staff may be on their way). A later event of the referral ends a wake-up not yet sent.
UNIT_REFERRAL_NOTIFICATIONS = ("referral.created", "referral.overdue",
                               "referral.deadline_passed", "referral.withdrawn")
UNIT_REFERRAL_WITHDRAWALS = ("referral.updated", "referral.withdrawn", "referral.overdue",
                             "referral.deadline_passed")
TITLES = {
    "referral.created": "Ny hänvisning",
    "referral.overdue": "Obesvarad hänvisning",
    "referral.deadline_passed": "Hänvisning: senaste besökstid passerad",
    "referral.withdrawn": "Hänvisningen är återkallad",
}


def referral_tag(event: dict) -> str | None:
    data = event.get("data") or {}
    return f"referral-{data['id']}" if data.get("id") else None


def referral_notification(event: dict) -> dict:
    """What the unit's phone shows with the app closed: what happened and by when, never the
    patient. Swedish, the product's language."""
    data = event.get("data") or {}
    kind = event["type"]
    call_sign = data.get("unit_call_sign") or ""
    with translation.override("sv"):
        when = ""
        if data.get("deadline"):
            local = timezone.localtime(datetime.fromisoformat(data["deadline"]))
            when = f" Besök senast {local:%H:%M}."
        if kind == "referral.withdrawn":
            body = f"{call_sign}: larmcentralen har tagit tillbaka hänvisningen. Öppna appen."
        elif kind == "referral.deadline_passed":
            body = f"{call_sign}: patienten är inte besökt och tiden har gått ut. Ring " \
                   "larmcentralen."
        else:
            line = "Varm överlämning (röd linje)" if data.get("line") == "warm" else \
                "Från larmcentralen (gul linje)"
            body = f"{line} — {call_sign}.{when} Öppna appen och svara."
    return {"title": TITLES.get(kind, "Hänvisning"), "body": body,
            "url": settings.REFERRAL_UNIT_URL,
            "tag": referral_tag(event) or f"{event['stream']}-{event['seq']}"}
