"""The hospitals (*sjukhus*) a crew chooses its destination from: nearest first by the
ambulance's travel time, from the router (one request for all of them) or the estimate, said
so; by name without a position; bad input refused with a message."""

import io

import pytest
from django.core.management import call_command

from places.models import Hospital
from places.selectors import hospitals_by_travel_time

from .helpers import POSITIONS, hospitals_add

VASTERAS = POSITIONS["Västerås"]
ENKOPING = POSITIONS["Enköping"]


@pytest.fixture
def hospitals(db):
    return hospitals_add()


def names(options):
    return [o.hospital.name for o in options]


def test_without_a_router_the_nearest_hospital_comes_first_by_the_estimate(hospitals, settings):
    settings.ROUTER_URL = ""
    options = hospitals_by_travel_time(latitude=VASTERAS[0], longitude=VASTERAS[1])
    assert names(options)[0] == "Västmanlands sjukhus Västerås"
    assert names(options)[-1] == "Akademiska sjukhuset"
    seconds = [o.travel.seconds for o in options]
    assert seconds == sorted(seconds)
    assert {o.travel.source for o in options} == {"estimate"}


def test_the_router_answers_for_all_hospitals_in_one_request(hospitals, osrm):
    options = hospitals_by_travel_time(latitude=ENKOPING[0], longitude=ENKOPING[1])
    assert len(osrm.requests) == 1
    assert names(options)[0] == "Lasarettet i Enköping"
    assert {o.travel.source for o in options} == {"router"}
    assert [o.travel.seconds for o in options] == sorted(o.travel.seconds for o in options)


def test_the_way_is_asked_from_the_scene_to_the_hospitals_in_one_request(hospitals, osrm):
    """One-way streets: the way into Enköping's hospital is slow, the way out quick; from the
    scene in Enköping the hospital in Enköping is then the farthest."""
    enkoping = hospitals["Lasarettet i Enköping"]
    osrm.slower_into[(round(enkoping.latitude, 5), round(enkoping.longitude, 5))] = 7200.0
    options = hospitals_by_travel_time(latitude=ENKOPING[0], longitude=ENKOPING[1])
    assert names(options)[-1] == "Lasarettet i Enköping"
    assert options[-1].travel.seconds > 7200
    [request] = osrm.requests
    assert request["query"]["sources"] == ["0"]
    assert request["query"]["destinations"] == ["1;2;3;4"]
    first = request["path"].split("/")[-1].split(";")[0]
    assert first == f"{ENKOPING[1]:.6f},{ENKOPING[0]:.6f}"


def test_many_hospitals_split_into_requests_from_the_same_scene(hospitals, osrm, settings):
    settings.ROUTER_MAX_PER_CALL = 3
    options = hospitals_by_travel_time(latitude=ENKOPING[0], longitude=ENKOPING[1])
    assert [r["query"]["destinations"] for r in osrm.requests] == [["1;2"], ["1;2"]]
    assert {o.travel.source for o in options} == {"router"}
    assert names(options)[0] == "Lasarettet i Enköping"


def test_a_failing_router_leaves_the_estimate(hospitals, osrm):
    osrm.mode = "500"
    options = hospitals_by_travel_time(latitude=VASTERAS[0], longitude=VASTERAS[1])
    assert len(options) == 4 and {o.travel.source for o in options} == {"estimate"}


def test_emergency_only_and_inactive_hospitals_are_left_out(hospitals, settings):
    settings.ROUTER_URL = ""
    Hospital.objects.filter(name="Lasarettet i Enköping").update(active=False)
    options = hospitals_by_travel_time(latitude=VASTERAS[0], longitude=VASTERAS[1],
                                       emergency_only=True)
    assert names(options) == ["Västmanlands sjukhus Västerås", "Akademiska sjukhuset"]


def test_the_api_lists_hospitals_nearest_first_with_their_times(hospitals, demo, api,
                                                                settings):
    settings.ROUTER_URL = ""
    response = api(demo.sara).get("/api/hospitals/", {"latitude": ENKOPING[0],
                                                      "longitude": ENKOPING[1]})
    assert response.status_code == 200, response.json()
    first = response.json()[0]
    assert first["name"] == "Lasarettet i Enköping" and first["short_name"] == "Enköpings lasarett"
    assert first["region"] == "UPP" and first["emergency"] is True
    assert first["travel_source"] == "estimate" and first["travel_seconds"] > 0
    assert set(first) == {"id", "name", "short_name", "emergency", "region", "latitude",
                          "longitude", "capabilities", "capability_labels", "travel_seconds",
                          "travel_source"}


def test_without_a_position_the_api_lists_by_name_without_times(hospitals, demo, api):
    body = api(demo.anna).get("/api/hospitals/").json()
    assert [h["name"] for h in body] == sorted(h["name"] for h in body)
    assert {h["travel_seconds"] for h in body} == {None}
    # A hospital without a short name is shown by its name.
    assert {h["short_name"] for h in body if h["name"] == "Skultuna närakut"} == \
        {"Skultuna närakut"}


@pytest.mark.parametrize("query", [
    {"latitude": "norr", "longitude": 16.5},
    {"latitude": 59.6},
    {"latitude": 91, "longitude": 16.5},
    {"latitude": 59.6, "longitude": "1e999"},
    {"latitude": 59.6, "longitude": 16.5, "emergency_only": "kanske"},
])
def test_bad_input_is_refused_with_a_message(hospitals, demo, api, query):
    response = api(demo.anna).get("/api/hospitals/", query)
    assert response.status_code == 400
    assert response.json()


def test_a_volunteer_does_not_list_hospitals(hospitals, demo, api):
    assert api(demo.lars).get("/api/hospitals/").status_code == 403


def test_the_demo_seed_loads_the_hospitals_and_a_second_run_updates(demo):
    call_command("seed_places_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_places_demo", stdout=out)
    assert "refused 0 hospitals" in out.getvalue()
    assert Hospital.objects.count() == 8
    sala = Hospital.objects.get(name__startswith="Sala")
    assert not sala.emergency and sala.municipality.region.code == "VML"
    assert Hospital.objects.get(short_name="Akademiska").municipality.region.code == "UPP"
