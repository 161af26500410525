"""Actions that change cases and assignments (editing a case: services/case_edit.py; the
destination: services/destination.py)."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_dispatcher
from core.errors import Conflict, Forbidden, Invalid
from core.times import CLOCK_SKEW
from crews.models import Region, UnitStatus
from crews.services import unit_events, unit_status_set, validate_position
from realtime.services import events_publish
from timers.services import timer_cancel, timer_schedule

from .. import signals
from ..events import assignment_events, publish_assignment, publish_case
from ..models import (
    ACTIVE_STATUSES,
    PRIORITY_RANK,
    Assignment,
    AssignmentStatus,
    Case,
    CaseStatus,
    CaseType,
    Priority,
    is_priority_one,
)
from ..statemachine import TIMESTAMP_FIELD, check_transition, staging_of
from .actors import assignment_actor_check
from .calls import call_for_case, case_insert, case_times_from_call
from .case_edit import CaseEditConflict as CaseEditConflict
from .case_edit import case_update as case_update
from .case_fields import (
    case_place,
    priority_reason_missing,
    valid_capabilities,
    valid_mass_triage,
    valid_scene_flags,
)
from .destination import assignment_destination_set as assignment_destination_set
from .dispatching import ACK_TIMER, STATUS_TIMER, stamp_first_alert
from .dispatching import assignment_dispatch as assignment_dispatch

# Unit status that mirrors each assignment status.
UNIT_STATUS_FOR = {
    AssignmentStatus.ALERTED: UnitStatus.ALERTED,
    AssignmentStatus.ACKNOWLEDGED: UnitStatus.ACKNOWLEDGED,
    AssignmentStatus.EN_ROUTE: UnitStatus.EN_ROUTE,
    AssignmentStatus.AT_STAGING: UnitStatus.AT_STAGING,
    AssignmentStatus.ON_SCENE: UnitStatus.ON_SCENE,
    AssignmentStatus.TRANSPORTING: UnitStatus.TRANSPORTING,
    AssignmentStatus.AT_HOSPITAL: UnitStatus.AT_HOSPITAL,
    AssignmentStatus.AVAILABLE: UnitStatus.AVAILABLE,
    AssignmentStatus.CANCELLED: UnitStatus.AVAILABLE,
}


@transaction.atomic
def case_register(
    *,
    by,
    region: Region | None = None,
    caller_number: str,
    address: str,
    latitude,
    longitude,
    complaint: str,
    mbs_priority: str,
    priority: str,
    priority_change_reason: str = "",
    call_received_at: datetime | None = None,
    call_answered_at: datetime | None = None,
    municipality: str = "",
    municipality_code: str = "",
    notes: str = "",
    safety_warning: str = "",
    is_prioritised_line: bool = False,
    personal_identity_number: str = "",
    patient_name: str = "",
    referred_to: str = "",
    case_type: str = CaseType.OTHER,
    scene_flags: Sequence[str] = (),
    door_code: str = "",
    required_capabilities: Sequence[str] = (),
    call_id: str = "",
    mass_triage: str = "",
) -> Case:
    """Register a case (*ärende*). It is linked to its call (`call_id`, else the dispatcher's
    latest answered call: services/calls.py), whose times and line then are the case's."""
    now = timezone.now()
    latitude, longitude = validate_position(latitude=latitude, longitude=longitude)
    region, municipality, municipality_code, by_hand = case_place(
        region=region, municipality=municipality, municipality_code=municipality_code)
    for name, value in (("mbs_priority", mbs_priority), ("priority", priority)):
        if value not in Priority.values:
            raise Invalid(_("%(name)s must be one of %(values)s.")
                          % {"name": name, "values": ", ".join(Priority.values)})
    if priority != mbs_priority and not priority_change_reason.strip():
        raise Invalid(priority_reason_missing())
    scene_flags = valid_scene_flags(scene_flags)
    required_capabilities = valid_capabilities(required_capabilities)
    mass_triage = valid_mass_triage(mass_triage)
    if case_type not in CaseType.values:
        raise Invalid(_("case_type must be one of %(values)s.")
                      % {"values": ", ".join(CaseType.values)})
    call_answered_at = call_answered_at or now
    call_received_at = call_received_at or call_answered_at
    if call_received_at > call_answered_at:
        raise Invalid(_("call_received_at must not be after call_answered_at."))
    if call_answered_at > now + CLOCK_SKEW:
        raise Invalid(_("call_answered_at is in the future."))
    call = call_for_case(by=by, call_id=call_id, at=now)
    call_received_at, call_answered_at, is_prioritised_line = case_times_from_call(
        call, received=call_received_at, answered=call_answered_at,
        prioritised=is_prioritised_line)
    case = case_insert(
        call=call,
        region=region, caller_number=caller_number, address=address, latitude=latitude,
        longitude=longitude, complaint=complaint, mbs_priority=mbs_priority, priority=priority,
        priority_change_reason=priority_change_reason.strip(), call_received_at=call_received_at,
        call_answered_at=call_answered_at, registered_at=now, municipality=municipality,
        notes=notes, safety_warning=safety_warning, is_prioritised_line=is_prioritised_line,
        personal_identity_number=personal_identity_number, patient_name=patient_name,
        referred_to=referred_to, created_by=by, case_type=case_type, scene_flags=scene_flags,
        door_code=door_code, municipality_code=municipality_code, region_set_by_hand=by_hand,
        required_capabilities=required_capabilities, mass_triage=mass_triage,
    )
    case.reference = f"{region.code}-{now:%y%m%d}-{case.pk:06d}"
    case.save(update_fields=["reference"])
    publish_case(case, "case.created")
    signals.case_registered.send(sender=Case, case=case)
    return case


