"""Who is woken when an incident is raised: every official on duty (TiB) follows the incidents
stream on a phone that may be asleep, so `incident.raised` wakes them (push, else SMS: push's
registry) until one of them confirms or rejects it. The SMS after INCIDENT_CONFIRM_SMS_SECONDS
is the lifecycle's own timer (services.lifecycle.incident_tib_text)."""


def incident_recipients(stream: str) -> list[int]:
    """The people behind the incidents stream worth waking: every active TiB."""
    from .services.lifecycle import tib_users

    return list(tib_users().values_list("pk", flat=True))


def raised_tag(event: dict) -> str | None:
    incident = (event.get("data") or {}).get("incident") or {}
    return f"incident-raised-{incident['id']}" if incident.get("id") else None


def raised_notification(event: dict) -> dict:
    """The title only (no case, no patient), in Swedish: the product's language."""
    incident = (event.get("data") or {}).get("incident") or {}
    title = incident.get("title") or ""
    return {"title": "Möjlig särskild händelse",
            "body": f"ÖVNING: {title}" if incident.get("exercise") else title,
            "url": "/tib/",
            "tag": raised_tag(event) or f"{event['stream']}-{event.get('seq')}"}


def register() -> None:
    from realtime.registry import (
        register_notification,
        register_recipients,
        register_withdrawal,
    )

    from .streams import INCIDENTS_STREAM

    register_recipients(INCIDENTS_STREAM, incident_recipients)
    register_notification(INCIDENTS_STREAM, "incident.raised", raised_notification)
    # Decided: a wake-up not yet sent is moot.
    for ended in ("incident.confirmed", "incident.rejected"):
        register_withdrawal(INCIDENTS_STREAM, ended, raised_tag)
