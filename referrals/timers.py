"""Timer handlers: a referral nobody accepted in time."""

from timers.registry import timer_handler

from . import services


@timer_handler(services.ACCEPT_TIMER)
def accept_overdue(timer) -> None:
    services.referral_mark_overdue(referral_id=int(timer.key))
