"""The incident's deadlines, stored as timers rows (never Celery countdowns): the TiB texted
when nobody confirmed in time, a region's people texted again while it has not acknowledged,
a CAP delivery retried with backoff, and the watchdog of a send lost with its process."""

from timers.registry import timer_handler


@timer_handler("incidents.confirm_sms")
def confirm_sms_due(timer) -> None:
    """Nobody confirmed or rejected in time: every TiB texted (services.lifecycle)."""
    from .services.lifecycle import incident_tib_text

    incident_tib_text(incident_id=int(timer.key))


@timer_handler("incidents.cap_deliver")
def cap_deliver_due(timer) -> None:
    """A CAP delivery's retry or its watchdog (services.cap_delivery.CAP_DELIVER_KIND)."""
    from .services.cap_delivery import cap_delivery_resume

    cap_delivery_resume(delivery_id=timer.payload["delivery"])


@timer_handler("incidents.alarm_remind")
def alarm_remind_due(timer) -> None:
    """The regions that have not acknowledged the alarm: their people texted again."""
    from .services.alarm import region_alarms_remind

    region_alarms_remind(incident_id=int(timer.key))
