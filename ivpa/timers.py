"""Timer handlers: the next wave, the longest alert time, a retried automatic start, a
retried reaction to a case change."""

from dispatch.models import Case
from timers.registry import timer_handler

from . import services
from .models import Callout, CalloutEnd


@timer_handler(services.WAVE_TIMER)
def next_wave(timer) -> None:
    services.callout_next_wave(callout_id=int(timer.key))


@timer_handler(services.END_TIMER)
def end(timer) -> None:
    callout = Callout.objects.filter(pk=int(timer.key), ended_at__isnull=True).first()
    if callout is not None:
        services.callout_end(callout=callout, reason=CalloutEnd.TIMED_OUT)


@timer_handler(services.START_RETRY_TIMER)
def start_retry(timer) -> None:
    from .receivers import auto_start

    case = Case.objects.filter(pk=int(timer.key)).first()
    if case is not None:
        auto_start(case)


@timer_handler(services.SYNC_RETRY_TIMER)
def sync_retry(timer) -> None:
    case = Case.objects.filter(pk=int(timer.key)).first()
    if case is not None:
        services.callout_follow_case(case=case)
