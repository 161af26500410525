"""Actions of first-responder alerting: connecting municipalities, responders' availability
and position, callouts in waves, answers, the stand-down, the end, and the report after."""

import logging
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from core.errors import Conflict, Forbidden, Invalid
from core.geo import distance_m
from core.times import CLOCK_SKEW
from crews.services import validate_position
from dispatch.models import (
    AssignmentStatus,
    Case,
    CaseStatus,
    CaseType,
    SceneFlag,
    is_priority_one,
)
from realtime.services import event_publish
from timers.services import timer_cancel, timer_create, timer_schedule

from . import geo, selectors
from .events import (
    publish_alert,
    publish_alerts,
    publish_callout,
    publish_to_responders,
)
from .models import (
    ENGAGED,
    AlertReport,
    AlertStatus,
    Callout,
    CalloutEnd,
    Municipality,
    Responder,
    ResponderAlert,
    ResponderKind,
    Route,
    Training,
)
from .streams import responder_stream

logger = logging.getLogger(__name__)

WAVE_TIMER = "ivpa.wave"
END_TIMER = "ivpa.end"
START_RETRY_TIMER = "ivpa.start_retry"
SYNC_RETRY_TIMER = "ivpa.sync_retry"
POSITION_INTERVALS = (60, 300, 900)
UNIT_KINDS = (ResponderKind.FIRE_RESCUE, ResponderKind.POLICE)


# --- municipalities ----------------------------------------------------------------------


def _check_choices(name: str, values: Iterable[str], allowed: list[str]) -> list[str]:
    values = list(values)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise Invalid(_("%(name)s: unknown value %(value)s; use %(allowed)s.")
                      % {"name": name, "value": unknown[0], "allowed": ", ".join(allowed)})
    return sorted(set(values))


MUNICIPALITY_FIELDS = (
    "auto_alert", "responder_kinds", "case_types", "excluded_flags", "service_start",
    "service_end", "radius_m", "max_radius_m", "wave_size", "wave_interval_s", "needed",
    "aed_runners", "unit_radius_m", "fire_units", "weekly_cap", "share_outcome",
    "debrief_contact",
)


@transaction.atomic
def municipality_update(*, municipality: Municipality, by, **fields) -> Municipality:
    """Change a municipality's rules; refused as a whole when any rule is out of range."""
    unknown = set(fields) - set(MUNICIPALITY_FIELDS)
    if unknown:
        raise Invalid(_("Unknown setting %(name)s.") % {"name": sorted(unknown)[0]})
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if "responder_kinds" in fields:
        fields["responder_kinds"] = _check_choices(
            "responder_kinds", fields["responder_kinds"], ResponderKind.values)
    if "case_types" in fields:
        fields["case_types"] = _check_choices("case_types", fields["case_types"],
                                              CaseType.values)
    if "excluded_flags" in fields:
        fields["excluded_flags"] = _check_choices("excluded_flags", fields["excluded_flags"],
                                                  SceneFlag.values)
    for name, value in fields.items():
        setattr(municipality, name, value)
    if municipality.radius_m > municipality.max_radius_m:
        raise Invalid(_("The first radius (%(radius)s m) is larger than the largest radius "
                        "(%(max)s m).") % {"radius": municipality.radius_m,
                                           "max": municipality.max_radius_m})
    if municipality.aed_runners > municipality.needed:
        raise Invalid(_("More defibrillator runners (%(aed)s) than responders needed "
                        "(%(needed)s).") % {"aed": municipality.aed_runners,
                                            "needed": municipality.needed})
    if (municipality.service_start is None) != (municipality.service_end is None):
        raise Invalid(_("Give both the start and the end of the hours of service, or "
                        "neither (around the clock)."))
    try:
        municipality.full_clean(exclude=["region", "code", "name"])
    except ValidationError as exc:
        raise Invalid("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                      ) from None
    municipality.save()
    return municipality


@transaction.atomic
def municipality_connect(*, municipality: Municipality, by, **fields) -> Municipality:
    """Connect a municipality to IVPA alerting (*ansluta en kommun*), with its rules."""
    municipality = municipality_update(municipality=municipality, by=by, **fields)
    if not municipality.responder_kinds:
        raise Invalid(_("Choose at least one responder group for the municipality."))
    if not municipality.case_types:
        raise Invalid(_("Choose at least one case type responders may be alerted for."))
    if municipality.connected_at is None:
        municipality.connected_at = timezone.now()
        municipality.save(update_fields=["connected_at"])
    return municipality


@transaction.atomic
def municipality_disconnect(*, municipality: Municipality, by) -> Municipality:
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    municipality.connected_at = None
    municipality.save(update_fields=["connected_at"])
    return municipality


# --- responders ----------------------------------------------------------------------------


@transaction.atomic
def responder_register(
    *, username: str, password: str, display_name: str, phone_number: str,
    training: str, training_confirmed: bool,
) -> Responder:
    """A volunteer signs up in the app and confirms their training."""
    User = get_user_model()
    if training not in Training.values:
        raise Invalid(_("Choose the training you have."))
    if not training_confirmed:
        raise Invalid(_("Confirm that you have the training you chose; it is what lets you "
                        "be alerted."))
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("The user name %(name)s is taken; choose another.")
                       % {"name": username})
    user = User(username=username, display_name=display_name, phone_number=phone_number,
                role=Role.RESPONDER)
    try:
        validate_password(password, user)
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"password": exc.messages}
        raise Invalid(" ".join(m for v in messages.values() for m in v)) from None
    user.set_password(password)
    user.save()
    now = timezone.now()
    return Responder.objects.create(
        user=user, kind=ResponderKind.VOLUNTEER, training=training,
        training_confirmed_at=now, registered_at=now,
    )


