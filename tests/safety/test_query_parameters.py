"""Bad query parameters are a 400 in words, never a 500: digits that are not ASCII ('²' is a
digit to str.isdigit, not to int), a position that is no place on earth, a date that does not
exist (February 30th parses, then fails)."""

import pytest
from rest_framework.test import APIClient

from safety.demo_partners import partners_seed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query, words", [
    ({"case": "²"}, "?case=12"),
    ({"case": "١٢"}, "?case=12"),
    ({"region": "²"}, "Unknown region"),
    ({"region": "Atlantis"}, "Unknown region"),
])
def test_the_notice_lists_bad_filters_are_a_400_in_words(demo, api, query, words):
    response = api(demo.anna).get("/api/safety/notices/", query)
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_a_region_by_id_or_code_still_filters(demo, api):
    client = api(demo.anna)
    assert client.get("/api/safety/notices/", {"region": str(demo.vml.pk)}).status_code == 200
    assert client.get("/api/safety/notices/", {"region": "vml"}).status_code == 200


@pytest.mark.parametrize("latitude, longitude, words", [
    ("inf", "16", "Latitude must be within"),
    ("nan", "16", "Latitude must be within"),
    ("95", "16", "Latitude must be within"),
    ("59.6", "-inf", "Latitude must be within"),
    ("59.6", "200", "Latitude must be within"),
    ("north", "16", "decimal degrees"),
])
def test_the_matching_preview_refuses_a_position_off_the_earth(demo, api, latitude, longitude,
                                                                words):
    response = api(demo.anna).get("/api/safety/notices/matching/",
                                  {"latitude": latitude, "longitude": longitude})
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_the_report_lists_region_in_other_digits_is_a_400(demo, api):
    response = api(demo.anna).get("/api/safety/reports/", {"region": "²"})
    assert response.status_code == 400
    assert "Unknown region" in response.json()["detail"]


def test_the_exchange_logs_partner_in_other_digits_is_a_400(demo, api):
    response = api(demo.greta).get("/api/safety/exchanges/", {"partner": "²"})
    assert response.status_code == 400
    assert "?partner=1" in response.json()["detail"]


@pytest.mark.parametrize("since", ["2026-02-30T08:00:00+01:00", "2026-13-01T08:00:00Z"])
def test_a_partners_since_that_does_not_exist_is_a_400_that_shows_the_form(demo, since):
    _partner, key = partners_seed()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/safety/notices/", {"since": since})
    assert response.status_code == 400
    assert "since=2026-12-01T08:00:00+01:00" in response.json()["detail"]
