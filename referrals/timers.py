"""Timer handlers: a referral nobody accepted in time; a deadline passed unseen."""

from timers.registry import timer_handler

from . import services


@timer_handler(services.ACCEPT_TIMER)
def accept_overdue(timer) -> None:
    services.referral_mark_overdue(referral_id=int(timer.key))


@timer_handler(services.DEADLINE_TIMER)
def deadline_passed(timer) -> None:
    services.referral_deadline_passed(referral_id=int(timer.key))