def responder_for(user) -> Responder:
    responder = selectors.responder_of(user)
    if responder is None:
        raise Forbidden(_("You are not registered as a first responder."))
    return responder


def _index(responder: Responder) -> None:
    """The grid cell of where selection finds the responder: none while unavailable."""
    if not responder.available:
        responder.cell = None
    elif responder.latitude is not None:
        responder.cell = geo.cell_of(responder.latitude, responder.longitude)
    elif responder.station_latitude is not None:
        responder.cell = geo.cell_of(responder.station_latitude, responder.station_longitude)
    else:
        responder.cell = None


@transaction.atomic
def responder_update(
    *, responder: Responder, available: bool | None = None,
    training: str | None = None, training_confirmed: bool | None = None,
    hours_start: time | None = ..., hours_end: time | None = ...,
    position_interval_s: int | None = None, weekly_cap: int | None = ...,
) -> Responder:
    """A responder's own settings. Going unavailable forgets the position."""
    responder = Responder.objects.select_for_update().get(pk=responder.pk)
    now = timezone.now()
    if training is not None:
        if training not in Training.values:
            raise Invalid(_("Choose the training you have."))
        responder.training = training
    if training_confirmed:
        responder.training_confirmed_at = now
    if hours_start is not ... or hours_end is not ...:
        start = responder.hours_start if hours_start is ... else hours_start
        end = responder.hours_end if hours_end is ... else hours_end
        if (start is None) != (end is None):
            raise Invalid(_("Give both the start and the end of your hours, or neither."))
        responder.hours_start, responder.hours_end = start, end
    if position_interval_s is not None:
        if position_interval_s not in POSITION_INTERVALS:
            raise Invalid(_("Share the position every 60, 300 or 900 seconds."))
        responder.position_interval_s = position_interval_s
    if weekly_cap is not ...:
        if weekly_cap is not None and not 1 <= weekly_cap <= 50:
            raise Invalid(_("The weekly limit is between 1 and 50 alerts."))
        responder.weekly_cap = weekly_cap
    if available is not None and available != responder.available:
        if available and responder.kind == ResponderKind.VOLUNTEER:
            if responder.training_confirmed_at is None or responder.training_confirmed_at < \
                    now - timedelta(days=settings.IVPA_TRAINING_VALID_DAYS):
                raise Conflict(_("Confirm your training again before you make yourself "
                                 "available."))
        responder.available = available
        responder.available_changed_at = now
        if not available:
            responder.latitude = responder.longitude = responder.position_at = None
    _index(responder)
    responder.save()
    return responder


