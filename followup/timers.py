"""The follow-up's stored timers: each dispatcher's monthly feedback is made on the first of
the month at 06:00 in the centre's time zone, for the month before, by a timer row that
schedules the next one when it fires (a server that was down catches up month by month)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from timers.registry import timer_handler
from timers.services import timer_schedule

MONTHLY_FEEDBACK = "followup.monthly_feedback"
MONTHLY_FEEDBACK_KEY = "all"
MONTHLY_FEEDBACK_HOUR = 6


def _local_date(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def month_before(moment: datetime) -> date:
    """The first day of the calendar month before `moment`'s (in the centre's time zone)."""
    day = _local_date(moment)
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def next_feedback_due(after: datetime) -> datetime:
    """The first of the month after `after`'s, at 06:00 in the centre's time zone."""
    day = _local_date(after)
    return datetime(day.year + day.month // 12, day.month % 12 + 1, 1, MONTHLY_FEEDBACK_HOUR,
                    tzinfo=ZoneInfo(settings.TIME_ZONE))


@timer_handler(MONTHLY_FEEDBACK)
def monthly_feedback(timer) -> None:
    from .services.feedback import dispatcher_reports_make

    dispatcher_reports_make(month=month_before(timer.due_at))
    timer_schedule(kind=MONTHLY_FEEDBACK, key=MONTHLY_FEEDBACK_KEY,
                   due_at=next_feedback_due(timer.due_at))


def ensure_monthly_feedback_scheduled(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: a fresh install has its first monthly timer (the next first of the
    month); an existing one is left as it is."""
    from timers.models import Timer, TimerState

    if using != DEFAULT_DB_ALIAS:
        return
    if not Timer.objects.filter(kind=MONTHLY_FEEDBACK, state=TimerState.PENDING).exists():
        timer_schedule(kind=MONTHLY_FEEDBACK, key=MONTHLY_FEEDBACK_KEY,
                       due_at=next_feedback_due(timezone.now()))
