"""Opening hours of defibrillators and windows of service; distances and the grid that finds
responders near a case."""

import math
from datetime import datetime, time

import pytest

from core import hours
from core.geo import EARTH_RADIUS_M, distance_m
from core.hours import HoursError
from ivpa import geo

# 2026-03-02 is a Monday.
MON, TUE, WED, THU, FRI, SAT, SUN = (datetime(2026, 3, d) for d in range(2, 9))


def at(day: datetime, clock: str) -> datetime:
    hh, mm = (int(x) for x in clock.split(":"))
    return day.replace(hour=hh, minute=mm)


def point_at(lat: float, lon: float, metres: float, bearing: float) -> tuple[float, float]:
    """The point `metres` from (lat, lon) along `bearing` on the sphere core.geo.distance_m uses."""
    p, lam, b = math.radians(lat), math.radians(lon), math.radians(bearing)
    a = metres / EARTH_RADIUS_M
    p2 = math.asin(math.sin(p) * math.cos(a) + math.cos(p) * math.sin(a) * math.cos(b))
    lam2 = lam + math.atan2(math.sin(b) * math.sin(a) * math.cos(p),
                            math.cos(a) - math.sin(p) * math.sin(p2))
    return math.degrees(p2), math.degrees(lam2)


# --- opening hours -------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["24/7", "dygnet runt", "  Dygnet   Runt ", "", "alltid"])
def test_around_the_clock_is_always_open(spec):
    assert hours.parse(spec) is None
    for moment in (at(MON, "00:00"), at(WED, "03:17"), at(SUN, "23:59")):
        assert hours.is_open(spec, moment) is True


WEEKDAYS_AND_SATURDAY = "Mo-Fr 08:00-17:00; Sa 10:00-14:00"


@pytest.mark.parametrize(("moment", "expected"), [
    (at(MON, "08:00"), True),
    (at(MON, "07:59"), False),
    (at(WED, "12:30"), True),
    (at(FRI, "16:59"), True),
    (at(FRI, "17:00"), False),  # the end is not included
    (at(SAT, "10:00"), True),
    (at(SAT, "09:59"), False),
    (at(SAT, "14:00"), False),
    (at(SUN, "12:00"), False),
])
def test_weekday_and_saturday_hours(moment, expected):
    assert hours.is_open(WEEKDAYS_AND_SATURDAY, moment) is expected


def test_rules_are_read_into_days_and_times():
    rules = hours.parse(WEEKDAYS_AND_SATURDAY)
    assert rules == [({0, 1, 2, 3, 4}, time(8), time(17)), ({5}, time(10), time(14))]


@pytest.mark.parametrize(("moment", "expected"), [
    (at(WED, "22:00"), True),
    (at(WED, "23:59"), True),
    (at(THU, "00:30"), True),
    (at(THU, "05:59"), True),
    (at(THU, "06:00"), False),
    (at(THU, "21:59"), False),
    (at(MON, "03:00"), True),  # Sunday night's window, wrapping round the week
])
def test_a_window_past_midnight_every_night(moment, expected):
    assert hours.is_open("Mo-Su 22:00-06:00", moment) is expected


@pytest.mark.parametrize(("moment", "expected"), [
    (at(FRI, "23:00"), True),
    (at(SAT, "01:59"), True),   # Friday night, carried into Saturday
    (at(SAT, "02:00"), False),
    (at(SAT, "23:00"), False),  # Saturday itself has no window
    (at(FRI, "01:00"), False),  # Thursday night has none either
    (at(SUN, "01:00"), False),
])
def test_a_window_past_midnight_belongs_to_the_day_it_starts(moment, expected):
    assert hours.is_open("Fr 22:00-02:00", moment) is expected


def test_a_day_range_may_wrap_round_the_week():
    spec = "Sa-Mo 10:00-12:00"
    assert [hours.is_open(spec, at(day, "11:00")) for day in (MON, TUE, FRI, SAT, SUN)] == [
        True, False, False, True, True]


def test_until_midnight_is_open_in_the_last_minute():
    spec = "Mo-Su 05:00-24:00"  # the demo's central station
    assert hours.is_open(spec, at(TUE, "23:59")) is True
    assert hours.is_open(spec, at(TUE, "04:59")) is False
    assert hours.is_open(spec, at(TUE, "05:00")) is True


