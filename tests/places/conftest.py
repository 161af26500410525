"""Fixtures of the places tests: the loopback OSRM and Nominatim stand-ins."""

import pytest

from places.travel import router_reset

from .nominatim_standin import NominatimStandin
from .osrm_standin import OsrmStandin


@pytest.fixture(scope="session")
def osrm_server():
    with OsrmStandin() as server:
        yield server


@pytest.fixture
def osrm(osrm_server, settings):
    """The stand-in as the product's router (ROUTER_URL), reset, with a short time-out."""
    osrm_server.reset()
    settings.ROUTER_URL = osrm_server.url
    settings.ROUTER_TIMEOUT_SECONDS = 0.5
    settings.ROUTER_RETRY_SECONDS = 30
    router_reset()
    yield osrm_server
    router_reset()


@pytest.fixture(scope="session")
def nominatim_server():
    with NominatimStandin() as server:
        yield server


@pytest.fixture
def nominatim(nominatim_server, settings):
    """The stand-in as the product's geocoder (GEOCODER_URL), reset, with a short time-out."""
    from places.geocoder import geocoder_reset

    nominatim_server.reset()
    settings.GEOCODER_URL = nominatim_server.url
    settings.GEOCODER_TIMEOUT_SECONDS = 0.5
    settings.GEOCODER_RETRY_SECONDS = 30
    geocoder_reset()
    yield nominatim_server
    geocoder_reset()
