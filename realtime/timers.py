"""The event log's own housekeeping: a recurring timer purges old events."""

from datetime import timedelta

from django.utils import timezone

from timers.registry import timer_handler
from timers.services import timer_schedule

PURGE_KIND = "realtime.purge_events"
PURGE_INTERVAL = timedelta(hours=1)


# The kind is stored in timer rows: it keeps its old spelling.
@timer_handler(PURGE_KIND)
def purge(timer) -> None:
    from .services import events_purge

    events_purge()
    timer_schedule(kind=PURGE_KIND, key="all", due_at=timezone.now() + PURGE_INTERVAL)


def ensure_purge_scheduled(**kwargs) -> None:
    from timers.models import Timer, TimerState

    if not Timer.objects.filter(kind=PURGE_KIND, state=TimerState.PENDING).exists():
        timer_schedule(kind=PURGE_KIND, key="all", due_at=timezone.now() + PURGE_INTERVAL)
