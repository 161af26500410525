"""Event payloads of referrals. They carry ids, states, who is responsible, times, the line
and the NEWS2 score: never the patient's name, identity number, address or the handover's
text. A device fetches the referral over HTTP, where the read is written to the access log."""

from core.times import iso
from crews.streams import unit_stream
from dispatch.streams import DISPATCH_STREAM
from realtime.services import events_publish

from .models import Referral


def referral_event(referral: Referral) -> dict:
    return {
        "id": referral.pk,
        "case": referral.case_id,
        "case_reference": referral.case.reference,
        "unit": referral.unit_id,
        "unit_call_sign": referral.unit.call_sign,
        "state": referral.state,
        "responsible": referral.responsible,
        "line": referral.line,
        "deadline": iso(referral.deadline),
        "news2_score": referral.news2_score,
        "news2_complete": referral.news2_complete,
        "news2_single_three": referral.news2_single_three,
        "overdue": referral.overdue,
        "sent_at": iso(referral.sent_at),
        "accepted_at": iso(referral.accepted_at),
        "expected_visit_at": iso(referral.expected_visit_at),
        "declined_at": iso(referral.declined_at),
        "withdrawn_at": iso(referral.withdrawn_at),
        "visited_at": iso(referral.visited_at),
        "outcome": referral.outcome,
        "new_case": referral.new_case_id,
        "state_changed_at": iso(referral.state_changed_at),
    }


# Which event the unit's tablets get for each dispatch-stream event.
UNIT_TYPE = {
    "referral.created": "referral.created",
    "referral.withdrawn": "referral.withdrawn",
    "referral.overdue": "referral.overdue",
    "referral.deadline_passed": "referral.deadline_passed",
}


def publish_referral(referral: Referral, type: str) -> None:
    """The dispatchers hear `type`; the unit's tablets hear created, withdrawn, overdue and
    deadline_passed as they are, and updated for everything else. The unit's event goes
    first: it is the one a person waits for."""
    data = referral_event(referral)
    events_publish(events=[
        (unit_stream(referral.unit_id), UNIT_TYPE.get(type, "referral.updated"), data),
        (DISPATCH_STREAM, type, data),
    ])
