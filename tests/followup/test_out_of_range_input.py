"""Dates, years and ids far outside what the follow-up reads are refused with a 400 in words,
never a 500 (an overflow near year 1 or 9999, or past the database's integer)."""

import pytest


@pytest.mark.parametrize("query", [
    "from=0001-01-01&to=0001-01-02",
    "from=9999-12-30&to=9999-12-31",
    "from=1999-12-31&to=2000-01-02",
    "from=2100-12-30&to=2101-01-01",
])
def test_a_station_period_outside_2000_to_2100_is_a_400_in_words(demo, api, query):
    response = api(demo.greta).get(f"/api/followup/stations/?{query}")
    assert response.status_code == 400
    assert "between the years 2000 and 2100" in response.json()["detail"]


def test_the_first_and_last_years_themselves_are_allowed(demo, api):
    client = api(demo.greta)
    assert client.get("/api/followup/stations/?from=2000-01-01&to=2000-01-02").status_code == 200
    assert client.get("/api/followup/stations/?from=2100-12-30&to=2100-12-31").status_code == 200


@pytest.mark.parametrize("dispatcher", ["99999999999999999999", "2147483648", "0", "-3"])
def test_a_dispatcher_id_the_database_cannot_hold_is_a_400(demo, api, dispatcher):
    response = api(demo.greta).get(f"/api/followup/feedback/?dispatcher={dispatcher}")
    assert response.status_code == 400
    assert "by their number" in response.json()["detail"]


def test_the_largest_id_is_simply_unknown(demo, api):
    response = api(demo.greta).get("/api/followup/feedback/?dispatcher=2147483647")
    assert response.status_code == 200 and response.json()["reports"] == []


@pytest.mark.parametrize("url", [
    "/api/followup/measures/?year=99999", "/api/followup/measures/?year=1",
    "/followup/report/?year=99999", "/followup/report/?year=1",
])
def test_a_year_far_away_is_a_400_on_the_measures_and_the_report(demo, client, url):
    client.force_login(demo.greta)
    assert client.get(url).status_code == 400
