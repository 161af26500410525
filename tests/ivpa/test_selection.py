"""Who a callout alerts: volunteers within the radius, nearest first, never twice, never the
busy, unavailable, untrained or capped; only in a connected municipality, for its case types,
priorities and hours; the fire/rescue unit in parallel for a cardiac arrest, else only when it
is there before the ambulance."""

import math
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.errors import Conflict
from core.geo import EARTH_RADIUS_M
from crews.models import Unit
from ivpa import geo, selectors, services
from ivpa.models import Approval, Callout, Responder, ResponderAlert, ResponderKind
from timers.models import Timer, TimerState

STORA_TORGET = (59.6099, 16.5448)


def point_at(lat: float, lon: float, metres: float, bearing: float) -> tuple[float, float]:
    """The point `metres` from (lat, lon) along `bearing` on the sphere core.geo.distance_m uses."""
    p, lam, b = math.radians(lat), math.radians(lon), math.radians(bearing)
    a = metres / EARTH_RADIUS_M
    p2 = math.asin(math.sin(p) * math.cos(a) + math.cos(p) * math.sin(a) * math.cos(b))
    lam2 = lam + math.atan2(math.sin(b) * math.sin(a) * math.cos(p),
                            math.cos(a) - math.sin(p) * math.sin(p2))
    return math.degrees(p2), math.degrees(lam2)


def place(responder: Responder, lat: float, lon: float, **fields) -> Responder:
    """Put an available responder at an exact spot, as the phone's last report would."""
    values = {"available": True, "latitude": lat, "longitude": lon,
              "position_at": timezone.now(), "cell": geo.cell_of(lat, lon), **fields}
    Responder.objects.filter(pk=responder.pk).update(**values)
    responder.refresh_from_db()
    return responder


def unavailable(*responders: Responder) -> None:
    for responder in responders:
        services.responder_update(responder=responder, available=False)


def alerted(case) -> dict[str, ResponderAlert]:
    """The case's alerts by user name."""
    return {a.responder.user.username: a
            for a in ResponderAlert.objects.filter(callout__case=case)
            .select_related("responder__user")}


def volunteers_alerted(case) -> set[str]:
    return {name for name, a in alerted(case).items() if a.kind == ResponderKind.VOLUNTEER}


def local_window(start_h: float, end_h: float):
    """A window of local times from `start_h` to `end_h` hours from now (may pass midnight)."""
    local = timezone.localtime(timezone.now())
    return ((local + timedelta(hours=start_h)).time().replace(second=0, microsecond=0),
            (local + timedelta(hours=end_h)).time().replace(second=0, microsecond=0))


# --- the radius ----------------------------------------------------------------------------


@pytest.mark.parametrize("bearing", [0, 90, 180, 270, 45, 225])
def test_a_volunteer_just_inside_the_radius_is_alerted_and_one_just_outside_is_not(
    arrest, ivpa, bearing
):
    unavailable(ivpa.nils, ivpa.olle)
    place(ivpa.lars, *point_at(*STORA_TORGET, 1799, bearing))
    place(ivpa.eva, *point_at(*STORA_TORGET, 1801, bearing + 10))
    assert ivpa.vasteras.radius_m == 1800
    case = arrest()
    names = alerted(case)
    assert volunteers_alerted(case) == {"lars"}
    assert names["lars"].distance_m in (1798, 1799)
    assert Callout.objects.get(case=case).radius_m == 1800


def test_a_volunteer_just_inside_the_radius_across_a_grid_cell_edge_is_alerted(arrest, ivpa):
    # The case sits so that 1799 m due north is just across a row of the grid (59.62° N):
    # the search box must reach into that row.
    case_lat = 59.62 - math.degrees(1798.8 / EARTH_RADIUS_M)
    unavailable(ivpa.eva, ivpa.nils, ivpa.olle)
    lat, lon = point_at(case_lat, 16.5448, 1799, 0)
    assert geo.cell_of(lat, lon) != geo.cell_of(case_lat, 16.5448)
    place(ivpa.lars, lat, lon)
    case = arrest(latitude=case_lat, longitude=16.5448)
    assert volunteers_alerted(case) == {"lars"}


