"""Timer handlers of caller images: the processing watchdog, and the daily retention purge
(fired by Celery beat in the production shape, by the timer loop in the embedded one)."""

from datetime import timedelta

from django.utils import timezone

from timers.registry import timer_handler
from timers.services import timer_schedule

from . import services

PURGE_INTERVAL = timedelta(days=1)


@timer_handler(services.PROCESS_TIMER)
def process_watchdog(timer) -> None:
    services.image_process_watchdog(image_id=int(timer.key))


@timer_handler(services.PURGE_TIMER)
def purge(timer) -> None:
    services.images_purge()
    timer_schedule(kind=services.PURGE_TIMER, key="all",
                   due_at=timezone.now() + PURGE_INTERVAL)


def ensure_purge_scheduled(**kwargs) -> None:
    from timers.models import Timer, TimerState

    if not Timer.objects.filter(kind=services.PURGE_TIMER, state=TimerState.PENDING).exists():
        timer_schedule(kind=services.PURGE_TIMER, key="all",
                       due_at=timezone.now() + PURGE_INTERVAL)
