"""Fixtures of the places tests: the loopback OSRM and Nominatim stand-ins."""

import pytest

from places.travel import router_reset

from .nominatim_standin import NominatimStandin
from .osrm_standin import OsrmStandin


@pytest.fixture(scope="session")
def osrm_server():
    with OsrmStandin() as server:
        yield server


def standin_as(server, settings, *, service: str, forget):
    """`server` reset as the product's SERVICE_URL with a short time-out; the product's
    memory of the service (`forget`) cleared before and after."""
    server.reset()
    setattr(settings, f"{service}_URL", server.url)
    setattr(settings, f"{service}_TIMEOUT_SECONDS", 0.5)
    setattr(settings, f"{service}_RETRY_SECONDS", 30)
    forget()
    yield server
    forget()


@pytest.fixture
def osrm(osrm_server, settings):
    """The stand-in as the product's router (ROUTER_URL), reset, with a short time-out."""
    yield from standin_as(osrm_server, settings, service="ROUTER", forget=router_reset)


@pytest.fixture(scope="session")
def nominatim_server():
    with NominatimStandin() as server:
        yield server


@pytest.fixture
def nominatim(nominatim_server, settings):
    """The stand-in as the product's geocoder (GEOCODER_URL), reset, with a short time-out."""
    from places.geocoder import geocoder_reset

    yield from standin_as(nominatim_server, settings, service="GEOCODER",
                          forget=geocoder_reset)