@transaction.atomic
def case_close(*, case: Case, by) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is already closed."))
    if case.assignments.filter(status__in=ACTIVE_STATUSES).exists():
        raise Conflict(_("The case has units still on assignment; clear or cancel them first."))
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    publish_case(case, "case.closed")
    signals.case_closed.send(sender=Case, case=case)
    return case


def _schedule_ack_timer(assignment: Assignment) -> None:
    timer_schedule(
        kind=ACK_TIMER, key=str(assignment.pk),
        due_at=timezone.now() + timedelta(seconds=settings.ASSIGNMENT_ACK_TIMEOUT_SECONDS),
    )


def _schedule_status_timer(assignment: Assignment, *, new: bool = False) -> None:
    """(Re)arm the too-long-in-this-status warning; a new assignment has none to cancel."""
    limit = settings.STATUS_WARNING_SECONDS.get(assignment.status)
    key = str(assignment.pk)
    if limit is None or not assignment.is_active:
        if not new:
            timer_cancel(kind=STATUS_TIMER, key=key)
        return
    timer_schedule(
        kind=STATUS_TIMER, key=key,
        due_at=assignment.status_changed_at + timedelta(seconds=limit),
        payload={"status": assignment.status},
    )


def _check_time(assignment: Assignment, at: datetime | None, now: datetime) -> datetime:
    if at is None:
        # The current status may carry a device's time a little ahead of ours.
        return max(now, assignment.status_changed_at)
    if at > now + CLOCK_SKEW:
        raise Invalid(_("The status time is in the future; check the device's clock."))
    if at < assignment.status_changed_at:
        raise Conflict(_("The status time is before the assignment's current status."))
    return at


@transaction.atomic
def assignment_status_change(
    *, assignment: Assignment, status: str, by, at: datetime | None = None
) -> Assignment:
    """Move an assignment to its next status (the crew's big button, or the dispatcher)."""
    assignment = Assignment.objects.select_for_update().select_related("case", "unit").get(
        pk=assignment.pk
    )
    dispatcher = assignment_actor_check(assignment=assignment, by=by)
    if status == AssignmentStatus.REDIRECTED:
        raise Conflict(_("Redirect a unit with the redirect action; it needs the new case."))
    check_transition(assignment.status, status, dispatcher=dispatcher,
                     staging=staging_of(assignment))
    now = timezone.now()
    at = _check_time(assignment, at, now)
    assignment.status = status
    assignment.status_changed_at = at
    assignment.status_overdue = False
    setattr(assignment, TIMESTAMP_FIELD[status], at)
    if status == AssignmentStatus.ACKNOWLEDGED:
        assignment.ack_overdue = False
    assignment.save()
    if status != AssignmentStatus.ALERTED:
        timer_cancel(kind=ACK_TIMER, key=str(assignment.pk))
    _schedule_status_timer(assignment)
    unit = unit_status_set(unit=assignment.unit, status=UNIT_STATUS_FOR[status], at=at,
                           publish=False)
    events_publish(events=[*unit_events(unit),
                           *assignment_events(assignment, "assignment.status")])
    signals.assignment_status_changed.send(sender=Assignment, assignment=assignment)
    return assignment


