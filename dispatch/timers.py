from timers.registry import timer_handler

from . import services


@timer_handler(services.ACK_TIMER)
def ack_timeout(timer) -> None:
    services.assignment_resend_unacknowledged(assignment_id=int(timer.key))


@timer_handler(services.STATUS_TIMER)
def status_overdue(timer) -> None:
    services.assignment_flag_status_overdue(
        assignment_id=int(timer.key), status=timer.payload.get("status", "")
    )
