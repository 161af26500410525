"""A responder's answers to an alert: seen, accepted (with a defibrillator to fetch on the
way for the first ones), declined, arrived."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, Invalid
from core.geo import distance_m
from core.times import CLOCK_SKEW
from places.travel import ROUTER, TravelTime, router_configured, travel_time, turnout_seconds
from timers.services import timer_cancel, timer_schedule

from .. import selectors
from ..events import publish_alert, publish_callout
from ..models import ENGAGED, AlertStatus, Callout, ResponderAlert, ResponderKind, Route
from .waves import WAVE_TIMER, alerts_stand_down, callout_reopen_if_short, volunteers_accepted

LEGS_TIMER = "ivpa.legs"


def alert_lock_own(alert: ResponderAlert, by) -> tuple[Callout, ResponderAlert]:
    """Lock the callout, then the alert (always in this order), and check it is `by`'s.
    Only their own rows are locked (`of`): PostgreSQL refuses FOR UPDATE on the nullable side
    of the outer join to the defibrillator, and the case and municipality stay free."""
    callout = Callout.objects.select_for_update(of=("self",)).select_related(
        "case", "municipality").get(pk=alert.callout_id)
    alert = ResponderAlert.objects.select_for_update(of=("self",)).select_related(
        "responder__user", "aed").get(pk=alert.pk)
    if alert.responder.user_id != by.pk:
        raise Forbidden(_("This alert was sent to someone else."))
    alert.callout = callout
    return callout, alert


def _refuse_if_ended(callout: Callout, alert: ResponderAlert) -> None:
    if not callout.is_active:
        raise Conflict(_("The alert has ended: %(reason)s.")
                       % {"reason": callout.get_end_reason_display().lower()},
                       status=alert.status)
    if alert.status == AlertStatus.NOT_NEEDED:
        raise Conflict(_("Enough responders have already accepted; you are not needed this "
                         "time. Thank you!"), status=alert.status)
    if alert.status == AlertStatus.STOOD_DOWN:
        raise Conflict(_("You have been stood down from this alert."), status=alert.status)


def answer_time_check(at: datetime | None, now: datetime, after: datetime) -> datetime:
    """When the phone says it happened (now when it says nothing): not in the future, not
    before `after`."""
    if at is None:
        return now
    if at > now + CLOCK_SKEW:
        raise Invalid(_("The time is in the future; check the phone's clock."))
    if at < after:
        raise Invalid(_("The time is before the alert was answered."))
    return at


@transaction.atomic
def alert_seen(*, alert: ResponderAlert, by) -> ResponderAlert:
    """The responder's device shows the alert (the device's receipt)."""
    callout, alert = alert_lock_own(alert, by)
    if alert.seen_at is None:
        alert.seen_at = timezone.now()
        alert.save(update_fields=["seen_at"])
        publish_alert(alert, "alert.updated", to_responder=False, to_crews=False)
    return alert


def _choose_aed(callout: Callout, alert: ResponderAlert, now: datetime):
    """For one of the first `aed_runners` to accept: the open defibrillator that adds the
    least to their way, not already fetched by another responder of this callout."""
    case, responder = callout.case, alert.responder
    if case.case_type not in settings.IVPA_AED_CASE_TYPES or responder.latitude is None:
        return None, None
    runners = callout.alerts.filter(route=Route.AED)
    if runners.count() >= callout.municipality.aed_runners:
        return None, None
    taken = set(runners.values_list("aed_id", flat=True))
    direct = distance_m(responder.latitude, responder.longitude, case.latitude, case.longitude)
    best = None
    for aed, to_patient in selectors.aeds_open_near(
        latitude=case.latitude, longitude=case.longitude,
        radius_m=settings.IVPA_AED_RADIUS_M, at=now,
    ):
        if aed.pk in taken:
            continue
        way = distance_m(responder.latitude, responder.longitude,
                         aed.latitude, aed.longitude) + to_patient
        if way - direct <= settings.IVPA_AED_MAX_DETOUR_M and (best is None or way < best[1]):
            best = (aed, way)
    return best if best else (None, None)


# Fetching the defibrillator from where it hangs: a minute.
AED_FETCH_SECONDS = 60


def _leg(start: str, end: str, time: TravelTime) -> dict:
    return {"from": start, "to": end, "metres": time.metres, "seconds": time.seconds,
            "source": time.source}


def _legs(alert: ResponderAlert, callout: Callout, *, routed: bool) -> list[dict]:
    """The way from where the responder is, leg by leg (*etapper*), from the travel time
    service: to the defibrillator and on to the patient, or straight to the patient."""
    responder, case = alert.responder, callout.case
    if responder.latitude is not None:
        here = (responder.latitude, responder.longitude)
    elif responder.station_latitude is not None:
        here = (responder.station_latitude, responder.station_longitude)
    else:
        return []
    patient = (case.latitude, case.longitude)
    if alert.aed is None:
        return [_leg("responder", "patient", travel_time(
            origin=here, destination=patient, profile=alert.kind, routed=routed))]
    aed = (alert.aed.latitude, alert.aed.longitude)
    return [_leg("responder", "aed", travel_time(origin=here, destination=aed,
                                                 profile=alert.kind, routed=routed)),
            _leg("aed", "patient", travel_time(origin=aed, destination=patient,
                                               profile=alert.kind, routed=routed))]


def _eta_by_legs(alert: ResponderAlert) -> None:
    """An accepted alert's time by the defibrillator: turnout, the legs and the fetch."""
    if alert.route == Route.AED and alert.legs:
        alert.eta_s = (turnout_seconds(alert.kind) + AED_FETCH_SECONDS
                       + sum(leg["seconds"] for leg in alert.legs))
        alert.eta_source = min(leg["source"] for leg in alert.legs)  # "estimate" < "router"


