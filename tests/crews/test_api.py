"""The units API: lists, joining and leaving, and position reports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import IdempotentRequest
from crews.models import CrewShift, Unit
from realtime.models import Event
from tests.dispatch.helpers import assert_detail, db_state


def position_url(unit):
    return f"/api/units/{unit.pk}/position/"


def test_the_crew_reports_its_units_position(demo, api):
    response = api(demo.sara).post(position_url(demo.amb1010),
                                   {"latitude": 59.62, "longitude": 16.55}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["latitude"], response.json()["longitude"]) == (59.62, 16.55)
    unit = Unit.objects.get(pk=demo.amb1010.pk)
    assert (unit.latitude, unit.longitude) == (59.62, 16.55)
    assert unit.position_at is not None


@pytest.mark.parametrize("who", ["johan", "maria"])
def test_crew_cannot_report_a_position_for_another_unit(demo, api, who):
    before = db_state()
    response = api(getattr(demo, who)).post(position_url(demo.amb1010),
                                            {"latitude": 60.0, "longitude": 17.0},
                                            format="json")
    assert response.status_code == 403
    assert_detail(response, "only for the unit you have joined")
    assert db_state() == before


@pytest.mark.parametrize("who", ["lars", "karin"])
def test_responders_and_mobile_care_report_no_unit_positions(demo, api, who):
    before = db_state()
    response = api(getattr(demo, who)).post(position_url(demo.amb1010),
                                            {"latitude": 60.0, "longitude": 17.0},
                                            format="json")
    assert response.status_code == 403
    assert db_state() == before


def test_a_dispatcher_may_correct_any_units_position(demo, api):
    response = api(demo.anna).post(position_url(demo.amb3010),
                                   {"latitude": 59.86, "longitude": 17.64}, format="json")
    assert response.status_code == 200
    assert Unit.objects.get(pk=demo.amb3010.pk).latitude == 59.86


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"latitude": 95, "longitude": 16}, "latitude"),
        ({"latitude": -90.5, "longitude": 16}, "latitude"),
        ({"latitude": 59, "longitude": 200}, "longitude"),
        ({"latitude": 59, "longitude": -180.01}, "longitude"),
        ({"latitude": "nord", "longitude": 16}, "latitude"),
        ({"latitude": 59}, "longitude"),
        ({"longitude": 16}, "latitude"),
        ({"latitude": None, "longitude": 16}, "latitude"),
        ({}, "latitude"),
        ({"latitude": 59, "longitude": 16, "at": "i morse"}, "at"),
        ({"latitude": 59, "longitude": 16, "at": "+5m"}, "future"),
        ({"latitude": "nan", "longitude": 16}, "latitude"),
    ],
)
def test_a_bad_position_is_400_and_nothing_changes(demo, api, body, field):
    body = dict(body)
    if body.get("at") == "+5m":
        body["at"] = (timezone.now() + timedelta(minutes=5)).isoformat()
    before = db_state()
    response = api(demo.sara).post(position_url(demo.amb1010), body, format="json")
    assert response.status_code == 400
    assert_detail(response, field)
    assert db_state() == before


def test_a_position_that_is_not_json_is_400(demo, api):
    before = db_state()
    response = api(demo.sara).post(position_url(demo.amb1010),
                                   data='{"latitude": NaN, "longitude": 16}',
                                   content_type="application/json")
    assert response.status_code == 400
    assert_detail(response)
    assert db_state() == before


def test_a_position_for_an_unknown_unit_is_404(demo, api):
    assert api(demo.anna).post("/api/units/999999/position/",
                               {"latitude": 59, "longitude": 16}, format="json").status_code == 404


def test_a_replayed_position_report_is_answered_from_the_first(demo, api):
    client = api(demo.sara)
    body = {"latitude": 59.7, "longitude": 16.6}
    first = client.post(position_url(demo.amb1010), body, format="json",
                        HTTP_IDEMPOTENCY_KEY="gps-0000001")
    before = db_state()
    replay = client.post(position_url(demo.amb1010), {"latitude": 1, "longitude": 1},
                         format="json", HTTP_IDEMPOTENCY_KEY="gps-0000001")
    assert replay.status_code == 200 and replay.json() == first.json()
    assert db_state() == before
    assert IdempotentRequest.objects.filter(key="gps-0000001").count() == 1


def test_crew_joins_and_leaves_over_the_api(demo, api):
    client = api(demo.sara)
    joined = client.post(f"/api/units/{demo.amb1020.pk}/join/")
    assert joined.status_code == 200 and joined.json()["call_sign"] == "AMB 1020"
    assert client.get("/api/me/").json()["unit_call_sign"] == "AMB 1020"
    # The unit's stream, and the triage mode every crew member follows (incidents/streams.py).
    assert client.get("/api/me/").json()["streams"] == [f"unit.{demo.amb1020.pk}",
                                                        "incident-mode"]
    left = client.post("/api/units/leave/")
    assert left.status_code == 200
    assert client.get("/api/me/").json()["unit"] is None
    again = client.post("/api/units/leave/")
    assert again.status_code == 409
    assert_detail(again, "not on a unit")
    assert not CrewShift.objects.filter(user=demo.sara, left_at__isnull=True).exists()


def test_joining_an_unknown_unit_is_404(demo, api):
    before = db_state()
    assert api(demo.sara).post("/api/units/999999/join/").status_code == 404
    assert db_state() == before


@pytest.mark.parametrize("who", ["anna", "lars"])
def test_only_shift_staff_join_units(demo, api, who):
    before = db_state()
    response = api(getattr(demo, who)).post(f"/api/units/{demo.amb1020.pk}/join/")
    assert response.status_code == 403
    assert db_state() == before


def test_mobile_care_staff_join_no_ambulance(demo, api):
    before = db_state()
    response = api(demo.karin).post(f"/api/units/{demo.amb1020.pk}/join/")
    assert response.status_code == 409
    assert "mobile care units" in response.json()["detail"]
    assert db_state() == before


def test_units_are_listed_for_dispatchers_and_crew(demo, api):
    for who in ("anna", "sara", "maria"):
        body = api(getattr(demo, who)).get("/api/units/").json()
        assert len(body) == Unit.objects.count()
        assert {u["call_sign"] for u in body} >= {"AMB 1010", "AMB 3010", "HKP 3900"}
    detail = api(demo.sara).get(f"/api/units/{demo.amb3010.pk}/").json()
    assert (detail["call_sign"], detail["home_station_name"]) == ("AMB 3010", "Uppsala")
    assert api(demo.lars).get("/api/units/").status_code == 403


def test_regions_and_stations_for_everyone_signed_in(demo, api):
    regions = api(demo.lars).get("/api/regions/").json()
    assert {r["code"] for r in regions} == {"VML", "UPP", "SRM"}
    stations = api(demo.karin).get("/api/stations/").json()
    assert len(stations) == 9
    assert api().get("/api/regions/").status_code == 403


def test_position_events_reach_the_console_stream(demo, api):
    api(demo.sara).post(position_url(demo.amb1010), {"latitude": 59.63, "longitude": 16.56},
                        format="json")
    event = Event.objects.filter(stream="units", type="unit.updated").last()
    assert event.data["id"] == demo.amb1010.pk and event.data["latitude"] == 59.63
