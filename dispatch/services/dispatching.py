"""Sending units to a case (*larma*): the path every second counts on (issue 18's budget of
12 statements before the commit for one unit, tests/dispatch/test_dispatch_statements.py)."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid, NotFound
from crews.models import Unit
from crews.selectors import with_manned
from crews.services import unit_claim_refusal, unit_events, units_claim_for_dispatch
from realtime.services import events_publish
from timers.services import timer_new

from ..events import assignment_events
from ..models import Assignment, AssignmentStatus, Case, CaseStatus, Priority
from .override import dispatch_overrides

ACK_TIMER = "dispatch.ack_timeout"
STATUS_TIMER = "dispatch.status_overdue"


def _ack_timer(assignment: Assignment, now: datetime):
    """The acknowledgement deadline (*kvittens*), unsaved: a new assignment's key is new."""
    return timer_new(kind=ACK_TIMER, key=str(assignment.pk),
                     due_at=now + timedelta(seconds=settings.ASSIGNMENT_ACK_TIMEOUT_SECONDS))


def _status_timer(assignment: Assignment):
    """A new assignment's too-long-in-this-status warning, unsaved (None: no limit)."""
    limit = settings.STATUS_WARNING_SECONDS.get(assignment.status)
    if limit is None:
        return None
    return timer_new(kind=STATUS_TIMER, key=str(assignment.pk),
                     due_at=assignment.status_changed_at + timedelta(seconds=limit),
                     payload={"status": assignment.status})


def stamp_first_alert(case: Case, now: datetime) -> None:
    """The first unit alerted: when, and at which priority (what the measures count by)."""
    if case.first_alert_at is None:
        case.first_alert_at, case.first_alert_priority = now, case.priority
        case.save(update_fields=["first_alert_at", "first_alert_priority"])


def _dispatch_refused(*, case: Case, unit_ids: list[int], claimed: list[Unit],
                      override_reason: str, checked: bool) -> Exception:
    """A unit of the dispatch could not be claimed: the check's 400 when a unit may not be
    sent without a reason (unknown, not manned, out of service, ...), else the claim's 409.
    The units not claimed are as they were (the claim changed none of them); the claimed
    ones roll back with the caller's transaction."""
    taken = {u.pk: u for u in claimed}
    fresh = {u.pk: u for u in with_manned(Unit.objects.filter(pk__in=[
        pk for pk in unit_ids if pk not in taken]))}
    unknown = [pk for pk in unit_ids if pk not in taken and pk not in fresh]
    if unknown:
        return Invalid(_("Unknown unit %(pk)s.") % {"pk": unknown[0]})
    dispatch_overrides(case=case, units=[taken.get(pk) or fresh[pk] for pk in unit_ids],
                       override_reason=override_reason)
    first = next(pk for pk in unit_ids if pk not in taken)
    return unit_claim_refusal(unit_id=first, require_in_service=checked)


@transaction.atomic
def assignment_dispatch(*, case: Case, units: Sequence[Unit | int], by,
                        override_reason: str = "") -> list[Assignment]:
    """Send one or more units to a case (*larma*); all of them or none. A unit that is not
    dispatchable (unmanned, out of service, lacking a capability the case needs) is refused
    unless `override_reason` says why it goes anyway (services/override.py).

    The path every second counts on: the case is locked and read once, the units are claimed
    and read in one conditional UPDATE, and the events, their wake-ups and the
    acknowledgement deadline are written in one batch (at most 12 statements before the
    commit for one unit, session included: tests/dispatch/test_dispatch_statements.py)."""
    unit_ids = [u if isinstance(u, int) else u.pk for u in units]
    if not unit_ids:
        raise Invalid(_("Choose at least one unit."))
    if len(set(unit_ids)) != len(unit_ids):
        raise Invalid(_("The same unit is listed twice."))
    case = Case.objects.select_for_update().filter(pk=case.pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed."))
    if case.priority == Priority.REFERRAL:
        raise Conflict(_("The case is a referral; change its priority before sending a unit."))
    now = timezone.now()
    checked = not (override_reason or "").strip()
    claimed = units_claim_for_dispatch(unit_ids=unit_ids, at=now, require_in_service=checked)
    if len(claimed) != len(unit_ids):
        raise _dispatch_refused(case=case, unit_ids=unit_ids, claimed=claimed,
                                override_reason=override_reason, checked=checked)
    overrides = dispatch_overrides(case=case, units=claimed, override_reason=override_reason)
    assignments = [
        Assignment.objects.create(
            case=case, unit=unit, status=AssignmentStatus.ALERTED, alerted_at=now,
            status_changed_at=now, created_by=by, override_reason=overrides.get(unit.pk, ""))
        for unit in claimed
    ]
    stamp_first_alert(case, now)
    events = [e for unit in claimed for e in unit_events(unit)]
    events += [e for a in assignments for e in assignment_events(a, "assignment.created")]
    timers = [_ack_timer(a, now) for a in assignments]
    timers += [t for a in assignments if (t := _status_timer(a)) is not None]
    events_publish(events=events, timers=timers)
    return assignments