def alert_accept(*, alert: ResponderAlert, by, at: datetime | None = None) -> ResponderAlert:
    """The responder goes. The first ones fetch a defibrillator on the way; once enough have
    accepted, the others are told they are no longer needed. The legs are the estimate while
    the callout is locked, and the answer carries them; the router's follow by a due-now timer
    (LEGS_TIMER, written in the accept's transaction) and reach the phone as alert.updated."""
    return _alert_accept_locked(alert=alert, by=by, at=at)


def alert_legs_route(alert: ResponderAlert) -> ResponderAlert:
    """The router's legs (and time by the defibrillator) for an accepted alert, with one
    UPDATE guarded by what they were asked for: still accepted, at the same time, with the
    same defibrillator, of a callout still running. Called with no transaction open; legs the
    router already gave are not asked for or announced again."""
    if (alert.status != AlertStatus.ACCEPTED or not alert.legs or not router_configured()
            or all(leg["source"] == ROUTER for leg in alert.legs)
            or alert.callout.ended_at is not None):
        return alert
    legs = _legs(alert, alert.callout, routed=True)
    if not any(leg["source"] == ROUTER for leg in legs):
        return alert
    before = (alert.legs, alert.eta_s, alert.eta_source)
    alert.legs = legs
    _eta_by_legs(alert)
    if ResponderAlert.objects.filter(pk=alert.pk, status=AlertStatus.ACCEPTED,
                                     accepted_at=alert.accepted_at, aed_id=alert.aed_id,
                                     callout__ended_at__isnull=True).update(
            legs=alert.legs, eta_s=alert.eta_s, eta_source=alert.eta_source):
        publish_alert(alert, "alert.updated")
    else:
        alert.legs, alert.eta_s, alert.eta_source = before
    return alert


