"""Event payloads for dispatch. They carry no patient data (no name, identity number,
address or complaint): a device that needs those fetches them over HTTP, where the read is
written to the access log."""

from core.times import iso
from crews.streams import unit_stream
from realtime.services import event_publish, events_publish

from .models import Assignment, Case, CaseChange
from .statemachine import assignment_next_step
from .streams import DISPATCH_STREAM


def assignment_summary(assignment: Assignment) -> dict:
    return {
        "id": assignment.pk,
        "case": assignment.case_id,
        "case_reference": assignment.case.reference,
        "priority": assignment.case.priority,
        "unit": assignment.unit_id,
        "unit_call_sign": assignment.unit.call_sign,
        "status": assignment.status,
        "next_step": assignment_next_step(assignment),
        "status_changed_at": iso(assignment.status_changed_at),
        "alerted_at": iso(assignment.alerted_at),
        "acknowledged_at": iso(assignment.acknowledged_at),
        "ack_overdue": assignment.ack_overdue,
        "resend_count": assignment.resend_count,
        "status_overdue": assignment.status_overdue,
        "redirected_to": assignment.redirected_to_id,
        "destination_hospital": assignment.destination_hospital_id,
        "staging": staging_summary(assignment),
    }


def staging_summary(assignment: Assignment) -> dict | None:
    """The assignment's staging point (*brytpunkt*), or None when none was ordered. Its
    position and reason are no patient data: the crew must see them at once."""
    if assignment.staging_ordered_at is None:
        return None
    released_by = assignment.staging_released_by if assignment.staging_released_by_id else None
    return {
        "latitude": assignment.staging_latitude,
        "longitude": assignment.staging_longitude,
        "reason": assignment.staging_reason,
        "ordered_at": iso(assignment.staging_ordered_at),
        "released_at": iso(assignment.staging_released_at),
        "released_by_name": str(released_by) if released_by else "",
    }


def case_summary(case: Case) -> dict:
    return {
        "id": case.pk,
        "reference": case.reference,
        "region": case.region_id,
        "priority": case.priority,
        "status": case.status,
        "registered_at": iso(case.registered_at),
        "first_alert_at": iso(case.first_alert_at),
        "version": case.version,
    }


def assignment_events(assignment: Assignment, type: str, *,
                      to_unit: bool = True) -> list[tuple[str, str, dict]]:
    """An assignment's change as events: to its crew (first: it is the one waited for) and
    to the console."""
    data = assignment_summary(assignment)
    events = [(unit_stream(assignment.unit_id), type, data)] if to_unit else []
    return [*events, (DISPATCH_STREAM, type, data)]


def publish_assignment(assignment: Assignment, type: str, *, to_unit: bool = True) -> None:
    events_publish(events=assignment_events(assignment, type, to_unit=to_unit))


def publish_case(case: Case, type: str) -> None:
    event_publish(stream=DISPATCH_STREAM, type=type, data=case_summary(case))


def publish_case_updated(case: Case, *, crews: list[Assignment],
                         changes: list[CaseChange]) -> None:
    """The console's `case.updated` and, to the crew on each of `crews`, that its case changed
    (`assignment.case_changed`): which fields (names only) and the ids of the changes; the
    tablet fetches the card (a recorded read), which lists them in words. One batch: its
    streams are locked in name order, as every other batch of dispatch's."""
    changed = {"changes": [c.pk for c in changes], "fields": sorted({c.field for c in changes})}
    events_publish(events=[
        (DISPATCH_STREAM, "case.updated", case_summary(case)),
        *[(unit_stream(a.unit_id), "assignment.case_changed", {**assignment_summary(a), **changed})
          for a in crews],
    ])
