"""Text typed anywhere into a major incident is kept without the characters XML 1.0 refuses
(a vertical tab pasted into a title broke the CAP Alert at TiB's confirmation: a 500 and the
confirmation rolled back)."""

import io
import uuid

import pytest
from django.core.management import call_command

from core.text import text_clean
from incidents.models import CapMessage, MajorIncident, SituationReport


@pytest.fixture
def regions(demo):
    call_command("seed_incidents_demo", stdout=io.StringIO())


def test_text_clean_keeps_tabs_and_line_breaks_and_drops_control_characters():
    assert text_clean("Buss\x0bolycka\x00\x1f\ufffe\t\r\n") == "Bussolycka\t\r\n"


def test_a_title_with_a_control_character_is_raised_and_confirmed(demo, api, regions,
                                                                  new_case):
    raised = api(demo.anna).post("/api/incidents/", {
        "title": "Buss\x0bolycka E18", "location": "Köping\x07", "cases": [new_case().pk],
        "report": {"hazards": "Diesel\x0c läcker"},
        "idempotency_key": f"incident-{uuid.uuid4().hex}"}, format="json")
    assert raised.status_code == 201, raised.content
    incident = MajorIncident.objects.get(pk=raised.json()["id"])
    assert (incident.title, incident.location) == ("Bussolycka E18", "Köping")
    assert SituationReport.objects.get(incident=incident).hazards == "Diesel läcker"
    confirmed = api(demo.users["tove"]).post(f"/api/incidents/{incident.pk}/confirm/")
    assert confirmed.status_code == 200, confirmed.content
    assert CapMessage.objects.filter(incident=incident).exists()
    stood_down = api(demo.users["tove"]).post(f"/api/incidents/{incident.pk}/stand-down/",
                                              {"note": "Klart\x0b"}, format="json")
    assert stood_down.status_code == 200, stood_down.content
    assert stood_down.json()["stand_down_note"] == "Klart"


# --- ids and times beyond what the database holds: a 400 in words, never a 500 ---------------


def test_a_case_id_beyond_any_row_is_refused_in_words(demo, api):
    answer = api(demo.anna).post("/api/incidents/", {
        "title": "Bussolycka", "region": "VML", "cases": [10**20]}, format="json")
    assert answer.status_code == 400, answer.content
    assert "cases" in str(answer.json()), answer.json()
    assert not MajorIncident.objects.exists()


def test_a_unit_id_beyond_any_row_is_refused_in_words(demo, api):
    from incidents.models import AlarmRegion, IncidentState
    from tests.incidents.report_helpers import incident_make

    incident = incident_make(demo, state=IncidentState.CONFIRMED)
    own = AlarmRegion.objects.create(code="TVML", name="Region Västmanland", region=demo.vml)
    answer = api(demo.anna).post(f"/api/incidents/{incident.pk}/pledges/", {
        "alarm_region": own.pk, "kind": "ambulance", "units": [10**20]}, format="json")
    assert answer.status_code == 400, answer.content
    assert "Unknown unit" in answer.json()["detail"]


def test_a_time_with_no_utc_equivalent_is_refused_in_words(demo, api):
    from incidents.models import AlarmRegion, IncidentState
    from tests.incidents.report_helpers import incident_make

    incident = incident_make(demo, state=IncidentState.CONFIRMED)
    region = AlarmRegion.objects.create(code="TDAL", name="Region Dalarna")
    answer = api(demo.anna).post(f"/api/incidents/{incident.pk}/pledges/", {
        "alarm_region": region.pk, "kind": "ambulance", "count": 2,
        "available_at": "0001-01-01T00:00:00+14:00"}, format="json")
    assert answer.status_code == 400, answer.content
    assert "available_at" in answer.json()["detail"]