def test_a_comma_list_of_days():
    spec = "Sa,Su 10:00-14:00"
    assert hours.is_open(spec, at(SUN, "10:30")) is True
    assert hours.is_open(spec, at(FRI, "10:30")) is False


@pytest.mark.parametrize("spec", [
    "sometimes", "Mo-Fr", "08:00", "Mo-Fr 08:00", "Xx 08:00-17:00", "Mo-Xx 08:00-17:00",
    "Mo-Fr 25:00-26:00", "Mo-Fr 08:60-09:00", "Mo-Fr 08:00-17:00; closed",
    "Mo-Fr 08:00-12:00,13:00-17:00",
])
def test_unreadable_hours_are_refused_never_taken_as_open(spec):
    with pytest.raises(HoursError):
        hours.parse(spec)
    with pytest.raises(HoursError):
        hours.is_open(spec, at(MON, "12:00"))


@pytest.mark.parametrize(("start", "end", "clock", "expected"), [
    (None, None, time(3), True),
    (time(8), time(8), time(3), True),  # an empty window means no limit
    (time(8), time(17), time(8), True),
    (time(8), time(17), time(17), False),
    (time(22), time(6), time(23), True),
    (time(22), time(6), time(5, 59), True),
    (time(22), time(6), time(6), False),
    (time(22), time(6), time(12), False),
])
def test_a_service_window_may_pass_midnight(start, end, clock, expected):
    assert hours.within(start, end, clock) is expected


# --- distances and the grid ----------------------------------------------------------------


def test_stockholm_to_gothenburg_is_about_398_km():
    metres = distance_m(59.3293, 18.0686, 57.7089, 11.9746)
    assert abs(metres - 398_000) <= 2_000


def test_distance_is_zero_to_the_same_point_and_symmetric():
    assert distance_m(59.6099, 16.5448, 59.6099, 16.5448) == 0
    there = distance_m(59.6099, 16.5448, 59.6201, 16.5305)
    back = distance_m(59.6201, 16.5305, 59.6099, 16.5448)
    assert there == pytest.approx(back)
    assert 1_350 < there < 1_450  # olle from Stora torget


def test_one_minute_of_latitude_is_a_nautical_mile():
    assert distance_m(59.0, 16.0, 59.0 + 1 / 60, 16.0) == pytest.approx(1853, abs=3)


# A case placed so that the point 1800 m due north of it lies just across a row of the grid,
# and one 1800 m due east just across a column: where an undersized box misses a cell.
ROW_EDGE = 59.62
COL_EDGE = 16.56
CENTRES = [
    (59.6099, 16.5448),                                       # Stora torget
    (ROW_EDGE - 1799.9 / 111_195, 16.5448),                    # just south of a row edge
    (ROW_EDGE + 1799.9 / 111_195, 16.5448),                    # just north of one
    (59.6099, COL_EDGE - 1799.9 / (111_195 * math.cos(math.radians(59.6099)))),
    (59.6099, COL_EDGE + 1799.9 / (111_195 * math.cos(math.radians(59.6099)))),
    (67.8558, 20.2253),                                       # Kiruna, far north
    (55.6050, 13.0038),                                       # Malmö
]


@pytest.mark.parametrize("centre", CENTRES, ids=[f"{a:.5f},{b:.5f}" for a, b in CENTRES])
@pytest.mark.parametrize("radius", [500, 1800, 5000])
def test_the_cells_covering_a_circle_include_every_point_on_its_edge(centre, radius):
    cells = set(geo.cells_covering(*centre, radius))
    for bearing in range(0, 360, 5):
        edge = point_at(*centre, radius, bearing)
        assert distance_m(*centre, *edge) == pytest.approx(radius, abs=0.01)
        assert geo.cell_of(*edge) in cells, f"bearing {bearing}°: cell of {edge} missing"


def test_a_small_circle_reads_few_cells():
    assert len(geo.cells_covering(59.6099, 16.5448, 1800)) <= 9
    assert len(geo.cells_covering(59.6099, 16.5448, 5000)) <= 36


def test_cells_are_rows_and_columns_of_the_grid():
    here = geo.cell_of(59.6099, 16.5448)
    assert geo.cell_of(59.6099 + geo.CELL_LAT, 16.5448) == here + geo.ROW
    assert geo.cell_of(59.6099, 16.5448 + geo.CELL_LON) == here + 1


def test_coarse_keeps_three_decimals():
    assert geo.coarse(59.612345) == 59.612
    assert geo.coarse(16.547891) == 16.548