@transaction.atomic
def responder_report_position(
    *, responder: Responder, latitude, longitude, at: datetime | None = None,
) -> Responder:
    """A position from the responder's phone, kept coarse (about 100 m), only while they are
    available."""
    latitude, longitude = validate_position(latitude=latitude, longitude=longitude)
    now = timezone.now()
    at = at or now
    if at > now + CLOCK_SKEW:
        raise Invalid(_("The position's time is in the future; check the phone's clock."))
    if at < now - timedelta(seconds=settings.IVPA_POSITION_REPORT_MAX_AGE_SECONDS):
        raise Invalid(_("The position is too old (from %(time)s); send a fresh one.")
                      % {"time": timezone.localtime(at).strftime("%H:%M:%S")})
    responder = Responder.objects.select_for_update().get(pk=responder.pk)
    if not responder.available:
        raise Conflict(_("You are not available: your position is not shared. Make yourself "
                         "available first."))
    if responder.position_at is not None and at < responder.position_at:
        return responder  # an older fix that arrived late changes nothing
    if responder.kind == ResponderKind.VOLUNTEER:
        latitude, longitude = geo.coarse(latitude), geo.coarse(longitude)
    responder.latitude, responder.longitude, responder.position_at = latitude, longitude, at
    _index(responder)
    responder.save(update_fields=["latitude", "longitude", "position_at", "cell"])
    return responder


def responder_test_alarm(*, responder: Responder) -> dict:
    """A test alarm on the responder's own stream, woken like a real one: the app shows when
    it arrived, and a phone without the app open gets a push (or SMS)."""
    with transaction.atomic():
        return event_publish(stream=responder_stream(responder.user_id), type="alert.test",
                             data={"sent_at": timezone.now().isoformat()})


# --- callouts -----------------------------------------------------------------------------


def _excluded_flag(case: Case, municipality: Municipality) -> str:
    flags = list(case.scene_flags or [])
    if case.safety_warning.strip():
        flags.append(SceneFlag.UNSAFE_SCENE)
    return next((f for f in flags if f in municipality.excluded_flags), "")


def callout_eligibility(case: Case, *, now: datetime) -> tuple[Municipality | None, str]:
    """The municipality whose rules apply, or why no responder may be alerted."""
    if case.status == CaseStatus.CLOSED:
        return None, _("The case is closed.")
    if not is_priority_one(case.priority):
        return None, _("Responders are alerted only for priority 1A or 1B.")
    municipality = selectors.municipality_for_case(case)
    if municipality is None or not municipality.is_connected:
        return None, _("The municipality %(name)s is not connected to IVPA.") % {
            "name": case.municipality or "?"}
    if case.case_type not in municipality.case_types:
        return None, _("%(municipality)s does not alert responders for %(type)s.") % {
            "municipality": municipality.name,
            "type": CaseType(case.case_type).label.lower()}
    if not selectors.in_service(municipality, now):
        return None, _("%(municipality)s alerts responders only %(start)s–%(end)s.") % {
            "municipality": municipality.name,
            "start": municipality.service_start.strftime("%H:%M"),
            "end": municipality.service_end.strftime("%H:%M")}
    return municipality, ""


@transaction.atomic
def callout_start(*, case: Case, by=None) -> Callout:
    """Alert the nearest responders for a case: the system on registration, or the
    dispatcher's one click. The first wave goes out in this transaction."""
    case = Case.objects.select_for_update(of=("self",)).select_related("region").get(pk=case.pk)
    now = timezone.now()
    municipality, reason = callout_eligibility(case, now=now)
    if municipality is None:
        raise Conflict(reason)
    if Callout.objects.filter(case=case, ended_at__isnull=True).exists():
        raise Conflict(_("Responders are already being alerted for this case."))
    callout = Callout.objects.create(
        case=case, municipality=municipality, started_at=now,
        started_by=by if getattr(by, "pk", None) else None,
        volunteers_excluded=_excluded_flag(case, municipality),
        ambulance_eta_s=selectors.ambulance_eta(case),
    )
    timer_create(kind=END_TIMER, key=str(callout.pk),
                 due_at=now + timedelta(seconds=settings.IVPA_CALLOUT_MAX_SECONDS))
    _alert_wave(callout, now=now)
    return callout


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
        )
        parallel = (kind == ResponderKind.FIRE_RESCUE
                    and case.case_type in settings.IVPA_PARALLEL_UNIT_CASE_TYPES)
        if not parallel:
            eta = callout.ambulance_eta_s
            found = [c for c in found if eta is None or c.eta_s < eta]
        chosen.extend(found[:municipality.fire_units])
    return chosen


