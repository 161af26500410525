"""The incidents' admin: an incident's page shows its cases, so opening it is in the access
log for each case; the list (no cases shown) logs the incidents only."""

import pytest

from audit.models import AccessLogEntry
from incidents.services.lifecycle import incident_raise


@pytest.fixture
def incident(demo, new_case):
    case = new_case()
    found, _created = incident_raise(by=demo.anna, title="Bussolycka E18", report=None,
                                     cases=[case.pk], region=None)
    return found


def test_opening_an_incident_in_the_admin_records_its_cases(demo, client, incident):
    client.force_login(demo.admin)
    response = client.get(f"/admin/incidents/majorincident/{incident.pk}/change/")
    assert response.status_code == 200
    [case] = incident.cases.all()
    opened = AccessLogEntry.objects.filter(user=demo.admin, reason="opened in the admin")
    assert case.patient_key in {e.patient for e in opened}


def test_the_incident_list_in_the_admin_names_no_patient(demo, client, incident):
    client.force_login(demo.admin)
    assert client.get("/admin/incidents/majorincident/").status_code == 200
    listed = AccessLogEntry.objects.filter(user=demo.admin, reason="listed in the admin")
    assert [(e.patient, e.object_type, e.object_id) for e in listed] == [
        ("", "major_incident", str(incident.pk))]


def test_the_regions_are_configured_in_the_admin(demo, client):
    from django.core.management import call_command

    call_command("seed_incidents_demo", stdout=open("/dev/null", "w"))
    client.force_login(demo.admin)
    response = client.get("/admin/incidents/alarmregion/")
    assert response.status_code == 200
    assert "Region Gävleborg" in response.content.decode()
