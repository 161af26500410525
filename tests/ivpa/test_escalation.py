"""Callouts in waves, driven by the stored timers as in production: the first wave at the
municipality's radius, each next one after the wave interval with a radius 1.5 times larger,
up to the largest; exhausted when no one more is within it; ended after the longest alert
time; no wave once enough have accepted."""

from datetime import timedelta

import pytest
from django.conf import settings

from ivpa import services
from ivpa.models import AlertStatus, Callout, CalloutEnd, ResponderAlert, ResponderKind
from ivpa.streams import IVPA_STREAM
from realtime.models import Event
from timers.models import Timer, TimerState
from timers.services import fire_due_timers, timer_schedule


def tick(clock, seconds: float) -> int:
    """Move the clock and fire what is due, as the timer loop would. Push timers (the
    wake-ups of alerted phones) are not part of these tests."""
    clock.advance(seconds)
    Timer.objects.exclude(kind__startswith="ivpa.").delete()
    return fire_due_timers(now=clock.now)


def names(callout: Callout, **filters) -> set[str]:
    return set(ResponderAlert.objects.filter(callout=callout, **filters)
               .values_list("responder__user__username", flat=True))


def wave_timer(callout: Callout) -> Timer | None:
    return Timer.objects.filter(kind=services.WAVE_TIMER, key=str(callout.pk),
                                state=TimerState.PENDING).first()


@pytest.fixture
def start(clock, arrest, ivpa):
    """start(**municipality_rules) -> the callout of a new cardiac arrest at Stora torget."""

    def make(**rules) -> Callout:
        if rules:
            services.municipality_update(municipality=ivpa.vasteras, by=None, **rules)
        case = arrest()
        return Callout.objects.select_related("municipality").get(case=case)

    return make


def test_waves_widen_the_radius_until_the_farthest_volunteer_is_covered(clock, start, ivpa):
    callout = start(radius_m=500, max_radius_m=2000)
    started = clock.now
    assert (callout.waves, callout.radius_m) == (1, 500)
    assert names(callout, kind=ResponderKind.VOLUNTEER) == {"lars", "eva"}
    assert wave_timer(callout).due_at == started + timedelta(seconds=60)

    tick(clock, 59)
    callout.refresh_from_db()
    assert callout.waves == 1  # not before the wave interval

    tick(clock, 1)
    callout.refresh_from_db()
    assert (callout.waves, callout.radius_m) == (2, 750)
    assert names(callout, wave=2) == {"nils"}

    tick(clock, 60)
    callout.refresh_from_db()
    assert (callout.waves, callout.radius_m, callout.exhausted) == (3, 1125, False)
    assert names(callout, wave=3) == set()
    assert "olle" not in names(callout)  # about 1.4 km away

    tick(clock, 60)
    callout.refresh_from_db()
    assert (callout.waves, callout.radius_m) == (4, 1687)
    olle = ResponderAlert.objects.get(callout=callout, responder=ivpa.olle)
    assert olle.wave == 4 and 1125 < olle.distance_m <= 1687
    assert callout.next_wave_at == clock.now + timedelta(seconds=60)


def test_at_the_largest_radius_with_no_one_new_the_callout_is_exhausted(clock, start, ivpa):
    callout = start(radius_m=500, max_radius_m=2000)
    radii = [callout.radius_m]
    for _ in range(4):
        tick(clock, 60)
        callout.refresh_from_db()
        radii.append(callout.radius_m)
    assert radii == [500, 750, 1125, 1687, 2000]
    assert callout.exhausted is True
    assert callout.next_wave_at is None
    assert wave_timer(callout) is None
    assert Event.objects.filter(stream=IVPA_STREAM, type="callout.wave").last().data[
        "exhausted"] is True
    # Nothing more happens until the end.
    tick(clock, 600)
    callout.refresh_from_db()
    assert (callout.waves, callout.is_active) == (5, True)


def test_the_radius_grows_by_half_each_wave_up_to_the_largest(clock, start):
    callout = start()  # 1800 m, up to 5000 m
    radii = [callout.radius_m]
    while wave_timer(callout) is not None:
        tick(clock, 60)
        callout.refresh_from_db()
        radii.append(callout.radius_m)
    assert radii == [1800, 2700, 4050, 5000]
    assert callout.exhausted is True


def test_the_growth_of_the_radius_is_a_setting(clock, start, settings):
    settings.IVPA_RADIUS_GROWTH = 2.0
    callout = start(radius_m=500, max_radius_m=5000)
    tick(clock, 60)
    tick(clock, 60)
    callout.refresh_from_db()
    assert (callout.waves, callout.radius_m) == (3, 2000)
    assert "olle" in names(callout, wave=3)


