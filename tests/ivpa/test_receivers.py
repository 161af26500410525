"""IVPA follows dispatch: a registered eligible case alerts responders by itself, an ambulance
on scene or a closed case ends the alerting, a scene flag stands volunteers down; and nothing
that goes wrong here breaks the dispatcher's action."""

import pytest

from dispatch import services as dispatch
from dispatch.models import Case
from ivpa import services
from ivpa.models import AlertStatus, Callout, CalloutEnd, ResponderAlert, ResponderKind
from ivpa.streams import responder_stream
from realtime.models import Event
from timers.models import Timer, TimerState
from timers.services import timer_fire


def statuses(callout: Callout) -> dict[str, str]:
    return dict(ResponderAlert.objects.filter(callout=callout)
                .values_list("responder__user__username", "status"))


def the_callout(case: Case) -> Callout:
    return Callout.objects.get(case=case)


def accept(callout: Callout, responder) -> ResponderAlert:
    alert = ResponderAlert.objects.get(callout=callout, responder=responder)
    return services.alert_accept(alert=alert, by=responder.user)


def on_scene(demo, case: Case) -> None:
    [assignment] = dispatch.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    for step in ("acknowledged", "en_route", "on_scene"):
        assignment = dispatch.assignment_status_change(assignment=assignment, status=step,
                                                       by=demo.sara)


# --- the automatic start -------------------------------------------------------------------


def test_registering_an_eligible_case_alerts_responders_by_itself(arrest, ivpa):
    case = arrest()
    callout = the_callout(case)
    assert callout.is_active and callout.started_by is None
    assert callout.municipality == ivpa.vasteras
    assert statuses(callout) == {name: "alerted" for name in
                                 ("lars", "eva", "nils", "olle", "rtj2110")}
    [created] = Event.objects.filter(stream=responder_stream(ivpa.lars.user_id),
                                     type="alert.created")
    assert created.data["case_type"] == "cardiac_arrest"


def test_a_start_lost_between_the_commit_and_its_thread_alerts_at_the_next_tick(
        arrest_uncommitted):
    case, _never_run = arrest_uncommitted()  # committed; its callbacks never run
    assert not Callout.objects.filter(case=case).exists()
    [start] = Timer.objects.filter(kind=services.START_TIMER, key=str(case.pk),
                                   state=TimerState.PENDING)
    assert timer_fire(timer_id=start.pk) is True
    assert statuses(the_callout(case)) == {name: "alerted" for name in
                                           ("lars", "eva", "nils", "olle", "rtj2110")}


def test_a_case_closed_before_its_start_fires_alerts_nobody(arrest_uncommitted, demo):
    case, after_commit = arrest_uncommitted()
    dispatch.case_close(case=case, by=demo.anna)
    for callback in after_commit:
        callback()
    assert not Callout.objects.filter(case=case).exists()
    assert not ResponderAlert.objects.exists()


def test_without_auto_alert_the_case_waits_for_the_dispatcher(arrest, ivpa, demo):
    services.municipality_update(municipality=ivpa.vasteras, by=None, auto_alert=False)
    case = arrest()
    assert not Callout.objects.filter(case=case).exists()
    assert not ResponderAlert.objects.exists()
    callout = services.callout_start(case=case, by=demo.anna)
    assert callout.started_by == demo.anna
    assert ResponderAlert.objects.filter(callout=callout).count() == 5


def test_an_ineligible_case_registers_without_a_callout(arrest, ivpa):
    case = arrest(priority="2A", mbs_priority="2A")
    assert Case.objects.filter(pk=case.pk).exists()
    assert not Callout.objects.filter(case=case).exists()


def test_raising_the_priority_to_1a_starts_the_callout(arrest, ivpa, demo,
                                                       django_capture_on_commit_callbacks):
    case = arrest(priority="2A", mbs_priority="2A")
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.case_update(case=case, by=demo.anna, priority="1A", mbs_priority="1A",
                             priority_change_reason="Slutat andas under samtalet")
    assert the_callout(case).is_active


