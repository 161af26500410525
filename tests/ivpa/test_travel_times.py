"""IVPA's estimated times from the travel time service (places.travel): the router's times
where there is one (one request per wave, after the commit), the ambulance's time across region
borders, the before-the-ambulance rule on the estimate, and the accepted volunteer's legs."""

import logging

import pytest
from django.conf import settings
from django.utils import timezone

from core.geo import distance_m
from crews.models import Unit, UnitKind, UnitStatus
from dispatch.models import Assignment, AssignmentStatus
from dispatch.services import case_register
from ivpa import arrivals, services
from ivpa.models import Aed, Callout, CalloutEnd, Responder, ResponderAlert, Route
from ivpa.services import ROUTE_TIMER
from ivpa.streams import IVPA_STREAM
from places.travel import ESTIMATE, ROUTER, travel_estimate, turnout_seconds
from realtime.models import Event
from tests.conftest import case_payload
from tests.places.conftest import osrm, osrm_server  # noqa: F401 (fixtures)
from tests.places.osrm_standin import standin_route
from timers.models import Timer, TimerState
from timers.services import fire_due_timers

from .test_selection import STORA_TORGET, alerted, point_at


def _requests(server, profile: str) -> list[dict]:
    return [r for r in server.requests if r["path"].startswith(f"/table/v1/{profile}/")]


def _volunteer_seconds(metres: float) -> float:
    """A volunteer's time along the router's foot way: at the profile's own speed."""
    return metres / settings.TRAVEL_PROFILES["volunteer"]["speed_m_s"]


def alert_updates(alert_id: int) -> int:
    """How many times the dispatchers were told this alert changed."""
    return Event.objects.filter(stream=IVPA_STREAM, type="alert.updated",
                                data__id=alert_id).count()


def route_timers_fire(capture) -> int:
    """The timer loop's turn: fire the due timers and run what their handlers left for after
    the timer's commit (the router's requests)."""
    with capture(execute=True):
        return fire_due_timers()


def test_a_wave_asks_the_router_once_for_all_its_volunteers_and_marks_their_times(
    osrm, arrest, ivpa, django_capture_on_commit_callbacks  # noqa: F811
):
    with django_capture_on_commit_callbacks(execute=True):
        case = arrest()
    # The registration answered on the estimate, with no router request.
    assert {a.eta_source for a in alerted(case).values()} == {ESTIMATE}
    assert osrm.requests == []
    assert route_timers_fire(django_capture_on_commit_callbacks) >= 1
    volunteers = [a for a in alerted(case).values() if a.kind == "volunteer"]
    assert len(volunteers) == 4
    assert len(_requests(osrm, "foot")) == 1
    for alert in volunteers:
        responder = alert.responder
        _seconds, metres = standin_route((responder.latitude, responder.longitude),
                                         STORA_TORGET, "foot")
        assert alert.eta_source == ROUTER
        assert abs(alert.eta_s - (turnout_seconds("volunteer") + _volunteer_seconds(metres))) <= 1
    callout = Callout.objects.get(case=case)
    assert callout.ambulance_eta_source == ROUTER


def test_without_a_router_the_times_are_estimates_and_say_so(settings, arrest, ivpa, api, demo):
    settings.ROUTER_URL = ""
    case = arrest()
    assert {a.eta_source for a in alerted(case).values()} == {ESTIMATE}
    callout = Callout.objects.get(case=case)
    assert callout.ambulance_eta_source == ESTIMATE
    answer = api(demo.anna).get(f"/api/ivpa/cases/{case.pk}/callout/").json()
    assert answer["ambulance_eta_source"] == ESTIMATE
    summary = api(demo.anna).get("/api/ivpa/callouts/").json()[0]
    assert summary["ambulance_eta_source"] == ESTIMATE
    assert {a["eta_source"] for a in summary["alerts"]} == {ESTIMATE}


def _kvicksund_case(demo):
    data = case_payload(demo.srm, municipality="Eskilstuna", address="Kvicksund",
                        latitude=59.4530, longitude=16.3220)
    data["region"] = demo.srm
    return case_register(by=demo.anna, **data)