@transaction.atomic
def _alert_accept_locked(*, alert: ResponderAlert, by, at: datetime | None) -> ResponderAlert:
    callout, alert = alert_lock_own(alert, by)
    _refuse_if_ended(callout, alert)
    if alert.status in ENGAGED:
        raise Conflict(_("You already accepted at %(time)s.")
                       % {"time": timezone.localtime(alert.accepted_at).strftime("%H:%M:%S")},
                       status=alert.status)
    now = timezone.now()
    if not selectors.alert_cleared(alert):
        # Revoked (or reset) while their alert was on its way: a wave that chose them before
        # the revocation committed is invisible to its stand-down. They are stood down now and
        # the answer says so; a refusal would roll the stand-down back with it.
        alerts_stand_down(callout, [alert], status=AlertStatus.STOOD_DOWN, now=now,
                          type="alert.ended")
        publish_callout(callout, "callout.updated",
                        list(callout.alerts.select_related("responder__user", "aed")))
        return alert
    needed = callout.municipality.needed
    volunteer = alert.kind == ResponderKind.VOLUNTEER
    if volunteer and volunteers_accepted(callout) >= needed:
        raise Conflict(_("Enough responders have already accepted; you are not needed this "
                         "time. Thank you!"), status=alert.status)
    alert.status = AlertStatus.ACCEPTED
    alert.accepted_at = answer_time_check(at, now, alert.alerted_at)
    alert.declined_at = None
    alert.route = Route.DIRECT
    if volunteer:
        aed, _way = _choose_aed(callout, alert, now)
        if aed is not None:
            alert.route, alert.aed = Route.AED, aed
    alert.legs = _legs(alert, callout, routed=False)
    _eta_by_legs(alert)
    alert.save()
    if router_configured():
        timer_schedule(kind=LEGS_TIMER, key=str(alert.pk), due_at=now)
    if callout.first_accept_at is None:
        callout.first_accept_at = alert.accepted_at
    publish_alert(alert, "alert.updated")
    if volunteer and volunteers_accepted(callout) >= needed:
        callout.satisfied_at = now
        callout.next_wave_at = None
        timer_cancel(kind=WAVE_TIMER, key=str(callout.pk))
        rest = callout.alerts.filter(kind=ResponderKind.VOLUNTEER, status=AlertStatus.ALERTED)
        alerts_stand_down(callout, list(rest.select_related("responder__user")),
                    status=AlertStatus.NOT_NEEDED, now=now, type="alert.not_needed")
    callout.save()
    publish_callout(callout, "callout.updated",
                    list(callout.alerts.select_related("responder__user", "aed")))
    return alert


@transaction.atomic
def alert_decline(*, alert: ResponderAlert, by) -> ResponderAlert:
    """No reason needed. A responder who accepted and cannot go after all may decline too;
    if that leaves too few, the next wave goes out at once."""
    callout, alert = alert_lock_own(alert, by)
    _refuse_if_ended(callout, alert)
    if alert.status == AlertStatus.DECLINED:
        raise Conflict(_("You already declined this alert."), status=alert.status)
    if alert.status == AlertStatus.ARRIVED:
        raise Conflict(_("You are on scene; the alert ends when the ambulance arrives."),
                       status=alert.status)
    now = timezone.now()
    was_engaged = alert.status in ENGAGED
    alert.status = AlertStatus.DECLINED
    alert.declined_at = now
    alert.route, alert.aed, alert.legs = "", None, []
    alert.save()
    publish_alert(alert, "alert.updated")
    if was_engaged and alert.kind == ResponderKind.VOLUNTEER:
        callout_reopen_if_short(callout, now=now)
    publish_callout(callout, "callout.updated",
                    list(callout.alerts.select_related("responder__user", "aed")))
    return alert


@transaction.atomic
def alert_arrive(*, alert: ResponderAlert, by, at: datetime | None = None) -> ResponderAlert:
    callout, alert = alert_lock_own(alert, by)
    _refuse_if_ended(callout, alert)
    if alert.status == AlertStatus.ARRIVED:
        raise Conflict(_("Your arrival is already recorded at %(time)s.")
                       % {"time": timezone.localtime(alert.arrived_at).strftime("%H:%M:%S")},
                       status=alert.status)
    if alert.status != AlertStatus.ACCEPTED:
        raise Conflict(_("Accept the alert before you report your arrival."),
                       status=alert.status)
    alert.status = AlertStatus.ARRIVED
    alert.arrived_at = answer_time_check(at, timezone.now(), alert.accepted_at)
    alert.save(update_fields=["status", "arrived_at"])
    if callout.first_arrival_at is None or alert.arrived_at < callout.first_arrival_at:
        callout.first_arrival_at = alert.arrived_at
        callout.save(update_fields=["first_arrival_at"])
    publish_alert(alert, "alert.updated")
    return alert