def test_volunteers_are_alerted_nearest_first_up_to_the_wave_size(arrest, ivpa):
    services.municipality_update(municipality=ivpa.vasteras, by=None, wave_size=2)
    case = arrest()
    names = alerted(case)
    assert volunteers_alerted(case) == {"lars", "eva"}
    assert names["lars"].distance_m < names["eva"].distance_m
    assert {a.wave for a in names.values()} == {1}


def test_the_selector_orders_candidates_by_distance(ivpa):
    found = selectors.volunteers_near(
        latitude=STORA_TORGET[0], longitude=STORA_TORGET[1], radius_m=1800, limit=10,
        now=timezone.now(), weekly_cap=5)
    assert [c.responder_id for c in found] == [
        ivpa.lars.pk, ivpa.eva.pk, ivpa.nils.pk, ivpa.olle.pk]
    assert [c.distance_m for c in found] == sorted(c.distance_m for c in found)
    assert all(c.kind == ResponderKind.VOLUNTEER for c in found)
    # A limit of two gives the two nearest.
    two = selectors.volunteers_near(
        latitude=STORA_TORGET[0], longitude=STORA_TORGET[1], radius_m=1800, limit=2,
        now=timezone.now(), weekly_cap=5)
    assert [c.responder_id for c in two] == [ivpa.lars.pk, ivpa.eva.pk]


def test_the_selector_finds_the_nearest_among_many_beyond_its_first_batch(ivpa, demo):
    # Twenty-odd volunteers just around the corner who may not be alerted (busy hours), and
    # the one who may be further out: the selector reads on past its first batch.
    from accounts.models import Role, User

    now = timezone.now()
    window = local_window(2, 3)
    for i in range(30):
        user = User.objects.create(username=f"v{i}", display_name=f"V {i}",
                                   role=Role.RESPONDER)
        lat, lon = point_at(*STORA_TORGET, 50 + i, 0)
        Responder.objects.create(
            user=user, kind=ResponderKind.VOLUNTEER, training="cpr_aed",
            training_confirmed_at=now, available=True, latitude=lat, longitude=lon,
            position_at=now, cell=geo.cell_of(lat, lon), registered_at=now,
            hours_start=window[0], hours_end=window[1], approval=Approval.APPROVED,
            approved_until=timezone.localdate() + timedelta(days=365))
    found = selectors.volunteers_near(
        latitude=STORA_TORGET[0], longitude=STORA_TORGET[1], radius_m=1800, limit=1,
        now=now, weekly_cap=5)
    assert [c.responder_id for c in found] == [ivpa.lars.pk]


# --- never twice, never the busy -----------------------------------------------------------


def test_no_responder_is_alerted_twice_in_a_callout_even_across_waves(arrest, ivpa):
    services.municipality_update(municipality=ivpa.vasteras, by=None, wave_size=2)
    case = arrest()
    callout = Callout.objects.get(case=case)
    assert volunteers_alerted(case) == {"lars", "eva"}
    services.callout_next_wave(callout_id=callout.pk)
    assert volunteers_alerted(case) == {"lars", "eva", "nils", "olle"}
    second = {a.responder.user.username for a in
              ResponderAlert.objects.filter(callout=callout, wave=2)
              .select_related("responder__user")}
    assert second == {"nils", "olle"}
    services.callout_next_wave(callout_id=callout.pk)
    rows = list(ResponderAlert.objects.filter(callout=callout)
                .values_list("responder_id", flat=True))
    assert len(rows) == len(set(rows)) == 5  # four volunteers and the fire unit, once each
    assert not ResponderAlert.objects.filter(callout=callout, wave=3).exists()


