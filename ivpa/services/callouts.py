"""Callouts (*IVPA-larm*): when a case may alert responders, the start, following the case
(an ambulance on scene, a scene volunteers must not go to, the close) and the end."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from dispatch.models import (
    AssignmentStatus,
    Case,
    CaseStatus,
    CaseType,
    SceneFlag,
)
from timers.services import timer_cancel, timer_create

from .. import arrivals, selectors
from ..events import publish_alerts, publish_callout
from ..models import (
    ALERT_PRIORITIES,
    ENGAGED,
    AlertStatus,
    Callout,
    CalloutEnd,
    Municipality,
    ResponderAlert,
    ResponderKind,
)
from .waves import WAVE_TIMER, alerts_stand_down, wave_send

# Timer kinds: stored in timer rows, so they never change.
END_TIMER = "ivpa.end"
START_TIMER = "ivpa.start"
START_RETRY_TIMER = "ivpa.start_retry"
SYNC_RETRY_TIMER = "ivpa.sync_retry"


def callout_excluded_flag(case: Case, municipality: Municipality) -> str:
    """The case's scene flag (or safety warning) that keeps volunteers away under the
    municipality's rules; "" when volunteers may go."""
    flags = list(case.scene_flags or [])
    if case.safety_warning.strip():
        flags.append(SceneFlag.UNSAFE_SCENE)
    return next((f for f in flags if f in municipality.excluded_flags), "")


def callout_eligibility(case: Case, *, now: datetime) -> tuple[Municipality | None, str]:
    """The municipality whose rules apply, or why no responder may be alerted."""
    if case.status == CaseStatus.CLOSED:
        return None, _("The case is closed.")
    if case.priority not in ALERT_PRIORITIES:
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
def callout_start(*, case: Case, by=None, automatic: bool = False) -> Callout | None:
    """Alert the nearest responders for a case: the dispatcher's one click, or (`automatic`)
    the system's start after the registration's commit. The first wave goes out in this
    transaction, timed by the estimate; the router's times replace them once it commits
    (routed.py). An automatic start reads the case once, locked, as it is when the start
    fires, and starts nothing (None) where the municipality does not alert by itself or the
    case had a callout already: a cancelled callout is not restarted behind the dispatcher."""
    cases = Case.objects.select_for_update(of=("self",)).select_related("region")
    case = cases.filter(pk=case.pk).first() if automatic else cases.get(pk=case.pk)
    if case is None:
        return None  # deleted since the registration committed
    now = timezone.now()
    municipality, reason = callout_eligibility(case, now=now)
    if automatic and (municipality is None or not municipality.auto_alert
                      or Callout.objects.filter(case=case).exists()):
        return None
    if municipality is None:
        raise Conflict(reason)
    if not automatic and Callout.objects.filter(case=case, ended_at__isnull=True).exists():
        raise Conflict(_("Responders are already being alerted for this case."))
    # The estimate: no router while the case is locked (the router's time follows the commit).
    ambulance = arrivals.ambulance_eta(case, routed=False)
    callout = Callout.objects.create(
        case=case, municipality=municipality, started_at=now,
        started_by=by if getattr(by, "pk", None) else None,
        volunteers_excluded=callout_excluded_flag(case, municipality),
        ambulance_eta_s=ambulance.seconds if ambulance else None,
        ambulance_eta_source=ambulance.source if ambulance else "",
    )
    timer_create(kind=END_TIMER, key=str(callout.pk),
                 due_at=now + timedelta(seconds=settings.IVPA_CALLOUT_MAX_SECONDS))
    wave_send(callout, now=now)
    return callout


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
    alerts_stand_down(callout, waiting, status=AlertStatus.STOOD_DOWN, now=now, type="alert.ended")
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
    flag = callout_excluded_flag(case, callout.municipality)
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
    alerts_stand_down(callout, volunteers, status=AlertStatus.STOOD_DOWN, now=now,
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
