"""Fixtures of the places tests: the loopback OSRM stand-in."""

import pytest

from places.travel import router_reset

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
