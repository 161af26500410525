"""What the panic alarm tells others through their registries: the crew woken when a
dispatcher acknowledged (help is coming) and no screen of theirs saw it, and the alarm's
steps in its case's history (dispatch knows nothing of safety: safety registers both)."""

from django.utils.translation import gettext as _

from core.times import iso

from .models import PanicAlarm


def acknowledged_tag(event: dict) -> str | None:
    alarm = (event.get("data") or {}).get("alarm") or {}
    return f"panic-acknowledged-{alarm['id']}" if alarm.get("id") else None


def acknowledged_notification(event: dict) -> dict:
    """`panic.acknowledged` on the unit's stream: the call sign only, never the case."""
    alarm = (event.get("data") or {}).get("alarm") or {}
    return {
        "title": "Överfallslarm kvitterat",
        "body": f"Hjälp är på väg — {alarm.get('unit_call_sign', '')}".strip(" —"),
        "url": "/crew/",
        "tag": acknowledged_tag(event) or f"{event['stream']}-{event.get('seq')}",
    }


def panic_history(case) -> list[dict]:
    """The case's alarms, each step an entry with its words (dispatch/history.py)."""
    entries = []
    alarms = (PanicAlarm.objects.filter(case=case)
              .select_related("unit", "raised_by", "acknowledged_by", "cancelled_by",
                              "closed_by"))
    for alarm in alarms:
        common = {"alarm": alarm.pk, "unit": alarm.unit.call_sign,
                  "assignment": alarm.assignment_id}
        unit = alarm.unit.call_sign
        steps = [
            (alarm.raised_at, "panic_raised", alarm.raised_by,
             _("Panic alarm raised by %(unit)s") % {"unit": unit}, ""),
            (alarm.acknowledged_at, "panic_acknowledged", alarm.acknowledged_by,
             _("Panic alarm from %(unit)s acknowledged") % {"unit": unit}, ""),
            (alarm.escalated_at, "panic_escalated", None,
             _("Panic alarm from %(unit)s not acknowledged in time: the on-duty phones were "
               "texted") % {"unit": unit}, ""),
            (alarm.cancelled_at, "panic_cancelled", alarm.cancelled_by,
             _("Panic alarm from %(unit)s cancelled by the crew") % {"unit": unit},
             alarm.cancel_reason),
            (alarm.closed_at, "panic_closed", alarm.closed_by,
             _("Panic alarm from %(unit)s closed") % {"unit": unit}, alarm.close_note),
        ]
        for at, kind, by, text, reason in steps:
            if at is not None:
                entries.append({"at": iso(at), "kind": kind, **common,
                                "by": str(by) if by is not None else "", "text": text,
                                "reason": reason})
    return entries


def register() -> None:
    from dispatch.history import register_history_source
    from realtime.registry import register_notification, register_withdrawal

    # The unit's stream and its recipients (the crew on the unit) are crews'. A wake-up not yet
    # sent is moot once the alarm is cancelled or closed.
    register_notification("unit", "panic.acknowledged", acknowledged_notification)
    for ended in ("panic.cancelled", "panic.closed"):
        register_withdrawal("unit", ended, acknowledged_tag)
    register_history_source(panic_history)
