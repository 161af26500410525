"""What a referral's events wake on a unit's stream (crews owns `unit.<id>`, its rights and
recipients: the staff joined to the unit)."""

from django.conf import settings
from django.utils import timezone, translation

# A new referral wakes the unit's staff (push when no device saw it on the socket, else SMS);
# any later event of the referral (accepted from another device, withdrawn) ends the wake-up.
UNIT_REFERRAL_NOTIFICATIONS = ("referral.created",)
UNIT_REFERRAL_WITHDRAWALS = ("referral.updated", "referral.withdrawn")


def referral_tag(event: dict) -> str | None:
    data = event.get("data") or {}
    return f"referral-{data['id']}" if data.get("id") else None


def referral_notification(event: dict) -> dict:
    """What the unit's phone shows with the app closed: that a referral came and by when to
    answer, never the patient. Swedish, the product's language."""
    data = event.get("data") or {}
    deadline = data.get("deadline")
    with translation.override("sv"):
        when = ""
        if deadline:
            from datetime import datetime

            local = timezone.localtime(datetime.fromisoformat(deadline))
            when = f" Besök senast {local:%H:%M}."
        line = "Varm överlämning (röd linje)" if data.get("line") == "warm" else \
            "Från larmcentralen (gul linje)"
        body = f"{line} — {data.get('unit_call_sign') or ''}.{when} Öppna appen och svara."
    return {"title": "Ny hänvisning", "body": body.replace(" .", "."),
            "url": settings.REFERRAL_UNIT_URL,
            "tag": referral_tag(event) or f"{event['stream']}-{event['seq']}"}
