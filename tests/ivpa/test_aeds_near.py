"""GET /api/ivpa/aeds/: the open defibrillators near a point, as the console's map shows them
around the selected case; a question it cannot answer is a 400 with a message, never a 500."""

import pytest


def test_the_map_gets_each_defibrillator_with_its_position_and_distance(ivpa, api, demo):
    response = api(demo.anna).get("/api/ivpa/aeds/", {
        "latitude": 59.6095, "longitude": 16.54666, "radius": 1500})
    assert response.status_code == 200
    found = response.json()
    assert {"Stadshuset", "Kyrkbacken"} <= {a["name"] for a in found}
    for aed in found:
        assert {"id", "name", "latitude", "longitude", "distance_m"} <= aed.keys()
        assert 0 <= aed["distance_m"] <= 1500


def test_a_small_radius_leaves_the_far_ones_out(ivpa, api, demo):
    near = api(demo.anna).get("/api/ivpa/aeds/", {
        "latitude": 59.6105, "longitude": 16.5435, "radius": 50}).json()
    assert [a["name"] for a in near] == ["Stadshuset"]


def test_without_a_radius_the_one_responders_are_sent_within_applies(ivpa, api, demo, settings):
    """The console sends no radius: settings.IVPA_AED_RADIUS_M is the one home of it."""
    settings.IVPA_AED_RADIUS_M = 50
    near = api(demo.anna).get("/api/ivpa/aeds/", {
        "latitude": 59.6105, "longitude": 16.5435}).json()
    assert [a["name"] for a in near] == ["Stadshuset"]


@pytest.mark.parametrize("query", [
    {},
    {"latitude": 59.61},
    {"latitude": "norr", "longitude": 16.54},
    {"latitude": 59.61, "longitude": 181},
    {"latitude": 59.61, "longitude": 16.54, "radius": 0},
    {"latitude": 59.61, "longitude": 16.54, "radius": "stor"},
    {"latitude": "nan", "longitude": 16.54},
])
def test_a_question_without_a_place_is_refused_with_a_message(ivpa, api, demo, query):
    response = api(demo.anna).get("/api/ivpa/aeds/", query)
    assert response.status_code == 400
    assert "latitude" in response.json()["detail"]


@pytest.mark.parametrize("who", ["sara", "lars", "karin"])
def test_only_the_console_asks(ivpa, api, demo, who):
    response = api(getattr(demo, who)).get("/api/ivpa/aeds/", {
        "latitude": 59.61, "longitude": 16.54})
    assert response.status_code == 403
