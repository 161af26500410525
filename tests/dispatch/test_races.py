"""Real races on PostgreSQL, in threads with their own connections (the production shape's
Celery worker and ASGI processes): a dispatcher cancelling an assignment while its
acknowledgement timer fires. Each locked a row the other
wanted, in the opposite order, and one of the two failed as a deadlock. Both now finish: the
tick waits for a row no longer than TIMER_LOCK_TIMEOUT_MS and fires on a later tick."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from dispatch import services
from dispatch.models import Assignment, AssignmentStatus
from tests.live import GENEROUS_S, wait_until
from timers import registry
from timers.models import Timer, TimerState
from timers.services import timer_fire

# PostgreSQL only, so these run in the production shape's part of CI: SQLite (the embedded
# shape) has no row locks, lock_timeout or deadlock check, and its shared in-memory test
# database answers a second writer "table is locked" at once, so nothing there waits
# crosswise. What the timer does when its handler loses such a wait runs in both shapes
# (tests/timers/test_services.py).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and deadlocks exist on PostgreSQL only"),
]


def in_thread(action) -> tuple[threading.Thread, dict]:
    """Run `action` in a thread with its own connection; the dict gets what it returned or
    raised."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = action()
        except Exception as exc:  # noqa: BLE001  (the outcome is what is compared)
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=getattr(action, "__name__", "action"),
                              daemon=True)
    thread.start()
    return thread, outcome


def someone_waits_for_a_lock() -> bool:
    """Whether another session waits for a row lock. (pg_stat_activity's query column is cut
    at 1 kB: a SELECT naming every column of its tables does not show its FOR UPDATE.)"""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0] > 0


def finished(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.join(GENEROUS_S)
        assert not thread.is_alive(), f"{thread.name} did not finish"


def test_cancelling_while_the_acknowledgement_timer_fires_finishes_both(
        demo, dispatched, monkeypatch, settings):
    """The tick holds the timer's row (firing it); the dispatcher's cancel holds the
    assignment's and waits for the timer's; then the tick's handler asks for the assignment.
    The request waited first, so PostgreSQL's deadlock check (after 1 s) would end the
    request; the tick lets go before that, and the cancel goes through."""
    settings.TIMER_LOCK_TIMEOUT_MS = 100  # well before the deadlock check, on a slow machine
    assignment = dispatched("alerted")
    timer = Timer.objects.get(kind=services.ACK_TIMER, key=str(assignment.pk),
                              state=TimerState.PENDING)
    Timer.objects.filter(pk=timer.pk).update(due_at=timezone.now())
    locked, tick_holds_timer, request_waits = (threading.Event() for _ in range(3))
    handle = registry.handler_for(services.ACK_TIMER)

    def handler_after_the_request(fired):
        tick_holds_timer.set()
        assert request_waits.wait(GENEROUS_S), "the cancel never waited"
        return handle(fired)

    monkeypatch.setitem(registry._handlers, services.ACK_TIMER, handler_after_the_request)

    def dispatcher_cancels():
        with transaction.atomic():
            # The status change's first step (its row lock), held until the tick fires.
            Assignment.objects.select_for_update().get(pk=assignment.pk)
            locked.set()
            assert tick_holds_timer.wait(GENEROUS_S), "the tick never held the timer"
            return services.assignment_status_change(
                assignment=assignment, status=AssignmentStatus.CANCELLED, by=demo.anna)

    request, answered = in_thread(dispatcher_cancels)
    assert locked.wait(GENEROUS_S), answered
    tick, fired = in_thread(lambda: timer_fire(timer_id=timer.pk))
    wait_until(someone_waits_for_a_lock, what="the cancel to wait for the timer's row",
               interval=0.005)
    request_waits.set()  # the handler now asks for the assignment's row
    finished(request, tick)

    assert "error" not in answered, answered
    assert answered["value"].status == AssignmentStatus.CANCELLED
    assert fired == {"value": False}  # it let go of the rows and did not fire
    assert Timer.objects.get(pk=timer.pk).state == TimerState.CANCELLED
    assert Assignment.objects.get(pk=assignment.pk).resend_count == 0


def test_a_timer_that_let_go_fires_on_the_next_tick(demo, dispatched):
    assignment = dispatched("alerted")
    timer = Timer.objects.get(kind=services.ACK_TIMER, key=str(assignment.pk),
                              state=TimerState.PENDING)
    Timer.objects.filter(pk=timer.pk).update(due_at=timezone.now())
    released = threading.Event()

    def crew_holds_the_row():  # a longer transaction on the assignment than the tick waits
        with transaction.atomic():
            Assignment.objects.select_for_update().get(pk=assignment.pk)
            released.wait(GENEROUS_S)

    holder, _ = in_thread(crew_holds_the_row)
    wait_until(lambda: _row_locked(assignment.pk), what="the row to be held")
    assert timer_fire(timer_id=timer.pk) is False
    stored = Timer.objects.get(pk=timer.pk)
    assert (stored.state, stored.claimed_until, stored.attempts) == (TimerState.PENDING, None, 0)
    released.set()
    finished(holder)

    assert timer_fire(timer_id=timer.pk) is True
    assert Assignment.objects.get(pk=assignment.pk).resend_count == 1


def _row_locked(assignment_id: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT id FROM dispatch_assignment WHERE id = %s FOR UPDATE SKIP LOCKED",
                       [assignment_id])
        return cursor.fetchone() is None
