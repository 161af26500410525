"""The optional geocoder (places.geocoder) against a loopback Nominatim stand-in: asked only
when the register has no match, answers in the register's shape, and a geocoder that times
out, answers 500 or nonsense gives the register's (empty) answer within the time-out, logged
once per outage, never a 500."""

import logging
import time

import pytest

from places.geocoder import USER_AGENT, geocoder_reverse, geocoder_search

from .helpers import address_add, municipalities_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(demo):
    m = municipalities_add()
    address_add(m["1980"], "Stora torget", "1", locality="Västerås")
    return m


def test_asked_only_when_the_register_has_no_match(api, demo, register, nominatim):
    found = api(demo.anna).get("/api/addresses/", {"q": "stora torget 1"}).json()
    assert [h["source"] for h in found] == ["register"]
    assert nominatim.requests == []
    found = api(demo.anna).get("/api/addresses/", {"q": "Svartåvägen 12"}).json()
    assert found == [{
        "label": "Svartåvägen 12, Västerås", "street": "Svartåvägen", "number": "12",
        "letter": "", "postcode": "722 20", "locality": "Västerås",
        "municipality": "Västerås", "municipality_code": "1980", "region": "VML",
        "region_name": demo.vml.name, "latitude": 59.618, "longitude": 16.552,
        "source": "geocoder"}]
    request = nominatim.requests[-1]
    assert request["path"] == "/search"
    assert request["query"]["format"] == ["jsonv2"]
    assert request["query"]["addressdetails"] == ["1"]
    assert request["query"]["countrycodes"] == ["se,no"]
    assert request["headers"]["User-Agent"] == USER_AGENT and "Larmkedjan" in USER_AGENT


def test_a_place_of_an_unknown_municipality_has_no_region(register, nominatim):
    hits = geocoder_search(text="Karl Johans gate 1", limit=5)
    assert [(h.street, h.number, h.locality, h.municipality) for h in hits] == [
        ("Karl Johans gate", "1", "Oslo", None)]


def test_a_village_named_only_by_its_genitive_municipality_gets_its_region(register,
                                                                            nominatim):
    hits = geocoder_search(text="Bygatan 3 Fjärdhundra", limit=5)
    assert [(h.street, h.locality, h.municipality.code, h.municipality.region.code)
            for h in hits] == [("Bygatan", "Fjärdhundra", "0381", "UPP")]


def test_too_short_a_query_does_not_ask(api, demo, register, nominatim):
    assert api(demo.anna).get("/api/addresses/", {"q": "zz"}).json() == []
    assert nominatim.requests == []


def test_nearest_falls_back_to_the_geocoders_reverse(api, demo, register, nominatim):
    response = api(demo.anna).get("/api/addresses/nearest/",
                                  {"latitude": 59.6181, "longitude": 16.5521})
    assert response.status_code == 200
    assert response.json()["label"] == "Svartåvägen 12, Västerås"
    assert response.json()["source"] == "geocoder"
    assert nominatim.requests[-1]["path"] == "/reverse"
    response = api(demo.anna).get("/api/addresses/nearest/", {"latitude": 66, "longitude": 20})
    assert response.status_code == 404


@pytest.mark.parametrize("mode", ["timeout", "500", "garbage", "nonsense"])
def test_a_failing_geocoder_gives_the_registers_empty_answer_logged_once(
        api, demo, register, nominatim, mode, caplog):
    nominatim.mode = mode
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="places.geocoder"):
        first = api(demo.anna).get("/api/addresses/", {"q": "Svartåvägen 12"})
        second = api(demo.anna).get("/api/addresses/", {"q": "Svartåvägen 14"})
        nearest = api(demo.anna).get("/api/addresses/nearest/",
                                     {"latitude": 59.6181, "longitude": 16.5521})
    assert (first.status_code, first.json()) == (200, [])
    assert (second.status_code, second.json()) == (200, [])
    assert nearest.status_code == 404
    # Within the time-out (0.5 s) once, then left alone while the failure is fresh: never the
    # stand-in's 5 s (bounded generously for a shared machine; the request count is exact).
    assert time.monotonic() - started < 4.5
    assert len(nominatim.requests) == 1
    warnings = [r for r in caplog.records
                if r.levelno == logging.WARNING and r.name == "places.geocoder"]
    assert len(warnings) == 1 and "geocoder" in warnings[0].getMessage()


def test_the_geocoder_is_asked_again_after_the_retry_time_and_its_return_logged(
        register, nominatim, settings, caplog):
    nominatim.mode = "500"
    settings.GEOCODER_RETRY_SECONDS = 0
    with caplog.at_level(logging.INFO, logger="places.geocoder"):
        assert geocoder_search(text="Svartåvägen 12", limit=5) == []
        assert geocoder_search(text="Svartåvägen 12", limit=5) == []
        nominatim.mode = "ok"
        assert len(geocoder_search(text="Svartåvägen 12", limit=5)) == 1
    messages = [r.getMessage() for r in caplog.records]
    assert sum("failed" in m for m in messages) == 1
    assert sum("answers again" in m for m in messages) == 1


def test_no_geocoder_configured_asks_nobody(register, settings):
    settings.GEOCODER_URL = ""
    assert geocoder_search(text="Svartåvägen 12", limit=5) == []
    assert geocoder_reverse(latitude=59.6, longitude=16.5) is None
