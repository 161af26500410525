"""The router's times after the commit (*körtider från vägnätet*). A transaction that holds
locks never waits on the router: on SQLite the whole database is locked from its BEGIN, on
PostgreSQL the case's and callout's rows and a pooled connection. Nor does the person who
acted: the dispatcher's registration and the volunteer's accept answer on the estimate
(places.travel, no I/O). In the same transaction a due-now timer is written; the timer loop
fires it, asks the router after the timer's own commit, and replaces the times the estimate
gave with one guarded UPDATE (only alerts still alerted or accepted, of a callout still
running, still on the estimate, with no defibrillator to fetch, whose time their accept made);
only the alerts it changed are announced."""

from django.db import models
from django.utils import timezone

from places.travel import ESTIMATE, ROUTER, Point, router_configured, travel_times, turnout_seconds
from timers.services import timer_create

from .. import arrivals
from ..events import publish_alerts, publish_callout
from ..models import AlertStatus, Callout, ResponderAlert

ROUTE_TIMER = "ivpa.route"


def alert_times_route_schedule(callout: Callout, alerts: list[ResponderAlert],
                                positions: dict[int, Point], *, ambulance: bool) -> None:
    """Once the caller's transaction commits, the timer loop asks the router for `alerts`'
    times (from the responders' `positions` the wave chose them by) and, with `ambulance`,
    for the callout's first ambulance: a due-now timer per wave, written in the caller's
    transaction (so it exists exactly when the wave does)."""
    if not router_configured() or not (alerts or ambulance):
        return
    rows = [[a.pk, a.kind, *positions[a.responder_id]] for a in alerts
            if a.responder_id in positions]
    timer_create(kind=ROUTE_TIMER, key=f"{callout.pk}.{callout.waves}", due_at=timezone.now(),
                 payload={"callout": callout.pk, "rows": rows, "ambulance": ambulance})


def alert_times_route(*, callout_id: int, rows: list, ambulance: bool) -> None:
    """The router's times for a wave's alerts and the callout's ambulance (the timer's work,
    run with no transaction open)."""
    callout = Callout.objects.select_related("case", "municipality").get(pk=callout_id)
    if callout.ended_at is not None:
        return
    destination = (callout.case.latitude, callout.case.longitude)
    routed: dict[int, int] = {}
    for kind in sorted({kind for _pk, kind, *_at in rows}):
        these = [(pk, (lat, lon)) for pk, k, lat, lon in rows if k == kind]
        times = travel_times(origins=[at for _pk, at in these], destination=destination,
                             profile=kind)
        turnout = turnout_seconds(kind)
        routed.update({pk: turnout + t.seconds for (pk, _at), t in zip(these, times, strict=True)
                       if t.source == ROUTER})
    if routed:
        live = ResponderAlert.objects.filter(
            pk__in=routed, eta_source=ESTIMATE, aed__isnull=True,
            status__in=(AlertStatus.ALERTED, AlertStatus.ACCEPTED),
            callout__ended_at__isnull=True)
        changed = list(live.values_list("pk", flat=True))
        if changed and live.filter(pk__in=changed).update(
                eta_s=models.Case(*(models.When(pk=pk, then=models.Value(routed[pk]))
                                    for pk in changed)),
                eta_source=ROUTER):
            alerts = list(ResponderAlert.objects.filter(pk__in=changed, eta_source=ROUTER)
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