def test_a_responder_busy_with_another_active_callout_is_skipped(arrest, ivpa):
    first = arrest()
    first_alerts = alerted(first)
    assert set(first_alerts) == {"lars", "eva", "nils", "olle", "rtj2110"}
    services.alert_decline(alert=first_alerts["eva"], by=ivpa.eva.user)
    services.alert_accept(alert=first_alerts["lars"], by=ivpa.lars.user)
    second = arrest(address="Vasagatan 5, Västerås", latitude=59.6110, longitude=16.5460)
    # Alerted (nils, olle, the fire unit) or on the way (lars): busy. Eva said no: free.
    assert set(alerted(second)) == {"eva"}


def test_a_responder_is_free_again_once_the_other_callout_ended(arrest, ivpa):
    first = arrest()
    services.callout_end(callout=Callout.objects.get(case=first), reason="cancelled")
    second = arrest(address="Vasagatan 5, Västerås")
    assert set(alerted(second)) == {"lars", "eva", "nils", "olle", "rtj2110"}


# --- who may never be alerted --------------------------------------------------------------


def _stale(r):
    Responder.objects.filter(pk=r.pk).update(position_at=timezone.now() - timedelta(
        seconds=settings.IVPA_POSITION_STALE_SECONDS + 1))


def _unconfirmed(r):
    Responder.objects.filter(pk=r.pk).update(training_confirmed_at=None)


def _expired(r):
    Responder.objects.filter(pk=r.pk).update(training_confirmed_at=timezone.now() - timedelta(
        days=settings.IVPA_TRAINING_VALID_DAYS, seconds=1))


def _unavailable(r):
    services.responder_update(responder=r, available=False)


def _outside_own_hours(r):
    start, end = local_window(1, 2)
    services.responder_update(responder=r, hours_start=start, hours_end=end)


def _deactivated(r):
    r.user.is_active = False
    r.user.save(update_fields=["is_active"])


@pytest.mark.parametrize("make_ineligible", [
    _unavailable, _stale, _unconfirmed, _expired, _outside_own_hours, _deactivated,
], ids=["unavailable", "stale_position", "training_not_confirmed", "training_expired",
        "outside_own_hours", "deactivated_user"])
def test_an_ineligible_volunteer_is_never_alerted(arrest, ivpa, make_ineligible):
    make_ineligible(ivpa.lars)
    case = arrest()
    assert volunteers_alerted(case) == {"eva", "nils", "olle"}


def test_a_volunteer_within_their_own_hours_is_alerted(arrest, ivpa):
    start, end = local_window(-1, 1)
    services.responder_update(responder=ivpa.lars, hours_start=start, hours_end=end)
    assert "lars" in volunteers_alerted(arrest())


def test_a_position_just_fresh_enough_still_counts(arrest, ivpa):
    Responder.objects.filter(pk=ivpa.lars.pk).update(position_at=timezone.now() - timedelta(
        seconds=settings.IVPA_POSITION_STALE_SECONDS - 5))
    assert "lars" in volunteers_alerted(arrest())


# --- the weekly cap ------------------------------------------------------------------------


def _one_ended_callout(arrest) -> None:
    case = arrest()
    services.callout_end(callout=Callout.objects.get(case=case), reason="cancelled")


def test_the_municipality_weekly_cap_keeps_a_volunteer_from_more_alerts(arrest, ivpa):
    services.municipality_update(municipality=ivpa.vasteras, by=None, weekly_cap=2)
    unavailable(ivpa.olle)
    _one_ended_callout(arrest)
    _one_ended_callout(arrest)
    place(ivpa.olle, 59.6201, 16.5305)
    case = arrest()
    # lars, eva and nils were alerted twice this week; olle not at all.
    assert volunteers_alerted(case) == {"olle"}
    assert "rtj2110" in alerted(case)  # the cap is the volunteers'


def test_a_volunteer_own_weekly_cap_is_kept_under_the_municipality_cap(arrest, ivpa):
    services.responder_update(responder=ivpa.lars, weekly_cap=1)
    _one_ended_callout(arrest)
    assert volunteers_alerted(arrest()) == {"eva", "nils", "olle"}


def test_a_volunteer_own_cap_above_the_municipality_cap_does_not_raise_it(arrest, ivpa):
    services.municipality_update(municipality=ivpa.vasteras, by=None, weekly_cap=1)
    services.responder_update(responder=ivpa.lars, weekly_cap=10)
    _one_ended_callout(arrest)
    assert volunteers_alerted(arrest()) == set()


