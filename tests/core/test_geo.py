"""The one great-circle distance (core.geo), which first-responder selection and mobile care
coverage both measure with (the grid and travel times: tests/ivpa/test_hours_geo.py)."""

import math

import pytest

from core.geo import EARTH_RADIUS_M, distance_m


def test_stockholm_to_gothenburg_is_about_398_km():
    assert distance_m(59.3293, 18.0686, 57.7089, 11.9746) == pytest.approx(398_000, abs=2_000)


def test_antipodes_are_half_the_circumference_and_do_not_fail():
    assert distance_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_M)
    assert distance_m(59.6099, 16.5448, -59.6099, -163.4552) == pytest.approx(
        math.pi * EARTH_RADIUS_M)
