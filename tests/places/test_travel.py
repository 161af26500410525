"""The travel time service (places.travel) against the loopback OSRM stand-in: the router's
answers used and marked, one request for many origins, and the fallback to the estimate when
there is no router or it fails, within the time-out and logged once."""

import logging
import time

import pytest

from core.geo import distance_m
from places.travel import (
    ESTIMATE,
    ROUTER,
    router,
    travel_estimate,
    travel_time,
    travel_times,
    travel_times_from,
    turnout_seconds,
)

from .osrm_standin import standin_route

VASTERAS = (59.6099, 16.5448)  # Stora torget
ESKILSTUNA = (59.3710, 16.5098)


def around(n: int, centre=VASTERAS) -> list[tuple[float, float]]:
    """n points on a small grid north-east of `centre` (a few km)."""
    return [(centre[0] + 0.004 * (i % 10), centre[1] + 0.008 * (i // 10)) for i in range(n)]


def _estimates(origins, profile="ambulance"):
    return [travel_estimate(origin=o, destination=VASTERAS, profile=profile) for o in origins]


# --- the built-in estimate -----------------------------------------------------------------


def test_the_estimate_is_the_straight_line_times_the_detour_over_the_speed(settings):
    settings.ROUTER_URL = ""
    one_km_north = (VASTERAS[0] + 1000 / 111_195, VASTERAS[1])
    time_ = travel_time(origin=one_km_north, destination=VASTERAS, profile="volunteer")
    assert time_.source == ESTIMATE and time_.estimated
    assert time_.metres == 1350
    assert time_.seconds == round(1350 / 3.5)
    assert turnout_seconds("volunteer") == 30 and turnout_seconds("fire_rescue") == 90


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError):
        travel_time(origin=VASTERAS, destination=ESKILSTUNA, profile="rocket")


def test_without_a_router_every_time_is_an_estimate(settings):
    settings.ROUTER_URL = ""
    origins = around(5)
    assert travel_times(origins=origins, destination=VASTERAS, profile="ambulance") == \
        _estimates(origins)


# --- the router ----------------------------------------------------------------------------


def test_the_routers_answers_are_used_and_marked_router(osrm):
    times = travel_times(origins=[ESKILSTUNA], destination=VASTERAS, profile="ambulance")
    seconds, metres = standin_route(ESKILSTUNA, VASTERAS, "driving")
    assert times[0].source == ROUTER and not times[0].estimated
    assert abs(times[0].seconds - seconds) <= 1 and abs(times[0].metres - metres) <= 1
    assert times[0] != _estimates([ESKILSTUNA])[0]


def test_fifty_origins_are_one_request_in_osrms_form(osrm, settings):
    origins = around(50)
    times = travel_times(origins=origins, destination=VASTERAS, profile="volunteer")
    assert len(osrm.requests) == 1
    request = osrm.requests[0]
    assert request["path"].startswith("/table/v1/foot/")
    coords = request["path"].rsplit("/", 1)[1].split(";")
    assert len(coords) == 51 and coords[-1] == "16.544800,59.609900"  # lon,lat
    assert request["query"]["sources"] == [";".join(str(i) for i in range(50))]
    assert request["query"]["destinations"] == ["50"]
    assert request["query"]["annotations"] == ["duration,distance"]
    assert [t.source for t in times] == [ROUTER] * 50
    speed = settings.TRAVEL_PROFILES["volunteer"]["speed_m_s"]  # own_speed: the way only
    expected = [round(standin_route(o, VASTERAS, "foot")[1] / speed) for o in origins]
    assert all(abs(t.seconds - e) <= 1 for t, e in zip(times, expected, strict=True))


def test_more_origins_than_a_request_takes_are_sent_in_chunks_in_order(osrm, settings):
    settings.ROUTER_MAX_PER_CALL = 10  # 9 origins and the destination a request
    origins = around(25)
    times = travel_times(origins=origins, destination=VASTERAS, profile="ambulance")
    assert [len(r["query"]["sources"][0].split(";")) for r in osrm.requests] == [9, 9, 7]
    expected = [round(standin_route(o, VASTERAS, "driving")[0]) for o in origins]
    assert [t.source for t in times] == [ROUTER] * 25
    assert all(abs(t.seconds - e) <= 1 for t, e in zip(times, expected, strict=True))


def test_an_origin_the_router_finds_no_road_from_gets_the_estimate(osrm):
    origins = around(3)
    osrm.unreachable = {(round(origins[1][0], 5), round(origins[1][1], 5))}
    times = travel_times(origins=origins, destination=VASTERAS, profile="ambulance")
    assert [t.source for t in times] == [ROUTER, ESTIMATE, ROUTER]
    assert times[1] == _estimates([origins[1]])[0]


def test_a_profile_without_a_router_profile_is_estimated_without_asking(osrm, settings):
    settings.TRAVEL_PROFILES = {**settings.TRAVEL_PROFILES,
                                "boat": {"speed_m_s": 8.0, "turnout_s": 0}}
    times = travel_times(origins=[ESKILSTUNA], destination=VASTERAS, profile="boat")
    assert times[0].source == ESTIMATE and osrm.requests == []


def test_a_volunteers_router_time_is_the_routers_way_at_their_own_speed(osrm, settings):
    # OSRM's foot profile walks (5 km/h); a volunteer runs or cycles: the router gives the way
    # along the paths, the profile's speed the time, the same speed as the estimate's.
    volunteer = settings.TRAVEL_PROFILES["volunteer"]
    assert volunteer["router_profile"] == "foot" and volunteer["own_speed"]
    routed = travel_time(origin=ESKILSTUNA, destination=VASTERAS, profile="volunteer")
    walked, metres = standin_route(ESKILSTUNA, VASTERAS, "foot")
    assert routed.source == ROUTER and abs(routed.metres - metres) <= 1
    assert abs(routed.seconds - metres / volunteer["speed_m_s"]) <= 1
    assert routed.seconds < walked  # not the router's walking time
    estimate = _estimates([ESKILSTUNA], "volunteer")[0]
    assert abs(routed.seconds - estimate.seconds) / estimate.seconds < 0.2
    assert "walking" not in settings.TRAVEL_PROFILES  # nothing used it


def test_a_helicopter_is_never_routed_and_flies_the_straight_line(osrm, settings):
    times = travel_times(origins=[ESKILSTUNA], destination=VASTERAS, profile="helicopter")
    straight = distance_m(*ESKILSTUNA, *VASTERAS)
    assert osrm.requests == [] and times[0].source == ESTIMATE
    assert abs(times[0].metres - straight) <= 1
    assert abs(times[0].seconds - straight / settings.TRAVEL_PROFILES["helicopter"]["speed_m_s"]) \
        <= 1


def test_inside_a_lock_routed_false_gives_the_estimate_without_asking(osrm):
    times = travel_times(origins=[ESKILSTUNA], destination=VASTERAS, profile="ambulance",
                         routed=False)
    assert osrm.requests == [] and times == _estimates([ESKILSTUNA])


def test_the_time_out_bounds_the_whole_call_and_later_chunks_are_estimated(osrm, settings):
    # Three requests of two origins, each answered after 0.5 s, under a time-out of 0.8 s:
    # the first answers in time; the second has 0.3 s left and fails; the third is never sent.
    settings.ROUTER_MAX_PER_CALL = 3
    settings.ROUTER_TIMEOUT_SECONDS = 0.8
    osrm.mode, osrm.delay = "timeout", 0.5
    origins = around(6)
    times = travel_times(origins=origins, destination=VASTERAS, profile="ambulance")
    assert len(osrm.requests) == 2
    assert [t.source for t in times] == [ROUTER] * 2 + [ESTIMATE] * 4
    assert times[2:] == _estimates(origins[2:])


# --- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["timeout", "500", "garbage", "invalid", "negative", "short"])
def test_a_failing_router_yields_the_estimate_within_the_time_out_logged_once(
    osrm, mode, caplog
):
    osrm.mode, osrm.delay = mode, 5.0
    origins = around(4)
    caplog.set_level(logging.INFO, logger="places.travel")
    started = time.monotonic()
    times = travel_times(origins=origins, destination=VASTERAS, profile="ambulance")
    took = time.monotonic() - started
    assert times == _estimates(origins)
    # The time-out (0.5 s), never the router's 5 s (bounded generously: a shared machine).
    assert took < 4.0
    # Further calls while it is down neither ask nor log again: the breaker is open.
    for _ in range(5):
        assert travel_times(origins=origins, destination=VASTERAS,
                            profile="ambulance") == _estimates(origins)
    assert len(osrm.requests) == 1
    warnings = [r for r in caplog.records if r.name == "places.travel"]
    assert [r.levelno for r in warnings] == [logging.WARNING]


def test_a_refused_connection_yields_the_estimate_at_once(osrm, settings, caplog):
    from tests.live import free_port

    settings.ROUTER_URL = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    caplog.set_level(logging.WARNING, logger="places.travel")
    started = time.monotonic()
    times = travel_times(origins=[ESKILSTUNA], destination=VASTERAS, profile="ambulance")
    assert time.monotonic() - started < 4.0  # not the 0.5 s time-out stacked per retry
    assert times[0].source == ESTIMATE
    assert len([r for r in caplog.records if r.name == "places.travel"]) == 1


def test_the_router_is_asked_again_after_the_retry_time_and_its_return_is_logged(
    osrm, settings, caplog
):
    settings.ROUTER_RETRY_SECONDS = 0.3
    caplog.set_level(logging.INFO, logger="places.travel")
    osrm.mode = "500"
    assert travel_time(origin=ESKILSTUNA, destination=VASTERAS,
                       profile="ambulance").source == ESTIMATE
    assert travel_time(origin=ESKILSTUNA, destination=VASTERAS,
                       profile="ambulance").source == ESTIMATE  # not asked: breaker open
    assert len(osrm.requests) == 1
    router._breaker.retry_at = 0.0  # the retry time has passed (no wall-clock wait)
    assert travel_time(origin=ESKILSTUNA, destination=VASTERAS,
                       profile="ambulance").source == ESTIMATE  # asked, still down
    assert len(osrm.requests) == 2
    osrm.mode = "ok"
    router._breaker.retry_at = 0.0  # the retry time has passed again
    assert travel_time(origin=ESKILSTUNA, destination=VASTERAS,
                       profile="ambulance").source == ROUTER
    logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "places.travel"]
    assert [level for level, _ in logged] == [logging.WARNING, logging.INFO]
    assert "HTTP 500" in logged[0][1] and "answers again" in logged[1][1]


# --- from one origin to many destinations (a scene to the hospitals) ------------------------


def test_from_one_origin_the_router_is_asked_once_in_the_right_direction(osrm):
    destinations = around(5, ESKILSTUNA)
    times = travel_times_from(origin=VASTERAS, destinations=destinations, profile="ambulance")
    [request] = osrm.requests
    assert (request["query"]["sources"], request["query"]["destinations"]) == (["0"],
                                                                               ["1;2;3;4;5"])
    for found, destination in zip(times, destinations, strict=True):
        seconds, metres = standin_route(VASTERAS, destination, "driving")
        assert found.source == ROUTER
        assert abs(found.seconds - seconds) <= 1 and abs(found.metres - metres) <= 1


@pytest.mark.parametrize("mode", ["500", "garbage", "invalid", "negative", "short"])
def test_from_one_origin_a_failing_router_yields_the_estimate(osrm, mode):
    osrm.mode = mode
    destinations = around(3, ESKILSTUNA)
    times = travel_times_from(origin=VASTERAS, destinations=destinations, profile="ambulance")
    assert times == [travel_estimate(origin=VASTERAS, destination=d, profile="ambulance")
                     for d in destinations]
