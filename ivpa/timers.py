"""Timer handlers: the next wave, the longest alert time, the automatic start (and its retry), a
retried reaction to a case change, the router's times after a wave or an accept."""

from functools import partial

from django.db import transaction

from dispatch.models import Case
from timers.registry import timer_handler

from . import services
from .models import Callout, CalloutEnd, ResponderAlert


@timer_handler(services.WAVE_TIMER)
def next_wave(timer) -> None:
    services.callout_next_wave(callout_id=int(timer.key))


@timer_handler(services.END_TIMER)
def end(timer) -> None:
    callout = Callout.objects.filter(pk=int(timer.key), ended_at__isnull=True).first()
    if callout is not None:
        services.callout_end(callout=callout, reason=CalloutEnd.TIMED_OUT)


@timer_handler(services.START_TIMER)
@timer_handler(services.START_RETRY_TIMER)
def start(timer) -> None:
    """The automatic start after the registration's commit, or its retry: the case is read
    there, once, locked."""
    from .receivers import auto_start_now

    auto_start_now(Case(pk=int(timer.key)))


@timer_handler(services.SYNC_RETRY_TIMER)
def sync_retry(timer) -> None:
    case = Case.objects.filter(pk=int(timer.key)).first()
    if case is not None:
        services.callout_follow_case(case=case)


@timer_handler(services.ROUTE_TIMER)
def route(timer) -> None:
    """After the timer's own transaction: a handler runs inside it, and no transaction waits
    on the router (ivpa/services/routed.py). A router that fails leaves the estimate."""
    transaction.on_commit(partial(
        services.alert_times_route, callout_id=timer.payload["callout"],
        rows=timer.payload["rows"], ambulance=timer.payload["ambulance"]), robust=True)


@timer_handler(services.LEGS_TIMER)
def legs(timer) -> None:
    transaction.on_commit(partial(_legs_route, int(timer.key)), robust=True)


def _legs_route(alert_id: int) -> None:
    alert = ResponderAlert.objects.select_related(
        "callout__case", "responder__user", "aed").filter(pk=alert_id).first()
    if alert is not None:
        services.alert_legs_route(alert)