def test_alerts_older_than_a_week_do_not_count_to_the_cap(arrest, ivpa):
    services.responder_update(responder=ivpa.lars, weekly_cap=1)
    _one_ended_callout(arrest)
    ResponderAlert.objects.filter(responder=ivpa.lars).update(
        alerted_at=timezone.now() - timedelta(days=7, minutes=1))
    assert "lars" in volunteers_alerted(arrest())


# --- when a callout may be started at all --------------------------------------------------


def test_a_municipality_not_connected_never_alerts(arrest, ivpa):
    case = arrest(municipality="Sala")
    assert not Callout.objects.filter(case=case).exists()
    assert not ResponderAlert.objects.exists()
    with pytest.raises(Conflict, match="Sala is not connected"):
        services.callout_start(case=case, by=None)


def test_a_disconnected_municipality_no_longer_alerts(arrest, ivpa):
    services.municipality_disconnect(municipality=ivpa.vasteras, by=None)
    case = arrest()
    assert not Callout.objects.filter(case=case).exists()
    with pytest.raises(Conflict, match="not connected"):
        services.callout_start(case=case, by=None)


def test_a_case_without_a_known_municipality_never_alerts(arrest, ivpa):
    case = arrest(municipality="")
    assert not Callout.objects.filter(case=case).exists()
    with pytest.raises(Conflict, match="not connected"):
        services.callout_start(case=case, by=None)


def test_a_case_type_the_municipality_does_not_alert_for_is_refused(arrest, ivpa):
    case = arrest(case_type="chest_pain", complaint="Bröstsmärta")
    assert not Callout.objects.filter(case=case).exists()
    with pytest.raises(Conflict, match="does not alert responders for chest pain"):
        services.callout_start(case=case, by=None)


def test_a_case_type_added_to_the_municipality_list_alerts(arrest, ivpa):
    services.municipality_update(municipality=ivpa.vasteras, by=None,
                                 case_types=["cardiac_arrest", "chest_pain"])
    case = arrest(case_type="chest_pain", complaint="Bröstsmärta")
    assert Callout.objects.filter(case=case, ended_at__isnull=True).exists()


@pytest.mark.parametrize("priority", ["2A", "2B", "3"])
def test_only_priority_one_alerts(arrest, ivpa, priority):
    case = arrest(priority=priority, mbs_priority=priority)
    assert not Callout.objects.filter(case=case).exists()
    with pytest.raises(Conflict, match="only for priority 1A or 1B"):
        services.callout_start(case=case, by=None)


def test_priority_1b_alerts(arrest, ivpa):
    case = arrest(priority="1B", mbs_priority="1B")
    assert volunteers_alerted(case) == {"lars", "eva", "nils", "olle"}


def test_outside_the_municipality_hours_of_service_nobody_is_alerted(arrest, ivpa):
    start, end = local_window(1, 2)
    services.municipality_update(municipality=ivpa.vasteras, by=None,
                                 service_start=start, service_end=end)
    case = arrest()
    assert not Callout.objects.filter(case=case).exists()
    with pytest.raises(Conflict, match="alerts responders only"):
        services.callout_start(case=case, by=None)


def test_within_the_municipality_hours_of_service_responders_are_alerted(arrest, ivpa):
    start, end = local_window(-1, 1)
    services.municipality_update(municipality=ivpa.vasteras, by=None,
                                 service_start=start, service_end=end)
    assert volunteers_alerted(arrest()) == {"lars", "eva", "nils", "olle"}


def test_a_second_callout_for_the_same_case_is_refused_while_one_runs(arrest, ivpa):
    case = arrest()
    with pytest.raises(Conflict, match="already being alerted"):
        services.callout_start(case=case, by=None)
    assert Callout.objects.filter(case=case).count() == 1


# --- scene flags ---------------------------------------------------------------------------


