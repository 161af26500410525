"""What the screens are told: every change of an incident as an event on the incidents stream
(the screens fetch the incident again: the event is the nudge, the API the truth), and the
triage mode on the crews' stream. Stored in the caller's transaction, sent after commit
(realtime.services)."""

from core.times import iso
from realtime.services import events_publish

from ..models import MajorIncident
from ..streams import INCIDENTS_STREAM, MODE_STREAM


def incident_summary(incident: MajorIncident) -> dict:
    """What an event carries: enough for a list row and a banner, no patient data."""
    return {"id": incident.pk, "title": incident.title, "state": incident.state,
            "state_text": str(incident.get_state_display()), "exercise": incident.exercise,
            "region": incident.region_id}


def incident_event_publish(*, incident: MajorIncident, type_: str,
                           data: dict | None = None) -> None:
    """`type_` (incident.raised, incident.confirmed, incident.alarm, incident.pledge, ...)
    with the incident's summary and `data` on the incidents stream."""
    events_publish(events=[(INCIDENTS_STREAM, type_,
                            {"incident": incident_summary(incident), **(data or {})})])


def incident_mode_publish() -> None:
    """The triage mode for the crews across every incident (what GET /api/incidents/mode/
    answers): switching one incident off leaves it on while another still holds it."""
    from ..selectors.reports import triage_mode

    mode = triage_mode()
    events_publish(events=[(MODE_STREAM, "incident.mode",
                            {"active": mode["active"], "incident": mode["incident"],
                             "title": mode["title"], "exercise": mode["exercise"],
                             "since": iso(mode["since"])})])