def assignment_acknowledge(*, assignment: Assignment, by, at: datetime | None = None) -> Assignment:
    """The crew's explicit receipt of an assignment (*kvittens*)."""
    current = Assignment.objects.get(pk=assignment.pk)
    if current.status != AssignmentStatus.ALERTED:
        if current.acknowledged_at is not None and current.is_active:
            raise Conflict(
                _("Already acknowledged at %(time)s.")
                % {"time": timezone.localtime(current.acknowledged_at).strftime("%H:%M:%S")},
                allowed=[],
            )
        raise Conflict(
            _("The assignment is %(status)s; there is nothing to acknowledge.")
            % {"status": current.get_status_display().lower()}
        )
    return assignment_status_change(
        assignment=assignment, status=AssignmentStatus.ACKNOWLEDGED, by=by, at=at
    )


@transaction.atomic
def assignment_redirect(*, assignment: Assignment, to_case: Case, by) -> Assignment:
    """Send a unit on its way to a lower-priority case to a new priority-1 case instead."""
    if not is_dispatcher(by):
        raise Forbidden(_("Only a dispatcher redirects a unit."))
    assignment = Assignment.objects.select_for_update().select_related("case", "unit").get(
        pk=assignment.pk
    )
    to_case = Case.objects.select_for_update().get(pk=to_case.pk)
    check_transition(assignment.status, AssignmentStatus.REDIRECTED, dispatcher=True)
    if to_case.pk == assignment.case_id:
        raise Conflict(_("The unit is already on this case."))
    if to_case.status == CaseStatus.CLOSED:
        raise Conflict(_("The new case is closed."))
    if not is_priority_one(to_case.priority):
        raise Conflict(_("A unit is redirected only to a priority 1A or 1B case."))
    if PRIORITY_RANK[to_case.priority] >= PRIORITY_RANK[assignment.case.priority]:
        raise Conflict(_("The new case's priority is not higher than the current case's."))
    now = timezone.now()
    assignment.status = AssignmentStatus.REDIRECTED
    assignment.redirected_at = now
    assignment.status_changed_at = now
    assignment.save()
    timer_cancel(kind=ACK_TIMER, key=str(assignment.pk))
    timer_cancel(kind=STATUS_TIMER, key=str(assignment.pk))
    # The unit stays busy: it goes straight from the old assignment to the new one.
    new = Assignment.objects.create(
        case=to_case, unit=assignment.unit, status=AssignmentStatus.ALERTED, alerted_at=now,
        status_changed_at=now, created_by=by,
    )
    assignment.redirected_to = new
    assignment.save(update_fields=["redirected_to"])
    stamp_first_alert(to_case, now)
    _schedule_ack_timer(new)
    _schedule_status_timer(new, new=True)
    unit = unit_status_set(unit=assignment.unit, status=UnitStatus.ALERTED, at=now,
                           publish=False)
    events_publish(events=[*unit_events(unit),
                           *assignment_events(assignment, "assignment.status"),
                           *assignment_events(new, "assignment.created")])
    return new


@transaction.atomic
def assignment_resend_unacknowledged(*, assignment_id: int) -> Assignment | None:
    """Fired by the acknowledgement timer: re-send, flag on the console, and wait again."""
    assignment = (
        Assignment.objects.select_for_update().select_related("case", "unit")
        .filter(pk=assignment_id).first()
    )
    if assignment is None or assignment.status != AssignmentStatus.ALERTED:
        return None
    assignment.ack_overdue = True
    assignment.resend_count += 1
    assignment.save(update_fields=["ack_overdue", "resend_count"])
    publish_assignment(assignment, "assignment.resent")
    _schedule_ack_timer(assignment)
    return assignment


@transaction.atomic
def assignment_flag_status_overdue(*, assignment_id: int, status: str) -> Assignment | None:
    assignment = (
        Assignment.objects.select_for_update().select_related("case", "unit")
        .filter(pk=assignment_id).first()
    )
    if assignment is None or assignment.status != status or not assignment.is_active:
        return None
    assignment.status_overdue = True
    assignment.save(update_fields=["status_overdue"])
    publish_assignment(assignment, "assignment.status_overdue", to_unit=False)
    return assignment