def test_a_cancelled_callout_is_not_restarted_behind_the_dispatcher(arrest, ivpa, demo):
    case = arrest()
    services.callout_end(callout=the_callout(case), reason=CalloutEnd.CANCELLED, by=demo.anna)
    dispatch.case_update(case=case, by=demo.anna, case_type="unconscious_not_breathing")
    assert Callout.objects.filter(case=case).count() == 1
    assert not Callout.objects.filter(case=case, ended_at__isnull=True).exists()


def test_a_failing_start_does_not_break_the_registration_and_is_retried(
    arrest, ivpa, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "callout_start", broken)
    case = arrest()
    assert Case.objects.filter(pk=case.pk, reference=case.reference).exists()
    assert not Callout.objects.filter(case=case).exists()
    [retry] = Timer.objects.filter(kind="ivpa.start_retry", key=str(case.pk),
                                   state=TimerState.PENDING)
    # Once the fault is gone, the retry starts the callout.
    monkeypatch.undo()
    assert timer_fire(timer_id=retry.pk, now=retry.due_at) is True
    assert the_callout(case).is_active
    assert ResponderAlert.objects.filter(callout__case=case).count() == 5


def test_a_refused_start_is_not_retried(arrest, ivpa, monkeypatch):
    from core.errors import Conflict

    def refused(**kwargs):
        raise Conflict("not now")

    monkeypatch.setattr(services, "callout_start", refused)
    case = arrest()
    assert not Callout.objects.filter(case=case).exists()
    assert not Timer.objects.filter(kind="ivpa.start_retry").exists()


# --- the end -------------------------------------------------------------------------------


def test_the_ambulance_on_scene_ends_the_callout(arrest, ivpa, demo):
    case = arrest()
    callout = the_callout(case)
    accept(callout, ivpa.lars)
    on_scene(demo, case)
    callout.refresh_from_db()
    assert (callout.is_active, callout.end_reason) == (False, CalloutEnd.AMBULANCE_ARRIVED)
    assert statuses(callout)["eva"] == AlertStatus.STOOD_DOWN
    assert statuses(callout)["lars"] == AlertStatus.ACCEPTED
    ended = Event.objects.get(stream=responder_stream(ivpa.lars.user_id), type="alert.ended")
    assert ended.data["reason"] == "ambulance_arrived"


def test_the_ambulance_en_route_does_not_end_the_callout(arrest, ivpa, demo):
    case = arrest()
    [assignment] = dispatch.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    dispatch.assignment_status_change(assignment=assignment, status="acknowledged",
                                      by=demo.sara)
    assert the_callout(case).is_active


def test_closing_the_case_ends_the_callout(arrest, ivpa, demo):
    case = arrest()
    dispatch.case_close(case=case, by=demo.anna)
    callout = the_callout(case)
    assert (callout.is_active, callout.end_reason) == (False, CalloutEnd.CASE_CLOSED)
    assert set(statuses(callout).values()) == {AlertStatus.STOOD_DOWN}


def test_a_failing_end_does_not_keep_the_case_open(arrest, ivpa, demo, monkeypatch):
    case = arrest()

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "callout_end_for_case", broken)
    dispatch.case_close(case=case, by=demo.anna)
    case.refresh_from_db()
    assert case.status == "closed"
    # The sync timer ends the callout once the fault is gone.
    [retry] = Timer.objects.filter(kind=services.SYNC_RETRY_TIMER, key=str(case.pk),
                                   state=TimerState.PENDING)
    monkeypatch.undo()
    assert timer_fire(timer_id=retry.pk, now=retry.due_at) is True
    callout = the_callout(case)
    assert (callout.is_active, callout.end_reason) == (False, CalloutEnd.CASE_CLOSED)
    assert set(statuses(callout).values()) == {AlertStatus.STOOD_DOWN}


# --- scene flags ---------------------------------------------------------------------------


