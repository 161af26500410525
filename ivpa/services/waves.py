"""A callout's waves (*larmvågor*): the nearest responders first, a wider circle each wave
until enough have accepted; the stand-down of those no longer needed."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from timers.services import timer_create, timer_schedule

from .. import selectors
from ..events import publish_alerts, publish_wave
from ..models import ENGAGED, Callout, ResponderAlert, ResponderKind
from .routed import alert_times_route_schedule

WAVE_TIMER = "ivpa.wave"
UNIT_KINDS = (ResponderKind.FIRE_RESCUE, ResponderKind.POLICE)


def _units_for(callout: Callout, *, now: datetime, exclude: set[int]) -> list:
    """Fire/rescue and police units: always the nearest in parallel for a cardiac arrest (fire
    and rescue), otherwise those expected before the ambulance."""
    case, municipality = callout.case, callout.municipality
    chosen = []
    for kind in UNIT_KINDS:
        if kind not in municipality.responder_kinds:
            continue
        found = selectors.units_near(
            latitude=case.latitude, longitude=case.longitude,
            radius_m=municipality.unit_radius_m, kind=kind, now=now, exclude=exclude,
            routed=False,
        )
        parallel = (kind == ResponderKind.FIRE_RESCUE
                    and case.case_type in settings.IVPA_PARALLEL_UNIT_CASE_TYPES)
        if not parallel:
            # Both sides are the estimate here (the best time at the decision: the router is
            # asked only after the commit, routed.py); the router's times then replace them.
            eta = callout.ambulance_eta_s
            found = [c for c in found if eta is None or c.eta_s < eta]
        chosen.extend(found[:municipality.fire_units])
    return chosen


def wave_send(callout: Callout, *, now: datetime) -> list[ResponderAlert]:
    """Alert the next wave: the units on the first, then volunteers within a radius that
    widens each wave up to the largest; schedule the next wave while more may be needed."""
    municipality, case = callout.municipality, callout.case
    callout.waves += 1
    growth = settings.IVPA_RADIUS_GROWTH ** (callout.waves - 1)
    callout.radius_m = min(municipality.max_radius_m, int(municipality.radius_m * growth))
    # A callout's first wave runs in the transaction that created it: nobody alerted yet.
    first = callout.waves == 1
    already = set() if first else set(callout.alerts.values_list("responder_id", flat=True))
    chosen = _units_for(callout, now=now, exclude=already) if first else []
    wants_volunteers = (ResponderKind.VOLUNTEER in municipality.responder_kinds
                        and not callout.volunteers_excluded)
    if wants_volunteers:
        chosen += selectors.volunteers_near(
            latitude=case.latitude, longitude=case.longitude, radius_m=callout.radius_m,
            limit=municipality.wave_size, now=now, weekly_cap=municipality.weekly_cap,
            exclude=already, routed=False,
        )
    # One INSERT for the wave: the callout's row is locked by the caller, so no other wave of
    # it runs now, and `already` holds everyone alerted before; the unique (callout,
    # responder) constraint stays the backstop.
    alerts = ResponderAlert.objects.bulk_create([
        ResponderAlert(callout=callout, responder_id=c.responder_id, kind=c.kind,
                       wave=callout.waves, distance_m=c.distance_m, eta_s=c.eta_s,
                       eta_source=c.eta_source, alerted_at=now)
        for c in chosen
    ])
    at_largest = callout.radius_m >= municipality.max_radius_m
    new_volunteers = [a for a in alerts if a.kind == ResponderKind.VOLUNTEER]
    callout.exhausted = wants_volunteers and at_largest and not new_volunteers
    if alerts and callout.first_alert_at is None:
        callout.first_alert_at = now
    if wants_volunteers and not callout.exhausted:
        callout.next_wave_at = now + timedelta(seconds=municipality.wave_interval_s)
        schedule = timer_create if first else timer_schedule
        schedule(kind=WAVE_TIMER, key=str(callout.pk), due_at=callout.next_wave_at)
    else:
        callout.next_wave_at = None
    callout.save()
    alert_times_route_schedule(
        callout, alerts, {c.responder_id: c.position for c in chosen}, ambulance=first)
    every = list(callout.alerts.select_related("responder__user", "aed"))
    new = {a.pk for a in alerts}
    alerts = [a for a in every if a.pk in new]
    for alert in every:
        alert.callout = callout
    # The responders' events first: they are what people wait for.
    publish_wave(callout, alerts, every)
    return alerts


def volunteers_accepted(callout: Callout) -> int:
    return callout.alerts.filter(kind=ResponderKind.VOLUNTEER, status__in=ENGAGED).count()


def callout_reopen_if_short(callout: Callout, *, now: datetime) -> None:
    """An engaged volunteer left a satisfied callout (declined after accepting, or stood down
    when their approval ended): if too few remain, the callout wants more and the next wave
    goes out at once. The caller holds the callout's lock."""
    if callout.satisfied_at and not callout.volunteers_excluded and \
            volunteers_accepted(callout) < callout.municipality.needed:
        callout.satisfied_at = None
        callout.next_wave_at = now
        timer_schedule(kind=WAVE_TIMER, key=str(callout.pk), due_at=now)
        callout.save(update_fields=["satisfied_at", "next_wave_at"])


@transaction.atomic
def callout_next_wave(*, callout_id: int) -> Callout | None:
    """Fired by the wave timer: too few accepted in time, so the next ones are alerted."""
    callout = (Callout.objects.select_for_update(of=("self",))
               .select_related("case", "municipality").filter(pk=callout_id).first())
    if callout is None or not callout.is_active or callout.satisfied_at is not None:
        return None
    if volunteers_accepted(callout) >= callout.municipality.needed:
        return None
    wave_send(callout, now=timezone.now())
    return callout


def alerts_stand_down(callout: Callout, alerts, *, status: str, now: datetime, type: str) -> None:
    """Tell everyone still alerted or on the way at once: one UPDATE, one batch of events."""
    alerts = list(alerts)
    if not alerts:
        return
    ResponderAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(
        status=status, ended_at=now)
    for alert in alerts:
        alert.status, alert.ended_at, alert.callout = status, now, callout
    publish_alerts(alerts, type)
