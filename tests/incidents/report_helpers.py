"""The reports part's test world: a major incident made directly (raised or confirmed), with
the alarm's update and stand-down to the regions replaced by a recorder (their own tests are
tests/incidents/test_alarm.py)."""

from types import SimpleNamespace

from django.utils import timezone

from incidents.models import IncidentState, MajorIncident


def alarm_recorder(monkeypatch) -> list:
    """What the reports part asked of the alarm: [("update", incident id), ...]."""
    from incidents.services import alarm

    calls = []
    monkeypatch.setattr(alarm, "incident_alarm_update",
                        lambda *, incident: calls.append(("update", incident.pk)))
    monkeypatch.setattr(alarm, "incident_alarm_stand_down",
                        lambda *, incident: calls.append(("stand_down", incident.pk)))
    return calls


def incident_make(demo, *, state: str = IncidentState.CONFIRMED, title: str = "Bussolycka E18",
                  at=None, exercise: bool = False) -> MajorIncident:
    at = at or timezone.now()
    confirmed = state in (IncidentState.CONFIRMED, IncidentState.STOOD_DOWN)
    return MajorIncident.objects.create(
        title=title, state=state, region=demo.vml, raised_by=demo.anna, raised_at=at,
        location="E18 vid Köping", exercise=exercise,
        confirmed_by=demo.users["tove"] if confirmed else None,
        confirmed_at=at if confirmed else None)


def people(demo) -> SimpleNamespace:
    return SimpleNamespace(anna=demo.anna, tove=demo.users["tove"], sara=demo.sara,
                           greta=demo.greta, lars=demo.lars, karin=demo.karin,
                           ulla=demo.ulla)
