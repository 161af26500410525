"""The situation report (*initial lägesbild*, METHANE): each save a new version that keeps what
it leaves out, two writers never take one version, counts and texts checked with words, no
report on an incident that is over, and a confirmed incident's report shared with the regions
(the alarm's update)."""

import threading

import pytest
from django.db import connection

from incidents.models import IncidentLogEntry, IncidentState, SituationReport
from incidents.services import reports as report_services
from incidents.services.reports import report_write
from incidents.streams import INCIDENTS_STREAM
from realtime.models import Event
from tests.incidents.report_helpers import alarm_recorder, incident_make, people


@pytest.fixture
def alarm_calls(monkeypatch):
    return alarm_recorder(monkeypatch)


def test_each_report_is_a_new_version_keeping_what_it_leaves_out(demo, api, alarm_calls):
    incident = incident_make(demo, state=IncidentState.RAISED)
    p = people(demo)
    first = api(p.anna).post(f"/api/incidents/{incident.pk}/reports/", {
        "major_incident_declared": True, "exact_location": "  E18 km 112, Köping  ",
        "casualties_total": 14, "casualties_red": 3}, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["version"] == 1
    assert first.json()["exact_location"] == "E18 km 112, Köping"
    second = api(p.tove).post(f"/api/incidents/{incident.pk}/reports/",
                              {"casualties_total": 16, "hazards": "Läckande diesel"},
                              format="json")
    assert second.status_code == 201
    body = second.json()
    assert (body["version"], body["casualties_total"], body["casualties_red"],
            body["exact_location"], body["written_by"]) == (
        2, 16, 3, "E18 km 112, Köping", "Tove Tjänsteman")
    versions = api(p.anna).get(f"/api/incidents/{incident.pk}/reports/").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert IncidentLogEntry.objects.filter(incident=incident, kind="report").count() == 2
    assert Event.objects.filter(stream=INCIDENTS_STREAM, type="incident.report").count() == 2
    # Raised, not confirmed: nothing goes to the regions yet.
    assert alarm_calls == []


def test_a_confirmed_incidents_report_goes_to_the_regions(demo, alarm_calls):
    incident = incident_make(demo)
    report_write(incident=incident, by=demo.anna, casualties_total=4)
    assert alarm_calls == [("update", incident.pk)]


def test_a_writer_that_lost_the_version_takes_the_next(demo, alarm_calls, monkeypatch):
    """The other writer stored version 1 after this one read the versions (no lock held, as
    in SQLite): the unique version refuses its insert, and it is made again as version 2."""
    incident = incident_make(demo, state=IncidentState.RAISED)
    SituationReport.objects.create(incident=incident, version=1, written_by=demo.users["tove"],
                                   written_at=incident.raised_at, hazards="Brand")
    real = report_services._carried
    reads = []

    def stale(incident_now):
        reads.append(True)
        return (0, {}) if len(reads) == 1 else real(incident_now)

    monkeypatch.setattr(report_services, "_carried", stale)
    report = report_write(incident=incident, by=demo.anna, casualties_total=2)
    assert (report.version, report.hazards, len(reads)) == (2, "Brand", 2)
    assert sorted(SituationReport.objects.filter(incident=incident).values_list(
        "version", flat=True)) == [1, 2]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="two connections writing at once: the production shape")
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_never_collide(demo, alarm_calls):
    from django.db import connections

    incident = incident_make(demo, state=IncidentState.RAISED)
    barrier = threading.Barrier(4, timeout=60)
    errors = []

    def write(n):
        try:
            barrier.wait()
            report_write(incident=incident, by=demo.anna, casualties_total=n)
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sorted(SituationReport.objects.filter(incident=incident).values_list(
        "version", flat=True)) == [1, 2, 3, 4]


@pytest.mark.parametrize(("body", "words"), [
    ({"casualties_red": -1}, "Priority 1, red is a number of people"),
    ({"casualties_total": "många"}, "Casualties in total is a number of people"),
    ({"casualties_dead": True}, "Dead is a number of people"),
    ({"casualties_total": 2.5}, "Casualties in total is a number of people"),
    ({"casualties_total": 3, "casualties_red": 2, "casualties_green": 2},
     "more than the total (3)"),
    ({"hazards": "x" * 501}, "Hazards is too long: keep it to 500 characters"),
    ({"weather": "Regn"}, "has no field “weather”"),
    ({"major_incident_declared": "kanske"}, "Major incident declared is yes or no"),
])
def test_bad_report_fields_are_refused_with_words(demo, api, alarm_calls, body, words):
    incident = incident_make(demo, state=IncidentState.RAISED)
    answer = api(demo.anna).post(f"/api/incidents/{incident.pk}/reports/", body, format="json")
    assert answer.status_code == 400
    assert words in answer.json()["detail"]
    assert not SituationReport.objects.filter(incident=incident).exists()


@pytest.mark.parametrize("state", [IncidentState.STOOD_DOWN, IncidentState.REJECTED])
def test_no_report_on_an_incident_that_is_over(demo, api, alarm_calls, state):
    incident = incident_make(demo, state=state)
    answer = api(demo.users["tove"]).post(f"/api/incidents/{incident.pk}/reports/",
                                          {"casualties_total": 1}, format="json")
    assert answer.status_code == 409
    assert "can no longer be changed" in answer.json()["detail"]


def test_only_dispatchers_and_tib_write_the_report(demo, api, alarm_calls):
    incident = incident_make(demo)
    p = people(demo)
    assert api(p.sara).post(f"/api/incidents/{incident.pk}/reports/", {},
                            format="json").status_code == 403
    assert api(p.greta).post(f"/api/incidents/{incident.pk}/reports/", {},
                             format="json").status_code == 403
    assert api(p.greta).get(f"/api/incidents/{incident.pk}/reports/").status_code == 200
    assert api(p.anna).get("/api/incidents/999999/reports/").status_code == 404


def test_a_replayed_report_makes_no_second_version(demo, api, alarm_calls):
    incident = incident_make(demo)
    body = {"casualties_total": 7, "idempotency_key": "report-replay-0001"}
    first = api(demo.anna).post(f"/api/incidents/{incident.pk}/reports/", body, format="json")
    again = api(demo.anna).post(f"/api/incidents/{incident.pk}/reports/", body, format="json")
    assert first.status_code == 201 and again.json()["version"] == 1
    assert again["Idempotent-Replay"] == "true"
    assert SituationReport.objects.filter(incident=incident).count() == 1


@pytest.mark.parametrize("name", ["by", "incident"])
def test_a_field_named_like_the_services_arguments_is_an_unknown_field(demo, api, alarm_calls,
                                                                       name):
    incident = incident_make(demo, state=IncidentState.RAISED)
    answer = api(demo.anna).post(f"/api/incidents/{incident.pk}/reports/",
                                 {name: 1, "hazards": "Diesel"}, format="json")
    assert answer.status_code == 400
    assert f"has no field “{name}”" in answer.json()["detail"]
    assert not SituationReport.objects.filter(incident=incident).exists()


def test_a_crew_member_refused_the_report_is_told_so_in_swedish(demo, api, alarm_calls,
                                                               settings):
    from django.utils import translation

    incident = incident_make(demo)
    settings.LANGUAGE_CODE = "sv"
    with translation.override("sv"):
        answer = api(people(demo).sara).post(f"/api/incidents/{incident.pk}/reports/",
                                             {"hazards": "Diesel"}, format="json",
                                             HTTP_ACCEPT_LANGUAGE="sv")
    assert answer.status_code == 403
    assert answer.json()["detail"] == "Din roll får inte göra detta."