def test_a_child_under_8_stands_the_volunteers_down_and_keeps_the_fire_unit(arrest, ivpa, demo):
    case = arrest()
    callout = the_callout(case)
    accept(callout, ivpa.lars)
    dispatch.case_update(case=case, by=demo.anna, scene_flags=["child_under_8"])
    callout.refresh_from_db()
    assert callout.is_active and callout.volunteers_excluded == "child_under_8"
    assert statuses(callout) == {"lars": "stood_down", "eva": "stood_down",
                                 "nils": "stood_down", "olle": "stood_down",
                                 "rtj2110": "alerted"}
    assert not Timer.objects.filter(kind=services.WAVE_TIMER, key=str(callout.pk),
                                    state=TimerState.PENDING).exists()
    told = Event.objects.get(stream=responder_stream(ivpa.lars.user_id), type="alert.ended")
    assert told.data["status"] == "stood_down"
    # No further wave brings volunteers back.
    services.callout_next_wave(callout_id=callout.pk)
    assert not ResponderAlert.objects.filter(callout=callout, kind=ResponderKind.VOLUNTEER,
                                             status=AlertStatus.ALERTED).exists()


def test_a_safety_warning_added_later_stands_the_volunteers_down(arrest, ivpa, demo):
    case = arrest()
    dispatch.case_update(case=case, by=demo.anna, safety_warning="Beväpnad person i trapphuset")
    callout = the_callout(case)
    assert callout.volunteers_excluded == "unsafe_scene"
    assert statuses(callout)["eva"] == AlertStatus.STOOD_DOWN


def test_a_flag_the_municipality_allows_changes_nothing(arrest, ivpa, demo):
    case = arrest()
    dispatch.case_update(case=case, by=demo.anna, scene_flags=["infection"])
    callout = the_callout(case)
    assert callout.volunteers_excluded == ""
    assert set(statuses(callout).values()) == {AlertStatus.ALERTED}


def test_a_failing_stand_down_does_not_undo_the_dispatcher_change(arrest, ivpa, demo,
                                                                 monkeypatch):
    case = arrest()

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "callout_exclude_volunteers", broken)
    dispatch.case_update(case=case, by=demo.anna, scene_flags=["child_under_8"])
    case.refresh_from_db()
    assert case.scene_flags == ["child_under_8"]
    assert statuses(the_callout(case))["eva"] == AlertStatus.ALERTED
    # The sync timer stands the volunteers down once the fault is gone.
    [retry] = Timer.objects.filter(kind=services.SYNC_RETRY_TIMER, key=str(case.pk),
                                   state=TimerState.PENDING)
    monkeypatch.undo()
    assert timer_fire(timer_id=retry.pk, now=retry.due_at) is True
    callout = the_callout(case)
    assert callout.is_active and callout.volunteers_excluded == "child_under_8"
    assert statuses(callout)["eva"] == AlertStatus.STOOD_DOWN
    assert statuses(callout)["rtj2110"] == AlertStatus.ALERTED


def test_a_failing_end_on_arrival_is_retried_by_the_sync_timer(arrest, ivpa, demo,
                                                               monkeypatch):
    case = arrest()
    monkeypatch.setattr(services, "callout_end_for_case",
                        lambda **kw: (_ for _ in ()).throw(RuntimeError("hiccup")))
    on_scene(demo, case)
    assert the_callout(case).is_active
    [retry] = Timer.objects.filter(kind=services.SYNC_RETRY_TIMER, key=str(case.pk),
                                   state=TimerState.PENDING)
    monkeypatch.undo()
    assert timer_fire(timer_id=retry.pk, now=retry.due_at) is True
    callout = the_callout(case)
    assert (callout.is_active, callout.end_reason) == (False, CalloutEnd.AMBULANCE_ARRIVED)


@pytest.mark.parametrize("field", ["notes", "door_code"])
def test_other_case_changes_leave_the_callout_alone(arrest, ivpa, demo, field):
    case = arrest()
    dispatch.case_update(case=case, by=demo.anna, **{field: "0000"})
    callout = the_callout(case)
    assert callout.is_active and callout.volunteers_excluded == ""
    assert set(statuses(callout).values()) == {AlertStatus.ALERTED}
