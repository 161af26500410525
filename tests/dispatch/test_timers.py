"""Dispatch's deadlines: resend an unacknowledged assignment, warn about an overdue status."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch import services
from dispatch.services import ACK_TIMER, STATUS_TIMER
from realtime.models import Event
from timers.models import Timer, TimerState
from timers.services import fire_due_timers, timer_fire, timer_schedule


@pytest.fixture(autouse=True)
def only_dispatch_timers(db):
    """The event log's purge timer is not part of these tests."""
    Timer.objects.exclude(kind__startswith="dispatch.").delete()


class FakeLayer:
    """Records what would go to the sockets."""

    def __init__(self):
        self.sent = []

    async def group_send(self, group, message):
        self.sent.append((group, message["event"]))


@pytest.fixture
def layer(monkeypatch):
    fake = FakeLayer()
    monkeypatch.setattr("realtime.services.get_channel_layer", lambda: fake)
    return fake


def the_timer(kind, assignment) -> Timer:
    return Timer.objects.get(kind=kind, key=str(assignment.pk), state=TimerState.PENDING)


def test_unacknowledged_assignment_is_resent(demo, dispatched, layer,
                                             django_capture_on_commit_callbacks):
    assignment = dispatched()
    layer.sent.clear()  # the registration's own events, sent once it committed
    timer = the_timer(ACK_TIMER, assignment)
    assert abs(timer.due_at - (assignment.alerted_at + timedelta(seconds=30))) < timedelta(
        seconds=1)
    assert timer_fire(timer_id=timer.pk, now=timer.due_at - timedelta(seconds=1)) is False
    with django_capture_on_commit_callbacks(execute=True):
        assert timer_fire(timer_id=timer.pk, now=timer.due_at) is True
    assignment.refresh_from_db()
    assert (assignment.resend_count, assignment.ack_overdue) == (1, True)
    assert assignment.status == "alerted"
    resent = Event.objects.filter(type="assignment.resent")
    assert {e.stream for e in resent} == {"dispatch", f"unit.{demo.amb1010.pk}"}
    assert all(e.data["resend_count"] == 1 and e.data["ack_overdue"] for e in resent)
    # Sent to the unit's tablets and the console once the firing committed.
    assert {(g, e["type"]) for g, e in layer.sent} == {
        ("rt.dispatch", "assignment.resent"), (f"rt.unit.{demo.amb1010.pk}", "assignment.resent")}
    # ...and the timer waits again.
    again = the_timer(ACK_TIMER, assignment)
    assert again.pk != timer.pk
    assert again.due_at > timezone.now() + timedelta(seconds=25)


def test_an_assignment_is_resent_every_timeout_until_acknowledged(demo, dispatched, settings):
    settings.ASSIGNMENT_ACK_TIMEOUT_SECONDS = 5
    assignment = dispatched()
    for expected in (1, 2, 3):
        timer = the_timer(ACK_TIMER, assignment)
        assert timer_fire(timer_id=timer.pk, now=timer.due_at) is True
        assignment.refresh_from_db()
        assert assignment.resend_count == expected
    services.assignment_acknowledge(assignment=assignment, by=demo.sara)
    assignment.refresh_from_db()
    assert (assignment.ack_overdue, assignment.resend_count) == (False, 3)
    assert not Timer.objects.filter(kind=ACK_TIMER, state=TimerState.PENDING).exists()
    assert fire_due_timers(now=timezone.now() + timedelta(seconds=100)) == 0
    assert Event.objects.filter(type="assignment.resent", stream="dispatch").count() == 3


def test_an_ack_timer_that_fires_after_the_acknowledgement_resends_nothing(demo, dispatched):
    assignment = dispatched("acknowledged")
    late = timer_schedule(kind=ACK_TIMER, key=str(assignment.pk),
                          due_at=timezone.now() - timedelta(seconds=1))
    assert timer_fire(timer_id=late.pk, now=timezone.now()) is True
    assignment.refresh_from_db()
    assert (assignment.resend_count, assignment.ack_overdue) == (0, False)
    assert not Event.objects.filter(type="assignment.resent").exists()
    assert not Timer.objects.filter(kind=ACK_TIMER, state=TimerState.PENDING).exists()


def test_a_status_held_too_long_is_flagged_on_the_console(demo, dispatched, layer,
                                                          django_capture_on_commit_callbacks):
    assignment = dispatched("acknowledged")
    layer.sent.clear()  # the registration's own events, sent once it committed
    timer = the_timer(STATUS_TIMER, assignment)
    assert timer.due_at == assignment.acknowledged_at + timedelta(seconds=120)
    with django_capture_on_commit_callbacks(execute=True):
        assert timer_fire(timer_id=timer.pk, now=timer.due_at) is True
    assignment.refresh_from_db()
    assert assignment.status_overdue is True
    flagged = Event.objects.get(type="assignment.status_overdue")
    assert flagged.stream == "dispatch" and flagged.data["status"] == "acknowledged"
    assert layer.sent == [("rt.dispatch", flagged_wire(flagged))]
    # The next status clears the flag.
    services.assignment_status_change(assignment=assignment, status="en_route", by=demo.sara)
    assignment.refresh_from_db()
    assert assignment.status_overdue is False


def flagged_wire(event):
    from realtime.selectors import events_after

    [wire] = [e for e in events_after(stream=event.stream, after=event.seq - 1)]
    return wire


def test_the_warning_limit_follows_the_status(demo, dispatched, settings):
    settings.STATUS_WARNING_SECONDS = {"en_route": 60, "on_scene": 2700}
    assignment = dispatched("acknowledged")  # no limit for "acknowledged" now
    assert not Timer.objects.filter(kind=STATUS_TIMER, state=TimerState.PENDING).exists()
    assignment = services.assignment_status_change(assignment=assignment, status="en_route",
                                                   by=demo.sara)
    timer = the_timer(STATUS_TIMER, assignment)
    assert (timer.due_at, timer.payload) == (assignment.en_route_at + timedelta(seconds=60),
                                             {"status": "en_route"})
    assignment = services.assignment_status_change(assignment=assignment, status="on_scene",
                                                   by=demo.sara)
    moved = the_timer(STATUS_TIMER, assignment)
    assert moved.pk == timer.pk
    assert moved.due_at == assignment.on_scene_at + timedelta(seconds=2700)


def test_a_warning_for_a_status_already_left_flags_nothing(demo, dispatched):
    assignment = dispatched("en_route")
    stale = timer_schedule(kind=STATUS_TIMER, key=str(assignment.pk),
                           due_at=timezone.now() - timedelta(seconds=1),
                           payload={"status": "acknowledged"})
    assert timer_fire(timer_id=stale.pk, now=timezone.now()) is True
    assignment.refresh_from_db()
    assert assignment.status_overdue is False
    assert not Event.objects.filter(type="assignment.status_overdue").exists()


@pytest.mark.parametrize("end", ["cancelled", "available"])
def test_an_ended_assignment_leaves_no_timer_to_fire(demo, dispatched, end):
    assignment = dispatched(end)
    assert not Timer.objects.filter(key=str(assignment.pk), state=TimerState.PENDING).exists()
    assert fire_due_timers(now=timezone.now() + timedelta(minutes=50)) == 0
    assignment.refresh_from_db()
    assert (assignment.resend_count, assignment.ack_overdue, assignment.status_overdue) == (
        0, False, False)
    cancelled = Timer.objects.filter(key=str(assignment.pk), state=TimerState.CANCELLED)
    assert set(cancelled.values_list("kind", flat=True)) == {ACK_TIMER} | (
        {STATUS_TIMER} if end == "available" else set())