def _alert_wave(callout: Callout, *, now: datetime) -> list[ResponderAlert]:
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
            exclude=already,
        )
    # One INSERT for the wave: the callout's row is locked by the caller, so no other wave of
    # it runs now, and `already` holds everyone alerted before; the unique (callout,
    # responder) constraint stays the backstop.
    alerts = ResponderAlert.objects.bulk_create([
        ResponderAlert(callout=callout, responder_id=c.responder_id, kind=c.kind,
                       wave=callout.waves, distance_m=c.distance_m, eta_s=c.eta_s,
                       alerted_at=now)
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
    every = list(callout.alerts.select_related("responder__user", "aed"))
    new = {a.pk for a in alerts}
    alerts = [a for a in every if a.pk in new]
    for alert in every:
        alert.callout = callout
    # The responders' events first and in one batch: they are what people wait for.
    publish_to_responders(alerts, "alert.created")
    publish_callout(callout, "callout.wave" if callout.waves > 1 else "callout.started", every)
    return alerts


def _accepted_volunteers(callout: Callout) -> int:
    return callout.alerts.filter(kind=ResponderKind.VOLUNTEER, status__in=ENGAGED).count()


@transaction.atomic
def callout_next_wave(*, callout_id: int) -> Callout | None:
    """Fired by the wave timer: too few accepted in time, so the next ones are alerted."""
    callout = (Callout.objects.select_for_update(of=("self",))
               .select_related("case", "municipality").filter(pk=callout_id).first())
    if callout is None or not callout.is_active or callout.satisfied_at is not None:
        return None
    if _accepted_volunteers(callout) >= callout.municipality.needed:
        return None
    _alert_wave(callout, now=timezone.now())
    return callout


def _stand_down(callout: Callout, alerts, *, status: str, now: datetime, type: str) -> None:
    """Tell everyone still alerted or on the way at once: one UPDATE, one batch of events."""
    alerts = list(alerts)
    if not alerts:
        return
    ResponderAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(
        status=status, ended_at=now)
    for alert in alerts:
        alert.status, alert.ended_at, alert.callout = status, now, callout
    publish_alerts(alerts, type)


@transaction.atomic
def callout_end(*, callout: Callout, reason: str, by=None) -> Callout:
    """End a callout: the ambulance arrived, the dispatcher cancelled, the case closed, or the
    longest alert time passed. Everyone still alerted or on the way is told."""
    callout = Callout.objects.select_for_update(of=("self",)).select_related(
        "case", "municipality").get(pk=callout.pk)
    if not callout.is_active:
        raise Conflict(_("The alert has already ended (%(reason)s).")
                       % {"reason": callout.get_end_reason_display().lower()})
    now = timezone.now()
    callout.ended_at = now
    callout.end_reason = reason
    callout.next_wave_at = None
    callout.save()
    timer_cancel(kind=WAVE_TIMER, key=str(callout.pk))
    timer_cancel(kind=END_TIMER, key=str(callout.pk))
    alerts = list(callout.alerts.select_related("responder__user", "aed"))
    waiting = [a for a in alerts if a.status == AlertStatus.ALERTED]
    _stand_down(callout, waiting, status=AlertStatus.STOOD_DOWN, now=now, type="alert.ended")
    engaged = [a for a in alerts if a.status in ENGAGED]
    if engaged:
        ResponderAlert.objects.filter(pk__in=[a.pk for a in engaged]).update(ended_at=now)
        for alert in engaged:
            alert.ended_at, alert.callout = now, callout
        publish_alerts(engaged, "alert.ended")
    publish_callout(callout, "callout.ended", alerts)
    return callout


def callout_follow_case(*, case: Case) -> Callout | None:
    """Bring a running callout in line with its case as it is now: closed, an ambulance on
    scene, or a scene volunteers must not go to. What the dispatch receivers do, again, for
    when one of them failed (the retry timer)."""
    callout = Callout.objects.filter(case=case, ended_at__isnull=True).select_related(
        "municipality").first()
    if callout is None:
        return None
    arrived = case.assignments.filter(status__in=[
        AssignmentStatus.ON_SCENE, AssignmentStatus.TRANSPORTING, AssignmentStatus.AT_HOSPITAL,
    ]).exists()
    if case.status == CaseStatus.CLOSED or arrived:
        reason = CalloutEnd.CASE_CLOSED if case.status == CaseStatus.CLOSED else \
            CalloutEnd.AMBULANCE_ARRIVED
        return callout_end(callout=callout, reason=reason)
    flag = _excluded_flag(case, callout.municipality)
    if flag:
        return callout_exclude_volunteers(callout=callout, flag=flag)
    return callout


def callout_end_for_case(*, case: Case, reason: str) -> Callout | None:
    callout = Callout.objects.filter(case=case, ended_at__isnull=True).first()
    return callout_end(callout=callout, reason=reason) if callout else None


@transaction.atomic
def callout_exclude_volunteers(*, callout: Callout, flag: str) -> Callout:
    """The scene turned out to be one volunteers must not go to (a child, a threat): every
    volunteer is stood down and no more are alerted; units carry on."""
    callout = Callout.objects.select_for_update(of=("self",)).select_related(
        "case", "municipality").get(pk=callout.pk)
    if not callout.is_active or callout.volunteers_excluded:
        return callout
    now = timezone.now()
    callout.volunteers_excluded = flag
    callout.next_wave_at = None
    callout.save(update_fields=["volunteers_excluded", "next_wave_at"])
    timer_cancel(kind=WAVE_TIMER, key=str(callout.pk))
    volunteers = list(callout.alerts.filter(
        kind=ResponderKind.VOLUNTEER, status__in=[AlertStatus.ALERTED, *ENGAGED]
    ).select_related("responder__user"))
    _stand_down(callout, volunteers, status=AlertStatus.STOOD_DOWN, now=now,
                type="alert.ended")
    publish_callout(callout, "callout.updated",
                    list(callout.alerts.select_related("responder__user", "aed")))
    return callout


@transaction.atomic
def callout_record_outcome(*, callout: Callout, by, outcome: str) -> Callout:
    callout = Callout.objects.select_for_update(of=("self",)).select_related(
        "case", "municipality").get(pk=callout.pk)
    outcome = outcome.strip()
    if not outcome:
        raise Invalid(_("Write the outcome."))
    callout.outcome = outcome[:200]
    callout.save(update_fields=["outcome"])
    publish_callout(callout, "callout.updated")
    return callout


# --- a responder's answers ----------------------------------------------------------------


def _own_alert(alert: ResponderAlert, by) -> tuple[Callout, ResponderAlert]:
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


def _clock(at: datetime | None, now: datetime, after: datetime) -> datetime:
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
    callout, alert = _own_alert(alert, by)
    if alert.seen_at is None:
        alert.seen_at = timezone.now()
        alert.save(update_fields=["seen_at"])
        publish_alert(alert, "alert.updated", to_responder=False)
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
    direct = distance_m(responder.latitude, responder.longitude,
                            case.latitude, case.longitude)
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


@transaction.atomic
def alert_accept(*, alert: ResponderAlert, by, at: datetime | None = None) -> ResponderAlert:
    """The responder goes. The first ones fetch a defibrillator on the way; once enough have
    accepted, the others are told they are no longer needed."""
    callout, alert = _own_alert(alert, by)
    _refuse_if_ended(callout, alert)
    if alert.status in ENGAGED:
        raise Conflict(_("You already accepted at %(time)s.")
                       % {"time": timezone.localtime(alert.accepted_at).strftime("%H:%M:%S")},
                       status=alert.status)
    now = timezone.now()
    needed = callout.municipality.needed
    volunteer = alert.kind == ResponderKind.VOLUNTEER
    if volunteer and _accepted_volunteers(callout) >= needed:
        raise Conflict(_("Enough responders have already accepted; you are not needed this "
                         "time. Thank you!"), status=alert.status)
    alert.status = AlertStatus.ACCEPTED
    alert.accepted_at = _clock(at, now, alert.alerted_at)
    alert.declined_at = None
    alert.route = Route.DIRECT
    if volunteer:
        aed, way = _choose_aed(callout, alert, now)
        if aed is not None:
            alert.route, alert.aed = Route.AED, aed
            alert.eta_s = geo.travel_seconds(alert.kind, way) + 60  # fetching it: a minute
    alert.save()
    if callout.first_accept_at is None:
        callout.first_accept_at = alert.accepted_at
    publish_alert(alert, "alert.updated")
    if volunteer and _accepted_volunteers(callout) >= needed:
        callout.satisfied_at = now
        callout.next_wave_at = None
        timer_cancel(kind=WAVE_TIMER, key=str(callout.pk))
        rest = callout.alerts.filter(kind=ResponderKind.VOLUNTEER, status=AlertStatus.ALERTED)
        _stand_down(callout, list(rest.select_related("responder__user")),
                    status=AlertStatus.NOT_NEEDED, now=now, type="alert.not_needed")
    callout.save()
    publish_callout(callout, "callout.updated",
                    list(callout.alerts.select_related("responder__user", "aed")))
    return alert


@transaction.atomic
def alert_decline(*, alert: ResponderAlert, by) -> ResponderAlert:
    """No reason needed. A responder who accepted and cannot go after all may decline too;
    if that leaves too few, the next wave goes out at once."""
    callout, alert = _own_alert(alert, by)
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
    alert.route, alert.aed = "", None
    alert.save()
    publish_alert(alert, "alert.updated")
    if was_engaged and alert.kind == ResponderKind.VOLUNTEER and callout.satisfied_at and \
            _accepted_volunteers(callout) < callout.municipality.needed and \
            not callout.volunteers_excluded:
        callout.satisfied_at = None
        callout.next_wave_at = now
        timer_schedule(kind=WAVE_TIMER, key=str(callout.pk), due_at=now)
        callout.save(update_fields=["satisfied_at", "next_wave_at"])
    publish_callout(callout, "callout.updated",
                    list(callout.alerts.select_related("responder__user", "aed")))
    return alert


@transaction.atomic
def alert_arrive(*, alert: ResponderAlert, by, at: datetime | None = None) -> ResponderAlert:
    callout, alert = _own_alert(alert, by)
    _refuse_if_ended(callout, alert)
    if alert.status == AlertStatus.ARRIVED:
        raise Conflict(_("Your arrival is already recorded at %(time)s.")
                       % {"time": timezone.localtime(alert.arrived_at).strftime("%H:%M:%S")},
                       status=alert.status)
    if alert.status != AlertStatus.ACCEPTED:
        raise Conflict(_("Accept the alert before you report your arrival."),
                       status=alert.status)
    alert.status = AlertStatus.ARRIVED
    alert.arrived_at = _clock(at, timezone.now(), alert.accepted_at)
    alert.save(update_fields=["status", "arrived_at"])
    if callout.first_arrival_at is None or alert.arrived_at < callout.first_arrival_at:
        callout.first_arrival_at = alert.arrived_at
        callout.save(update_fields=["first_arrival_at"])
    publish_alert(alert, "alert.updated")
    return alert


@transaction.atomic
def alert_report_submit(*, alert: ResponderAlert, by, **fields) -> AlertReport:
    """After the case: what was done (arrival, CPR, defibrillator shocks) and how the
    responder is. Sent again, it replaces the earlier answers."""
    _callout, alert = _own_alert(alert, by)
    if alert.accepted_at is None:
        raise Conflict(_("Only a responder who accepted the alert can report on it."))
    allowed = {"arrived_at", "cpr_started", "aed_attached", "aed_shocks", "notes",
               "wellbeing", "wants_debrief"}
    unknown = set(fields) - allowed
    if unknown:
        raise Invalid(_("Unknown field %(name)s.") % {"name": sorted(unknown)[0]})
    arrived = fields.get("arrived_at")
    if arrived is not None:
        _clock(arrived, timezone.now(), alert.accepted_at)
    report = AlertReport.objects.filter(alert=alert).first() or AlertReport(alert=alert)
    for name, value in fields.items():
        setattr(report, name, value)
    if report.aed_shocks and report.aed_attached is False:
        raise Invalid(_("Shocks were given, so the defibrillator was attached."))
    report.submitted_at = timezone.now()
    unset = [f.name for f in AlertReport._meta.concrete_fields
             if getattr(report, f.attname) is None]
    try:
        report.clean_fields(exclude=["alert", *unset])  # wellbeing 1–5, at most 30 shocks
    except ValidationError as exc:
        raise Invalid("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                      ) from None
    report.save()
    return report