def _nearest_available_ambulance(case) -> Unit:
    return min(Unit.objects.filter(kind__in=arrivals.AMBULANCE_KINDS,
                                   status=UnitStatus.AVAILABLE),
               key=lambda u: distance_m(case.latitude, case.longitude, u.latitude, u.longitude))


def test_the_ambulance_eta_crosses_the_region_border(osrm, demo):  # noqa: F811
    # A case in Region Sörmland (Kvicksund, Eskilstuna municipality) while Eskilstuna's
    # ambulances are out: the nearest available one is Västmanland's (Köping or Västerås,
    # about 21 km), not Sörmland's next (Katrineholm, about 52 km). The helicopter is out too
    # (it is never routed by road).
    Unit.objects.filter(call_sign__in=["AMB 4010", "AMB 4020", "HKP 3900"]).update(
        status=UnitStatus.EN_ROUTE)
    case = _kvicksund_case(demo)
    assert case.region == demo.srm
    nearest = _nearest_available_ambulance(case)
    assert nearest.region == demo.vml
    osrm.requests.clear()
    eta = arrivals.ambulance_eta(case)
    seconds, _ = standin_route((nearest.latitude, nearest.longitude),
                               (case.latitude, case.longitude), "driving")
    assert eta.source == ROUTER
    assert abs(eta.seconds - (turnout_seconds("ambulance") + seconds)) <= 1
    assert len(osrm.requests) == 1  # the nearest ambulances of every region in one request
    assert len(osrm.requests[0]["query"]["sources"][0].split(";")) == 10


def test_the_ambulance_eta_without_a_router_is_the_estimate_across_the_border(
    settings, demo
):
    settings.ROUTER_URL = ""
    Unit.objects.filter(call_sign__in=["AMB 4010", "AMB 4020"]).update(
        status=UnitStatus.EN_ROUTE)
    case = _kvicksund_case(demo)
    nearest = _nearest_available_ambulance(case)
    eta = arrivals.ambulance_eta(case)
    assert eta.source == ESTIMATE
    assert eta.seconds == turnout_seconds("ambulance") + travel_estimate(
        origin=(nearest.latitude, nearest.longitude),
        destination=(case.latitude, case.longitude), profile="ambulance").seconds


def _fire_nine_km_south_and_ambulances_ten_km_north():
    """Where the router and the estimate disagree: the router (the stand-in: both at
    12.5 m/s) has the fire unit first, the estimate (fire 14 m/s, ambulance 16 m/s) the
    ambulance."""
    north = point_at(*STORA_TORGET, 10_000, 0)
    south = point_at(*STORA_TORGET, 9_000, 180)
    Unit.objects.filter(region__code="VML").update(latitude=north[0], longitude=north[1])
    Responder.objects.filter(user__username="rtj2110").update(
        latitude=None, longitude=None, position_at=None,
        station_latitude=south[0], station_longitude=south[1])


@pytest.mark.parametrize("routed", [True, False])
def test_the_before_the_ambulance_rule_decides_on_the_estimate_the_router_refines_after(
    routed, request, settings, arrest, ivpa, django_capture_on_commit_callbacks
):
    # The decision is made in the registration's transaction, where the router is never
    # asked: both sides are the estimate, router or not; the router's times come after.
    if routed:
        request.getfixturevalue("osrm")
    else:
        settings.ROUTER_URL = ""
    _fire_nine_km_south_and_ambulances_ten_km_north()
    with django_capture_on_commit_callbacks(execute=True):
        case = arrest(case_type="choking", complaint="Sätter i halsen")
    route_timers_fire(django_capture_on_commit_callbacks)
    callout = Callout.objects.get(case=case)
    assert alerted(case).get("rtj2110") is None
    assert callout.ambulance_eta_source == (ROUTER if routed else ESTIMATE)