def test_a_child_under_8_keeps_volunteers_away_but_the_fire_unit_goes(arrest, ivpa):
    case = arrest(scene_flags=["child_under_8"])
    callout = Callout.objects.get(case=case)
    assert callout.volunteers_excluded == "child_under_8"
    assert set(alerted(case)) == {"rtj2110"}
    assert callout.next_wave_at is None
    assert not Timer.objects.filter(kind=services.WAVE_TIMER, key=str(callout.pk),
                                    state=TimerState.PENDING).exists()


def test_a_safety_warning_counts_as_an_unsafe_scene(arrest, ivpa):
    case = arrest(safety_warning="Hotfull anhörig på plats")
    callout = Callout.objects.get(case=case)
    assert callout.volunteers_excluded == "unsafe_scene"
    assert set(alerted(case)) == {"rtj2110"}


def test_a_flag_the_municipality_does_not_exclude_keeps_nobody_away(arrest, ivpa):
    case = arrest(scene_flags=["infection"])
    callout = Callout.objects.get(case=case)
    assert callout.volunteers_excluded == ""
    assert volunteers_alerted(case) == {"lars", "eva", "nils", "olle"}


def test_a_municipality_may_allow_volunteers_to_children(arrest, ivpa):
    services.municipality_update(municipality=ivpa.vasteras, by=None,
                                 excluded_flags=["unsafe_scene"])
    case = arrest(scene_flags=["child_under_8"])
    assert volunteers_alerted(case) == {"lars", "eva", "nils", "olle"}


# --- the fire/rescue unit ------------------------------------------------------------------


def _ambulances_far_away(demo) -> None:
    # Every ambulance of the region in Sala, about 35 km north.
    Unit.objects.filter(region=demo.vml).update(latitude=59.9200, longitude=16.6066)


def test_the_fire_unit_goes_in_parallel_for_a_cardiac_arrest_even_behind_the_ambulance(
    arrest, ivpa
):
    case = arrest()
    callout = Callout.objects.get(case=case)
    fire = alerted(case)["rtj2110"]
    assert (fire.kind, fire.wave) == (ResponderKind.FIRE_RESCUE, 1)
    # The ambulances stand at the square: they would be there first, and still it goes.
    assert callout.ambulance_eta_s is not None and fire.eta_s > callout.ambulance_eta_s


def test_for_another_case_type_the_fire_unit_goes_only_before_the_ambulance(arrest, ivpa):
    case = arrest(case_type="choking", complaint="Sätter i halsen")
    callout = Callout.objects.get(case=case)
    assert "rtj2110" not in alerted(case)
    assert volunteers_alerted(case) == {"lars", "eva", "nils", "olle"}
    assert callout.ambulance_eta_s < selectors.units_near(
        latitude=case.latitude, longitude=case.longitude, radius_m=20000,
        kind=ResponderKind.FIRE_RESCUE, now=timezone.now())[0].eta_s


def test_for_another_case_type_the_fire_unit_goes_when_it_beats_the_ambulance(
    arrest, ivpa, demo
):
    _ambulances_far_away(demo)
    case = arrest(case_type="choking", complaint="Sätter i halsen")
    callout = Callout.objects.get(case=case)
    fire = alerted(case)["rtj2110"]
    assert fire.eta_s < callout.ambulance_eta_s


def test_the_fire_unit_is_not_alerted_where_the_municipality_does_not_use_it(arrest, ivpa):
    services.municipality_update(municipality=ivpa.vasteras, by=None,
                                 responder_kinds=["volunteer"])
    case = arrest()
    assert set(alerted(case)) == {"lars", "eva", "nils", "olle"}


def test_the_fire_unit_is_alerted_only_in_the_first_wave(arrest, ivpa):
    case = arrest()
    callout = Callout.objects.get(case=case)
    services.callout_next_wave(callout_id=callout.pk)
    assert ResponderAlert.objects.filter(callout=callout, responder=ivpa.rtj2110).count() == 1


def test_an_unavailable_fire_unit_is_not_alerted(arrest, ivpa):
    Responder.objects.filter(pk=ivpa.rtj2110.pk).update(available=False)
    assert "rtj2110" not in alerted(arrest())
