"""The panic alarm's deadline: escalation when no dispatcher acknowledged in time."""

from timers.registry import timer_handler

from .services.panic import PANIC_ESCALATE, panic_escalate


@timer_handler(PANIC_ESCALATE)
def panic_escalate_due(timer) -> None:
    panic_escalate(alarm_id=int(timer.key))
