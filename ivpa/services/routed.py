"""The router's times after the commit (*körtider från vägnätet*). A transaction that holds
locks never waits on the router: on SQLite the whole database is locked from its BEGIN, on
PostgreSQL the case's and callout's rows and a pooled connection. Inside it IVPA decides on
places.travel's estimate (no I/O); once it has committed, the router is asked and the times the
estimate gave are replaced with one guarded UPDATE (only those still the estimate, of alerts
with no defibrillator to fetch, whose time their accept made), and the screens are told."""

from functools import partial

from django.db import connection, models, transaction

from places.travel import ESTIMATE, ROUTER, Point, router_configured, travel_times, turnout_seconds

from .. import arrivals
from ..events import publish_alerts, publish_callout
from ..models import Callout, ResponderAlert


def transaction_open() -> bool:
    """Whether the caller runs in a transaction (a test case's own, which never commits, not
    counted: Django's own test for a durable block)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def alert_times_route_after_commit(callout: Callout, alerts: list[ResponderAlert],
                                   positions: dict[int, Point], *, ambulance: bool) -> None:
    """Once the caller's transaction commits: the router's times for `alerts` (from the
    responders' `positions` the wave chose them by) and, with `ambulance`, for the callout's
    first ambulance."""
    if not router_configured() or not (alerts or ambulance):
        return
    rows = [(a.pk, a.kind, positions[a.responder_id]) for a in alerts
            if a.responder_id in positions]
    transaction.on_commit(partial(_route, callout.pk, rows, ambulance), robust=True)


def _route(callout_id: int, rows: list[tuple[int, str, Point]], ambulance: bool) -> None:
    callout = Callout.objects.select_related("case", "municipality").get(pk=callout_id)
    destination = (callout.case.latitude, callout.case.longitude)
    routed: dict[int, int] = {}
    for kind in sorted({kind for _pk, kind, _at in rows}):
        these = [(pk, at) for pk, k, at in rows if k == kind]
        times = travel_times(origins=[at for _pk, at in these], destination=destination,
                             profile=kind)
        turnout = turnout_seconds(kind)
        routed.update({pk: turnout + t.seconds for (pk, _at), t in zip(these, times, strict=True)
                       if t.source == ROUTER})
    if routed:
        ResponderAlert.objects.filter(pk__in=routed, eta_source=ESTIMATE,
                                      aed__isnull=True).update(
            eta_s=models.Case(*(models.When(pk=pk, then=models.Value(seconds))
                                for pk, seconds in routed.items())),
            eta_source=ROUTER)
        alerts = list(ResponderAlert.objects.filter(pk__in=routed, eta_source=ROUTER)
                      .select_related("responder__user", "aed"))
        for alert in alerts:
            alert.callout = callout
        publish_alerts(alerts, "alert.updated")
    if ambulance:
        eta = arrivals.ambulance_eta(callout.case)
        if eta is not None and eta.source == ROUTER and Callout.objects.filter(
                pk=callout_id, ambulance_eta_source=ESTIMATE, ended_at__isnull=True).update(
                ambulance_eta_s=eta.seconds, ambulance_eta_source=ROUTER):
            callout.ambulance_eta_s, callout.ambulance_eta_source = eta.seconds, ROUTER
            publish_callout(callout, "callout.updated",
                            list(callout.alerts.select_related("responder__user", "aed")))