def test_the_wave_interval_is_the_municipality_s(clock, start):
    callout = start(wave_interval_s=120, radius_m=500)
    tick(clock, 60)
    callout.refresh_from_db()
    assert callout.waves == 1
    tick(clock, 60)
    callout.refresh_from_db()
    assert callout.waves == 2


def test_a_volunteer_who_becomes_available_between_waves_is_alerted_next(clock, start, ivpa):
    services.responder_update(responder=ivpa.olle, available=False)
    callout = start()
    assert "olle" not in names(callout)
    services.responder_update(responder=ivpa.olle, available=True)
    services.responder_report_position(responder=ivpa.olle, latitude=59.6201,
                                       longitude=16.5305)
    tick(clock, 60)
    assert names(callout, wave=2) == {"olle"}


def test_no_one_is_alerted_twice_however_many_waves(clock, start):
    callout = start(radius_m=500, max_radius_m=2000)
    for _ in range(6):
        tick(clock, 60)
    ids = list(ResponderAlert.objects.filter(callout=callout)
               .values_list("responder_id", flat=True))
    assert len(ids) == len(set(ids)) == 5


def test_the_longest_alert_time_ends_the_callout(clock, start, ivpa):
    callout = start(needed=1, aed_runners=1)
    started = clock.now
    alerts = {a.responder.user.username: a for a in callout.alerts.select_related(
        "responder__user")}
    end = Timer.objects.get(kind=services.END_TIMER, key=str(callout.pk),
                            state=TimerState.PENDING)
    assert end.due_at == started + timedelta(seconds=settings.IVPA_CALLOUT_MAX_SECONDS)
    tick(clock, settings.IVPA_CALLOUT_MAX_SECONDS - 1)
    callout.refresh_from_db()
    assert callout.is_active
    tick(clock, 1)
    callout.refresh_from_db()
    assert (callout.is_active, callout.end_reason) == (False, CalloutEnd.TIMED_OUT)
    assert ResponderAlert.objects.get(pk=alerts["lars"].pk).status == AlertStatus.STOOD_DOWN
    assert wave_timer(callout) is None
    waves = callout.waves
    tick(clock, 600)
    callout.refresh_from_db()
    assert callout.waves == waves


def test_no_wave_goes_out_once_enough_have_accepted(clock, start, ivpa):
    callout = start(radius_m=500, needed=2, aed_runners=2)
    alerts = {a.responder.user.username: a for a in callout.alerts.select_related(
        "responder__user")}
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    assert wave_timer(callout) is None
    tick(clock, 60)
    tick(clock, 60)
    callout.refresh_from_db()
    assert callout.waves == 1
    assert names(callout) == {"lars", "eva", "rtj2110"}


def test_a_late_wave_timer_after_satisfaction_alerts_no_one(clock, start, ivpa):
    # A wave timer that was already claimed when the last acceptance cancelled it.
    callout = start(radius_m=500, needed=2, aed_runners=2)
    alerts = {a.responder.user.username: a for a in callout.alerts.select_related(
        "responder__user")}
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    timer_schedule(kind=services.WAVE_TIMER, key=str(callout.pk), due_at=clock.now)
    assert tick(clock, 1) == 1
    callout.refresh_from_db()
    assert callout.waves == 1
    assert names(callout) == {"lars", "eva", "rtj2110"}


def test_a_late_wave_timer_after_the_end_alerts_no_one(clock, start):
    callout = start(radius_m=500)
    services.callout_end(callout=callout, reason=CalloutEnd.CANCELLED)
    timer_schedule(kind=services.WAVE_TIMER, key=str(callout.pk), due_at=clock.now)
    assert tick(clock, 1) == 1
    callout.refresh_from_db()
    assert callout.waves == 1
    assert names(callout, status=AlertStatus.ALERTED) == set()


def test_a_decline_that_leaves_too_few_sends_the_next_wave_at_once(clock, start, ivpa):
    callout = start(radius_m=500, needed=2, aed_runners=2)
    alerts = {a.responder.user.username: a for a in callout.alerts.select_related(
        "responder__user")}
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    tick(clock, 30)
    services.alert_decline(alert=alerts["eva"], by=ivpa.eva.user)
    assert wave_timer(callout).due_at == clock.now
    tick(clock, 0)
    callout.refresh_from_db()
    assert (callout.waves, callout.radius_m) == (2, 750)
    assert names(callout, wave=2) == {"nils"}
    # ...and the waves carry on from there while too few are coming.
    assert wave_timer(callout).due_at == clock.now + timedelta(seconds=60)


def test_excluded_volunteers_get_no_waves_at_all(clock, start, arrest, ivpa):
    case = arrest(scene_flags=["child_under_8"])
    callout = Callout.objects.get(case=case)
    assert wave_timer(callout) is None
    tick(clock, 600)
    callout.refresh_from_db()
    assert (callout.waves, callout.exhausted) == (1, False)
    assert names(callout) == {"rtj2110"}
