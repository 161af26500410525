"""The station table (seed 004) against a small world computed by hand.

The period is Monday 2 and Tuesday 3 March 2026 (CET, UTC+1): [2 March 00:00, 4 March 00:00),
172,800 s. Times below are Stockholm's. Response = call answered → first unit on scene.

| case | priority at dispatch | answered | first on scene (unit) | response |
|---|---|---|---|---|
| C1 | 1A | 2/3 08:00 | 08:10 AMB 1010 (AMB 1110 08:12 is second) | 600 |
| C2 | 1A (now 2A) | its call 09:59:30 (case says 10:00) | 10:14:30 AMB 1020 | 900 |
| C3 | 2A (no first alert priority) | 12:00 | 12:20 AMB 1010 | 1200 |
| C4 | 1B | 14:00 | 14:08 AMB 1110 (MVE 1500 at 14:05 left out) | 480 |
| C5 | 1A | 16:00 | 16:12 AMB 1020 (AMB 1010 cancelled 16:03) | 720 |
| C6 | 2B | 18:00 | none (AMB 1110 cancelled): left out | – |
| C7 | 1A | 20:00 | 20:09 AMB 1020 and AMB 1010: a tie, the lower id (AMB 1020) | 540 |
| C8 | 1A | 1/3 23:29 | registered 1/3 23:30, before the period: left out | – |
| C9 | 3 | 3/3 23:39 | 23:50 AMB 1110 | 660 |
| C10 | 1B | 3/3 21:58 | 22:20 IVA 1090 (still on scene) | 1320 |
| C11 | 2A | 2/3 10:00 | 10:30 AMB 3010 (Uppsala, region UPP) | 1800 |

Västerås all: 540 600 720 900 1200 1320 → mean 880, median (720+900)/2 = 810, p90 at
0.9·5 = 4.5: 1200 + 0.5·120 = 1260. 1A: 540 600 720 900 → mean 690, median 660, p90 at 2.7:
720 + 0.7·180 = 846. Sala all: 480 660 → mean 570, median 570, p90 480 + 0.9·180 = 642.

Active (alerted → free, inside the period): AMB 1010: 3540 (C1) + 3300 (C3) + 120 (C5,
cancelled) + 1740 (C7) + 1800 (C8 from 00:00 to 00:30) = 10,500. AMB 1020: 3540 + 3420 + 2940
= 9,900. IVA 1090: 22:00 → 24:00 = 7,200 (still active). AMB 1110: 1680 + 3540 + 600 (C6,
cancelled) + 1140 (C9 until 24:00) = 6,960. Standby = 172,800 − active per unit.
"""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from crews.models import Station
from dispatch.models import Assignment, AssignmentStatus, Call, Case
from followup.stations import station_table
from followup.stations.table import (
    GROUPINGS,
    _first_on_scene,
    _response_aggregates,
    _responses,
    period_bounds,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PERIOD = {"start": date(2026, 3, 2), "end": date(2026, 3, 3)}
URL = "/api/followup/stations/"
NONE = {"count": 0, "mean": None, "median": None, "p90": None}


def at(day: int, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(2026, 3, day, hh, mm, ss, tzinfo=STOCKHOLM)


def figures(count, mean, median, p90) -> dict:
    return {"count": count, "mean": mean, "median": median, "p90": p90}


def case_make(demo, *, answered, priority, first_alert_priority="", registered=None,
              call_answered=None, region=None):
    call = None
    if call_answered is not None:
        call = Call.objects.create(call_id=f"call-{answered.isoformat()}",
                                   queued_at=call_answered, answered_at=call_answered)
    return Case.objects.create(
        region=region or demo.vml, caller_number="+46701234567", address="Stora torget 1",
        latitude=59.61, longitude=16.54, complaint="Bröstsmärta", mbs_priority=priority,
        priority=priority, first_alert_priority=first_alert_priority,
        call_received_at=answered, call_answered_at=answered,
        registered_at=registered or answered, call=call, created_by=demo.anna)


def assign(demo, case, unit, *, alerted, on_scene=None, available=None, cancelled=None):
    status = (AssignmentStatus.AVAILABLE if available else AssignmentStatus.CANCELLED
              if cancelled else AssignmentStatus.ON_SCENE)
    return Assignment.objects.create(
        case=case, unit=unit, status=status, alerted_at=alerted, on_scene_at=on_scene,
        available_at=available, cancelled_at=cancelled,
        status_changed_at=available or cancelled or on_scene or alerted, created_by=demo.anna)


@pytest.fixture
def world(demo):
    u = demo.units
    amb1010, amb1020, iva, sala, mve = (u["AMB 1010"], u["AMB 1020"], u["IVA 1090"],
                                        u["AMB 1110"], u["MVE 1500"])
    c1 = case_make(demo, answered=at(2, 8, 0), registered=at(2, 8, 1), priority="1A",
                   first_alert_priority="1A")
    assign(demo, c1, amb1010, alerted=at(2, 8, 1), on_scene=at(2, 8, 10), available=at(2, 9, 0))
    assign(demo, c1, sala, alerted=at(2, 8, 2), on_scene=at(2, 8, 12), available=at(2, 8, 30))
    c2 = case_make(demo, answered=at(2, 10, 0), call_answered=at(2, 9, 59, 30), priority="2A",
                   first_alert_priority="1A")
    assign(demo, c2, amb1020, alerted=at(2, 10, 1), on_scene=at(2, 10, 14, 30),
           available=at(2, 11, 0))
    c3 = case_make(demo, answered=at(2, 12, 0), priority="2A")
    assign(demo, c3, amb1010, alerted=at(2, 12, 5), on_scene=at(2, 12, 20),
           available=at(2, 13, 0))
    c4 = case_make(demo, answered=at(2, 14, 0), priority="1B", first_alert_priority="1B")
    assign(demo, c4, mve, alerted=at(2, 14, 1), on_scene=at(2, 14, 5), available=at(2, 14, 30))
    assign(demo, c4, sala, alerted=at(2, 14, 1), on_scene=at(2, 14, 8), available=at(2, 15, 0))
    c5 = case_make(demo, answered=at(2, 16, 0), priority="1A", first_alert_priority="1A")
    assign(demo, c5, amb1010, alerted=at(2, 16, 1), cancelled=at(2, 16, 3))
    assign(demo, c5, amb1020, alerted=at(2, 16, 3), on_scene=at(2, 16, 12),
           available=at(2, 17, 0))
    c6 = case_make(demo, answered=at(2, 18, 0), priority="2B", first_alert_priority="2B")
    assign(demo, c6, sala, alerted=at(2, 18, 10), cancelled=at(2, 18, 20))
    c7 = case_make(demo, answered=at(2, 20, 0), priority="1A", first_alert_priority="1A")
    tie = assign(demo, c7, amb1020, alerted=at(2, 20, 1), on_scene=at(2, 20, 9),
                 available=at(2, 20, 50))
    other = assign(demo, c7, amb1010, alerted=at(2, 20, 1), on_scene=at(2, 20, 9),
                   available=at(2, 20, 30))
    assert tie.pk < other.pk
    c8 = case_make(demo, answered=at(1, 23, 29), registered=at(1, 23, 30), priority="1A",
                   first_alert_priority="1A")
    assign(demo, c8, amb1010, alerted=at(1, 23, 31), on_scene=at(1, 23, 45),
           available=at(2, 0, 30))
    c9 = case_make(demo, answered=at(3, 23, 39), registered=at(3, 23, 40), priority="3",
                   first_alert_priority="3")
    assign(demo, c9, sala, alerted=at(3, 23, 41), on_scene=at(3, 23, 50),
           available=at(4, 0, 20))
    c10 = case_make(demo, answered=at(3, 21, 58), registered=at(3, 21, 59), priority="1B",
                    first_alert_priority="1B")
    assign(demo, c10, iva, alerted=at(3, 22, 0), on_scene=at(3, 22, 20))
    c11 = case_make(demo, answered=at(2, 10, 0), priority="2A", first_alert_priority="2A",
                    region=demo.upp)
    assign(demo, c11, u["AMB 3010"], alerted=at(2, 10, 5), on_scene=at(2, 10, 30),
           available=at(2, 11, 5))
    return demo


def station_of(table, name):
    return next(s for s in table["stations"] if s["name"] == name)


def unit_of(station, call_sign):
    return next(u for u in station["unit_rows"] if u["call_sign"] == call_sign)


def test_response_times_per_station_by_priority_equal_the_hand_computed_figures(world):
    table = station_table(**PERIOD)
    assert table["no_data"] is False
    assert table["priorities"] == ["1A", "1B", "2A", "2B", "3"]
    vasteras = station_of(table, "Västerås")["response"]
    assert vasteras == {
        "all": figures(6, 880.0, 810.0, 1260.0), "1A": figures(4, 690.0, 660.0, 846.0),
        "1B": figures(1, 1320.0, 1320.0, 1320.0), "2A": figures(1, 1200.0, 1200.0, 1200.0),
        "2B": NONE, "3": NONE}
    assert station_of(table, "Sala")["response"] == {
        "all": figures(2, 570.0, 570.0, 642.0), "1A": NONE,
        "1B": figures(1, 480.0, 480.0, 480.0), "2A": NONE, "2B": NONE,
        "3": figures(1, 660.0, 660.0, 660.0)}
    assert station_of(table, "Uppsala")["response"]["2A"] == figures(1, 1800.0, 1800.0, 1800.0)


def test_response_times_per_unit_count_only_the_first_unit_on_scene(world):
    vasteras = station_of(station_table(**PERIOD), "Västerås")
    assert unit_of(vasteras, "AMB 1010")["response"]["all"] == figures(2, 900.0, 900.0, 1140.0)
    assert unit_of(vasteras, "AMB 1010")["response"]["1A"] == figures(1, 600.0, 600.0, 600.0)
    # C7's tie goes to the lower id (AMB 1020); C5's cancelled AMB 1010 never arrived.
    assert unit_of(vasteras, "AMB 1020")["response"]["all"] == figures(3, 720.0, 720.0, 864.0)
    assert unit_of(vasteras, "IVA 1090")["response"]["1B"] == figures(
        1, 1320.0, 1320.0, 1320.0)


def test_active_and_standby_time_are_clipped_to_the_period(world):
    table = station_table(**PERIOD)
    vasteras = station_of(table, "Västerås")
    assert [(u["call_sign"], u["assignments"], u["active_s"], u["standby_s"], u["utilisation"])
            for u in vasteras["unit_rows"]] == [
        ("AMB 1010", 4, 10500.0, 162300.0, 0.0608),
        ("AMB 1020", 3, 9900.0, 162900.0, 0.0573),
        ("IVA 1090", 1, 7200.0, 165600.0, 0.0417)]
    assert (vasteras["units"], vasteras["assignments"], vasteras["active_s"],
            vasteras["standby_s"], vasteras["utilisation"]) == (3, 8, 27600.0, 490800.0, 0.0532)
    sala = station_of(table, "Sala")
    assert (sala["units"], sala["assignments"], sala["active_s"], sala["standby_s"],
            sala["utilisation"]) == (1, 4, 6960.0, 165840.0, 0.0403)


def test_mobile_care_units_are_left_out(world):
    vasteras = station_of(station_table(**PERIOD), "Västerås")
    assert "MVE 1500" not in [u["call_sign"] for u in vasteras["unit_rows"]]


def test_a_station_without_records_in_the_period_shows_no_data(world):
    koping = station_of(station_table(**PERIOD), "Köping")
    assert koping["units"] == 1
    assert koping["response"]["all"] == NONE
    assert (koping["active_s"], koping["standby_s"], koping["utilisation"]) == (None,) * 3
    assert unit_of(koping, "AMB 1210")["active_s"] is None


def test_a_period_without_data_gives_every_station_count_0_and_null_figures(world):
    table = station_table(start=date(2025, 1, 1), end=date(2025, 1, 31))
    assert table["no_data"] is True
    assert len(table["stations"]) == Station.objects.count()
    for station in table["stations"]:
        assert all(v == NONE for v in station["response"].values())
        assert (station["active_s"], station["standby_s"], station["utilisation"]) == (None,) * 3
        assert station["assignments"] == 0


def test_a_region_shows_only_its_stations(world):
    table = station_table(**PERIOD, region=world.vml)
    assert [s["name"] for s in table["stations"]] == ["Köping", "Sala", "Västerås"]


def test_an_assignment_still_running_counts_up_to_now(world, clock):
    clock.now = at(3, 23, 0)  # IVA 1090 on scene since 22:00: one hour so far
    vasteras = station_of(station_table(**PERIOD), "Västerås")
    iva = unit_of(vasteras, "IVA 1090")
    elapsed = 172800 - 3600  # the period is on standby only until now
    assert (iva["active_s"], iva["standby_s"]) == (3600.0, elapsed - 3600.0)


def test_the_day_summer_time_begins_has_23_hours(demo):
    case = case_make(demo, answered=datetime(2026, 3, 29, 10, 0, tzinfo=STOCKHOLM), priority="1A")
    assign(demo, case, demo.amb1010, alerted=datetime(2026, 3, 29, 10, 1, tzinfo=STOCKHOLM),
           available=datetime(2026, 3, 29, 11, 1, tzinfo=STOCKHOLM))
    day = date(2026, 3, 29)
    amb = unit_of(station_of(station_table(start=day, end=day), "Västerås"), "AMB 1010")
    assert (amb["active_s"], amb["standby_s"]) == (3600.0, 23 * 3600.0 - 3600.0)


def test_the_four_groupings_in_one_statement_equal_four_orm_queries(world):
    """The table groups the first units on scene four ways in one statement (GROUPING SETS on
    PostgreSQL, a materialised CTE on SQLite); four plain ORM queries give the same."""
    firsts = _first_on_scene(*period_bounds(PERIOD["start"], PERIOD["end"]), None)
    four = {tuple(row.get(k) for k in ("unit__home_station", "unit", "_priority")):
            (row["n"], row["mean"], row["percentiles"])
            for grouping in GROUPINGS
            for row in firsts.order_by().values(*grouping).annotate(**_response_aggregates())}
    # Stations 3, stations × priorities 3 + 2 + 1, units 5, units × priorities 2+1+1+2+1.
    assert len(four) == 3 + 6 + 5 + 7
    assert {key: (row["n"], row["mean"], row["percentiles"])
            for key, row in _responses(firsts).items()} == four


def test_a_redirected_assignment_ends_when_redirected_and_one_without_an_end_at_its_status(
        demo):
    day = date(2026, 3, 10)

    def on(hh, mm):
        return datetime(2026, 3, 10, hh, mm, tzinfo=STOCKHOLM)

    first = case_make(demo, answered=on(9, 0), priority="2A")
    redirected = Assignment.objects.create(
        case=first, unit=demo.amb1010, status=AssignmentStatus.REDIRECTED, alerted_at=on(9, 1),
        redirected_at=on(9, 21), status_changed_at=on(9, 21), created_by=demo.anna)
    second = case_make(demo, answered=on(9, 20), priority="1A")
    assign(demo, second, demo.amb1010, alerted=on(9, 21), on_scene=on(9, 30),
           available=on(10, 21))
    imported = case_make(demo, answered=on(12, 0), priority="3")
    Assignment.objects.create(  # an import that says "available" without the time
        case=imported, unit=demo.amb1020, status=AssignmentStatus.AVAILABLE,
        alerted_at=on(12, 0), status_changed_at=on(12, 45), created_by=demo.anna)
    vasteras = station_of(station_table(start=day, end=day), "Västerås")
    assert redirected.redirected_at == on(9, 21)
    assert unit_of(vasteras, "AMB 1010")["active_s"] == 20 * 60 + 60 * 60
    assert unit_of(vasteras, "AMB 1010")["assignments"] == 2
    assert unit_of(vasteras, "AMB 1020")["active_s"] == 45 * 60
    assert vasteras["response"]["1A"] == figures(1, 600.0, 600.0, 600.0)


# The API: the period in the query, refusals in words, the downloads.

def test_the_api_answers_the_table(world, api):
    answer = api(world.greta).get(URL, {"from": "2026-03-02", "to": "2026-03-03",
                                        "region": world.vml.pk})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["from"], body["to"]) == ("2026-03-02", "2026-03-03")
    assert station_of(body, "Västerås")["response"]["1A"] == figures(4, 690.0, 660.0, 846.0)


@pytest.mark.parametrize(("query", "words"), [
    ({}, "from=YYYY-MM-DD"),
    ({"from": "2026-03-02"}, "from=YYYY-MM-DD"),
    ({"from": "2026-02-30", "to": "2026-03-03"}, "from=YYYY-MM-DD"),
    ({"from": "yesterday", "to": "2026-03-03"}, "from=YYYY-MM-DD"),
    ({"from": "2026-03-04", "to": "2026-03-03"}, "swap the two dates"),
    ({"from": "2023-03-03", "to": "2026-03-03"}, "at most three years"),
    ({"from": "2026-03-02", "to": "2026-03-03", "region": "VML"}, "Unknown region"),
    ({"from": "2026-03-02", "to": "2026-03-03", "region": "999999"}, "Unknown region"),
    ({"from": "2026-03-02", "to": "2026-03-03", "format": "pdf"}, "format=csv"),
])
def test_bad_input_is_refused_in_words(demo, api, query, words):
    answer = api(demo.anna).get(URL, query)
    assert answer.status_code == 400
    assert words in answer.json()["detail"]


def test_three_years_to_the_day_is_allowed(demo, api):
    answer = api(demo.anna).get(URL, {"from": "2023-03-04", "to": "2026-03-03"})
    assert answer.status_code == 200


def test_the_csv_has_a_row_per_station_unit_and_priority(world, api):
    answer = api(world.greta).get(URL, {"from": "2026-03-02", "to": "2026-03-03",
                                        "region": world.vml.pk, "format": "csv"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert 'filename="stations-2026-03-02-2026-03-03.csv"' in answer["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Region", "Station", "Unit", "Priority at dispatch",
                       "Cases with a unit on scene",
                       "Mean response time (s)", "Median response time (s)",
                       "90th percentile response time (s)", "Active time (s)",
                       "Standby time (s)", "Utilisation (0–1)"]
    # Köping (1 unit), Sala (1 unit), Västerås (3 units): (station + units) × 6 priorities.
    assert len(rows) == 1 + (2 + 2 + 4) * 6
    assert ["Region Västmanland", "Västerås", "All units", "1A", "4", "690.0", "660.0",
            "846.0", "27600.0", "490800.0", "0.0532"] in rows
    assert ["Region Västmanland", "Västerås", "AMB 1020", "All priorities", "3", "720.0",
            "720.0", "864.0", "9900.0", "162900.0", "0.0573"] in rows
    assert ["Region Västmanland", "Köping", "All units", "All priorities", "0", "", "", "",
            "", "", ""] in rows


def test_the_xlsx_holds_the_same_figures_as_numbers(world, api):
    answer = api(world.anna).get(URL, {"from": "2026-03-02", "to": "2026-03-03",
                                       "format": "xlsx"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0:4] == ["Region", "Station", "Unit", "Priority at dispatch"]
    assert ["Region Västmanland", "Sala", "AMB 1110", "3", 1, 660.0, 660.0, 660.0, 6960.0,
            165840.0, 0.0403] in rows


@override_settings(LANGUAGE_CODE="sv")
def test_the_download_speaks_swedish_by_default(world, api):
    answer = api(world.greta).get(URL, {"from": "2026-03-02", "to": "2026-03-03",
                                        "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith(
        "Region,Station,Enhet,Prioritet vid larm,Ärenden med enhet på plats,")
    assert any(",Alla enheter,Alla prioriteter," in line for line in lines)
