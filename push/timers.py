"""Timer handlers of push: the grace time of a notification, a delivery's retry or watchdog,
an SMS's retry or watchdog, and the recurring purge of old records."""

from datetime import datetime, timedelta

from django.utils import timezone

from realtime.registry import recipients
from timers.registry import timer_handler
from timers.services import timer_schedule

from . import services

PURGE_KIND = "push.purge"
PURGE_INTERVAL = timedelta(hours=6)


@timer_handler(services.NOTIFY_KIND)
def notify(timer) -> None:
    """A wake-up is due: for its user, or (user None) for each of the stream's recipients
    now (a crew who joined the unit in the grace time is woken, one who left is not)."""
    p = timer.payload
    user_ids = [p["user"]] if p["user"] is not None else recipients(p["stream"])
    for user_id in user_ids:
        services.notification_fire(
            user_id=user_id, stream=p["stream"], seq=p["seq"], event_type=p["type"],
            event_at=datetime.fromisoformat(p["at"]), payload=p["notification"],
        )


@timer_handler(services.DELIVER_KIND)
def deliver(timer) -> None:
    services.delivery_resume(delivery_id=timer.payload["delivery"])


@timer_handler(services.SMS_KIND)
def sms(timer) -> None:
    services.sms_resume(sms_id=timer.payload["sms"])


@timer_handler(PURGE_KIND)
def purge(timer) -> None:
    services.records_purge()
    timer_schedule(kind=PURGE_KIND, key="all", due_at=timezone.now() + PURGE_INTERVAL)


def ensure_purge_scheduled(**kwargs) -> None:
    from timers.models import Timer, TimerState

    if not Timer.objects.filter(kind=PURGE_KIND, state=TimerState.PENDING).exists():
        timer_schedule(kind=PURGE_KIND, key="all", due_at=timezone.now() + PURGE_INTERVAL)