def test_the_accepted_alert_gets_its_legs_from_the_router_after_the_answer(
    osrm, arrest, ivpa, api, django_capture_on_commit_callbacks  # noqa: F811
):
    Aed.objects.update(opening_hours="24/7")
    case = arrest()
    alert = ResponderAlert.objects.get(callout__case=case, responder=ivpa.lars)
    client = api(ivpa.lars.user)
    assert client.get(f"/api/ivpa/alerts/{alert.pk}/").json()["legs"] == []
    Timer.objects.filter(kind=ROUTE_TIMER).delete()
    osrm.requests.clear()
    answer = client.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json").json()
    # The answer is the estimate's, with no router request; a due timer asks the router.
    assert answer["route"] == Route.AED and osrm.requests == []
    assert {leg["source"] for leg in answer["legs"]} == {ESTIMATE}
    assert route_timers_fire(django_capture_on_commit_callbacks) == 1
    assert alert_updates(alert.pk) == 2  # the accept's, then the router's legs
    answer = client.get(f"/api/ivpa/alerts/{alert.pk}/").json()
    legs = answer["legs"]
    assert [(leg["from"], leg["to"]) for leg in legs] == [("responder", "aed"),
                                                          ("aed", "patient")]
    lars = Responder.objects.get(pk=ivpa.lars.pk)
    aed = answer["destination"]["aed"]
    first = standin_route((lars.latitude, lars.longitude), (aed["latitude"], aed["longitude"]),
                          "foot")
    second = standin_route((aed["latitude"], aed["longitude"]), STORA_TORGET, "foot")
    for leg, (_seconds, metres) in zip(legs, [first, second], strict=True):
        assert leg["source"] == ROUTER
        assert abs(leg["seconds"] - _volunteer_seconds(metres)) <= 1
        assert abs(leg["metres"] - metres) <= 1
        assert isinstance(leg["seconds"], int) and isinstance(leg["metres"], int)
    assert answer["eta_s"] == turnout_seconds("volunteer") + 60 + sum(
        leg["seconds"] for leg in legs)
    assert answer["eta_source"] == ROUTER


def test_a_direct_route_has_one_leg_and_an_estimate_says_so(settings, arrest, ivpa, api):
    settings.ROUTER_URL = ""
    Aed.objects.update(active=False)
    case = arrest()
    alert = ResponderAlert.objects.get(callout__case=case, responder=ivpa.eva)
    answer = api(ivpa.eva.user).post(f"/api/ivpa/alerts/{alert.pk}/accept/", {},
                                     format="json").json()
    assert answer["route"] == Route.DIRECT
    assert [(leg["from"], leg["to"], leg["source"]) for leg in answer["legs"]] == [
        ("responder", "patient", ESTIMATE)]
    assert answer["eta_source"] == ESTIMATE
    assert timezone.now()  # the answer came without a router at all


# --- the ambulance's time: only ambulances, a helicopter by air -----------------------------


def _assign(case, call_sign: str, status: str, demo):
    unit = Unit.objects.get(call_sign=call_sign)
    now = timezone.now()
    return Assignment.objects.create(case=case, unit=unit, status=status, alerted_at=now,
                                     status_changed_at=now, created_by=demo.anna)


def test_a_supervisor_on_scene_does_not_make_the_ambulance_eta_zero(settings, demo, new_case):
    settings.ROUTER_URL = ""
    case = new_case(municipality="Västerås")
    Unit.objects.filter(call_sign="MVE 1500").update(kind=UnitKind.SUPERVISOR)
    _assign(case, "MVE 1500", AssignmentStatus.ON_SCENE, demo)
    eta = arrivals.ambulance_eta(case)
    assert eta is not None and eta.seconds > 0 and eta.source == ESTIMATE
    _assign(case, "AMB 1010", AssignmentStatus.ON_SCENE, demo)
    assert arrivals.ambulance_eta(case) == arrivals.Eta(0, "")


def test_an_ambulance_on_the_case_without_a_position_falls_back_to_the_nearest(
    settings, demo, new_case
):
    settings.ROUTER_URL = ""
    case = new_case(municipality="Västerås")
    Unit.objects.filter(call_sign="AMB 1010").update(latitude=None, longitude=None)
    _assign(case, "AMB 1010", AssignmentStatus.EN_ROUTE, demo)
    eta = arrivals.ambulance_eta(case)
    assert eta is not None and eta.source == ESTIMATE


