"""Reads of the situation report's versions and of mass-casualty triage: the decision in force
for an incident, and the mode the crews' screens show (whether triage holds anywhere, for which
incident, since when, on what; nothing of the cases)."""

from django.db.models import QuerySet

from ..models import IncidentState, MajorIncident, SituationReport, TriageDecision
from ..triage_indicators import indicator_items


def report_versions(*, incident: MajorIncident) -> QuerySet[SituationReport]:
    """Every version, newest first."""
    return SituationReport.objects.filter(incident=incident).select_related(
        "written_by").order_by("-version")


def report_latest(*, incident: MajorIncident) -> SituationReport | None:
    return report_versions(incident=incident).first()


def triage_latest(incident: MajorIncident) -> TriageDecision | None:
    """The decision in force: the latest one."""
    return TriageDecision.objects.filter(incident=incident).select_related(
        "decided_by").order_by("-decided_at", "-pk").first()


def triage_since(incident: MajorIncident):
    """When the triage that holds was switched on (a later decision that only changed the
    indicators keeps the time of the first); None when it does not hold."""
    since = None
    for decision in TriageDecision.objects.filter(incident=incident).order_by(
            "-decided_at", "-pk"):
        if not decision.active:
            break
        since = decision.decided_at
    return since


MODE_OFF = {"active": False, "incident": None, "title": "", "exercise": False, "since": None,
            "indicators": []}


def triage_mode() -> dict:
    """The mode for the crews and the console: the confirmed incident on which TiB switched
    to mass-casualty triage most recently and which still holds it, else off."""
    held = []
    for incident in MajorIncident.objects.filter(state=IncidentState.CONFIRMED):
        latest = triage_latest(incident)
        if latest is not None and latest.active:
            held.append((triage_since(incident), incident, latest))
    if not held:
        return dict(MODE_OFF)
    since, incident, latest = max(held, key=lambda item: (item[0], item[1].pk))
    return {"active": True, "incident": incident.pk, "title": incident.title,
            "exercise": incident.exercise, "since": since,
            "indicators": indicator_items(latest.indicators)}