def test_a_helicopter_is_not_routed_by_road_but_flies_the_straight_line(osrm, demo, new_case):  # noqa: F811
    case = new_case(municipality="Västerås")
    Unit.objects.exclude(call_sign="HKP 3900").update(status=UnitStatus.EN_ROUTE)
    helicopter = Unit.objects.get(call_sign="HKP 3900")
    osrm.requests.clear()
    eta = arrivals.ambulance_eta(case)
    straight = distance_m(helicopter.latitude, helicopter.longitude, case.latitude,
                          case.longitude)
    assert osrm.requests == []
    assert eta.source == ESTIMATE
    speed = settings.TRAVEL_PROFILES["helicopter"]["speed_m_s"]
    assert abs(eta.seconds - (turnout_seconds("helicopter") + straight / speed)) <= 1


# --- the refinement after the commit touches only live alerts, once -------------------------


def test_an_alert_declined_before_the_router_answers_keeps_its_time_and_is_not_announced(
    osrm, arrest, ivpa, django_capture_on_commit_callbacks  # noqa: F811
):
    case = arrest()
    alert = ResponderAlert.objects.get(callout__case=case, responder=ivpa.lars)
    services.alert_decline(alert=alert, by=ivpa.lars.user)
    announced = alert_updates(alert.pk)
    route_timers_fire(django_capture_on_commit_callbacks)
    declined = ResponderAlert.objects.get(pk=alert.pk)
    assert (declined.eta_s, declined.eta_source) == (alert.eta_s, ESTIMATE)
    assert alert_updates(alert.pk) == announced
    # The others, still alerted, got the router's times.
    assert ResponderAlert.objects.filter(callout__case=case, eta_source=ROUTER).exists()


def test_a_callout_ended_before_the_router_answers_is_left_as_it_was(
    osrm, arrest, ivpa, django_capture_on_commit_callbacks  # noqa: F811
):
    case = arrest()
    callout = Callout.objects.get(case=case)
    services.callout_end(callout=callout, reason=CalloutEnd.CANCELLED)
    events = Event.objects.count()
    route_timers_fire(django_capture_on_commit_callbacks)
    assert set(ResponderAlert.objects.filter(callout=callout)
               .values_list("eta_source", flat=True)) == {ESTIMATE}
    assert Callout.objects.get(pk=callout.pk).ambulance_eta_source == ESTIMATE
    assert Event.objects.count() == events


def test_alerts_the_router_already_timed_are_not_announced_again(osrm, arrest, ivpa):  # noqa: F811
    case = arrest()
    callout = Callout.objects.get(case=case)
    timer = Timer.objects.get(kind=ROUTE_TIMER, key__startswith=f"{callout.pk}.")
    work = {"callout_id": timer.payload["callout"], "rows": timer.payload["rows"],
            "ambulance": timer.payload["ambulance"]}
    services.alert_times_route(**work)
    events = Event.objects.count()
    assert ResponderAlert.objects.filter(callout__case=case, eta_source=ROUTER).exists()
    services.alert_times_route(**work)
    assert Event.objects.count() == events


def test_a_router_failing_after_the_commit_leaves_the_estimates_and_says_so_once(
    osrm, arrest, ivpa, caplog, django_capture_on_commit_callbacks  # noqa: F811
):
    case = arrest()
    before = {a.pk: (a.eta_s, a.eta_source) for a in ResponderAlert.objects.filter(
        callout__case=case)}
    assert len({kind for kind in ResponderAlert.objects.filter(callout__case=case)
                .values_list("kind", flat=True)}) >= 2  # more than one router request asked
    osrm.mode = "500"
    events = Event.objects.count()
    with caplog.at_level(logging.WARNING):
        route_timers_fire(django_capture_on_commit_callbacks)
    after = {a.pk: (a.eta_s, a.eta_source) for a in ResponderAlert.objects.filter(
        callout__case=case)}
    assert after == before
    assert Callout.objects.get(case=case).ambulance_eta_source == ESTIMATE
    assert Event.objects.count() == events
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1
    assert Timer.objects.get(kind=ROUTE_TIMER).state == TimerState.FIRED
