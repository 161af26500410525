"""Stored timers: claimed by conditional UPDATE, fired once, retried after a lease, failed after
MAX_ATTEMPTS, and nothing but rows (so a restart loses none)."""

from datetime import timedelta
from types import SimpleNamespace

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from crews.models import Region
from timers import registry, services
from timers.models import Timer, TimerState
from timers.services import (
    MAX_ATTEMPTS,
    fire_due_timers,
    timer_cancel,
    timer_create,
    timer_fire,
    timer_schedule,
)

KIND = "test.reminder"


@pytest.fixture
def only_test_timers(db):
    """Other apps' timers (the event purge) are not part of these tests."""
    Timer.objects.all().delete()


@pytest.fixture
def handler(monkeypatch, only_test_timers):
    """A handler for KIND that records its calls; set `.fail` to make it raise."""
    state = SimpleNamespace(calls=[], fail=False, payloads=[])

    def handle(timer):
        state.calls.append(timer.pk)
        state.payloads.append(timer.payload)
        Region.objects.create(code=f"T{len(state.calls)}", name="written by the handler")
        if state.fail:
            raise RuntimeError("the pager gateway is down")

    monkeypatch.setitem(registry._handlers, KIND, handle)
    return state


@pytest.fixture
def lease(settings):
    return timedelta(seconds=settings.TIMER_LEASE_SECONDS)


def due(key="1", *, ago=timedelta(seconds=1), **kwargs) -> Timer:
    return timer_schedule(kind=KIND, key=key, due_at=timezone.now() - ago, **kwargs)


def test_a_due_timer_fires_once(handler):
    timer = due(payload={"assignment": 7})
    now = timezone.now()
    assert timer_fire(timer_id=timer.pk, now=now) is True
    assert timer_fire(timer_id=timer.pk, now=now) is False
    assert fire_due_timers(now=now + timedelta(hours=1)) == 0
    timer.refresh_from_db()
    assert handler.calls == [timer.pk] and handler.payloads == [{"assignment": 7}]
    assert (timer.state, timer.fired_at, timer.attempts) == (TimerState.FIRED, now, 1)


def test_a_timer_claimed_by_another_worker_is_left_alone_until_its_lease_ends(handler, lease):
    timer = due()
    now = timezone.now()
    # Another worker claims it (the same conditional UPDATE timer_fire makes) and dies.
    Timer.objects.filter(pk=timer.pk).update(claimed_until=now + lease,
                                             attempts=F("attempts") + 1)
    assert timer_fire(timer_id=timer.pk, now=now) is False
    assert fire_due_timers(now=now + lease - timedelta(seconds=1)) == 0
    assert handler.calls == []
    assert fire_due_timers(now=now + lease + timedelta(seconds=1)) == 1
    assert handler.calls == [timer.pk]
    assert Timer.objects.get(pk=timer.pk).attempts == 2


def test_a_worker_that_lost_its_claim_does_not_fire_the_timer_too(handler, lease, monkeypatch):
    """Worker A claims, stalls past its lease; worker B claims and fires; A must not fire."""
    timer = due()
    now = timezone.now()
    real_handler_for = services.handler_for
    results = {}

    def stalled_handler_for(kind):
        # Runs in A between its claim and its completion: B comes in after A's lease.
        if "b" not in results:
            results["b"] = timer_fire(timer_id=timer.pk, now=now + lease + timedelta(seconds=1))
        return real_handler_for(kind)

    monkeypatch.setattr(services, "handler_for", stalled_handler_for)
    results["a"] = timer_fire(timer_id=timer.pk, now=now)
    assert results == {"a": False, "b": True}
    assert handler.calls == [timer.pk]
    stored = Timer.objects.get(pk=timer.pk)
    assert stored.state == TimerState.FIRED and stored.fired_at == now + lease + timedelta(
        seconds=1)


def lock_conflict_error(cause: type[psycopg.Error]) -> OperationalError:
    """A database error as Django raises it for PostgreSQL's `cause` (its __cause__)."""
    try:
        try:
            raise cause("canceling statement due to lock timeout")
        except psycopg.Error as error:
            raise OperationalError(str(error)) from error
    except OperationalError as wrapped:
        return wrapped


@pytest.mark.parametrize("cause", [psycopg.errors.LockNotAvailable,
                                   psycopg.errors.DeadlockDetected])
def test_a_handler_that_waited_too_long_for_a_row_lets_go_and_fires_on_the_next_tick(
    handler, monkeypatch, cause
):
    """What the handler wrote rolls back, the claim is released at once (not after the lease)
    and the attempt is not counted: the request that held the row goes on, the timer fires
    on the next tick. The race itself, on PostgreSQL: tests/dispatch/test_races.py."""
    timer = due()
    record = registry._handlers[KIND]
    calls = []

    def waits_too_long(fired):
        calls.append(fired.pk)
        if len(calls) == 1:
            Region.objects.create(code="TX", name="written by the handler")
            raise lock_conflict_error(cause)
        record(fired)

    monkeypatch.setitem(registry._handlers, KIND, waits_too_long)
    now = timezone.now()
    assert timer_fire(timer_id=timer.pk, now=now) is False
    stored = Timer.objects.get(pk=timer.pk)
    assert (stored.state, stored.claimed_until, stored.attempts, stored.last_error) == (
        TimerState.PENDING, None, 0, "")
    assert not Region.objects.filter(code="TX").exists()

    assert fire_due_timers(now=now + timedelta(seconds=1)) == 1
    stored = Timer.objects.get(pk=timer.pk)
    assert (stored.state, stored.attempts) == (TimerState.FIRED, 1)
    assert handler.calls == [timer.pk]


def test_another_database_error_is_a_failed_attempt(handler, monkeypatch):
    timer = due()

    def disk_full(fired):
        raise OperationalError("could not extend file: No space left on device")

    monkeypatch.setitem(registry._handlers, KIND, disk_full)
    assert timer_fire(timer_id=timer.pk) is False
    stored = Timer.objects.get(pk=timer.pk)
    assert (stored.state, stored.attempts) == (TimerState.PENDING, 1)
    assert "No space left" in stored.last_error
    assert stored.claimed_until is not None  # tried again after its lease


def test_a_failing_handler_is_retried_after_its_lease_and_fails_after_max_attempts(
    handler, lease
):
    handler.fail = True
    timer = due()
    now = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert timer_fire(timer_id=timer.pk, now=now) is False
        stored = Timer.objects.get(pk=timer.pk)
        assert stored.attempts == attempt
        assert "pager gateway is down" in stored.last_error
        expected = TimerState.FAILED if attempt == MAX_ATTEMPTS else TimerState.PENDING
        assert stored.state == expected
        if attempt < MAX_ATTEMPTS:
            # Not again before the lease ends...
            assert fire_due_timers(now=now + lease - timedelta(seconds=1)) == 0
            assert Timer.objects.get(pk=timer.pk).attempts == attempt
        now += lease + timedelta(seconds=1)
    assert len(handler.calls) == MAX_ATTEMPTS
    # ...and never after it failed for good.
    assert fire_due_timers(now=now + timedelta(days=1)) == 0
    assert len(handler.calls) == MAX_ATTEMPTS
    # What the failing handler wrote was rolled back each time.
    assert not Region.objects.filter(name="written by the handler").exists()


def test_a_handler_that_recovers_fires_on_the_retry(handler, lease):
    handler.fail = True
    timer = due()
    now = timezone.now()
    assert timer_fire(timer_id=timer.pk, now=now) is False
    handler.fail = False
    assert timer_fire(timer_id=timer.pk, now=now + lease + timedelta(seconds=1)) is True
    stored = Timer.objects.get(pk=timer.pk)
    assert (stored.state, stored.attempts) == (TimerState.FIRED, 2)
    assert Region.objects.filter(name="written by the handler").count() == 1


def test_a_timer_without_a_handler_is_retried_then_failed(only_test_timers, lease):
    timer = timer_schedule(kind="test.nobody-handles-this", key="1",
                           due_at=timezone.now() - timedelta(seconds=1))
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        assert timer_fire(timer_id=timer.pk, now=now) is False
        now += lease + timedelta(seconds=1)
    stored = Timer.objects.get(pk=timer.pk)
    assert stored.state == TimerState.FAILED and "No handler" in stored.last_error


def test_a_timer_survives_a_restart(handler, lease):
    """A timer is a row: a new process (no Python state at all) fires it, also one whose
    previous worker claimed it and died mid-fire."""
    timer_schedule(kind=KIND, key="restart", due_at=timezone.now() + timedelta(seconds=30),
                   payload={"assignment": 42})
    crashed = due("crashed")
    now = timezone.now()
    Timer.objects.filter(pk=crashed.pk).update(claimed_until=now + lease, attempts=1)
    del crashed
    # "Restart": nothing is kept but the rows.
    rows = list(Timer.objects.filter(kind=KIND).values_list("key", "state"))
    assert sorted(rows) == [("crashed", "pending"), ("restart", "pending")]
    assert fire_due_timers(now=now) == 0  # neither is claimable yet
    assert fire_due_timers(now=now + lease + timedelta(seconds=1)) == 2
    assert sorted(handler.payloads, key=len) == [{}, {"assignment": 42}]
    assert set(Timer.objects.filter(kind=KIND).values_list("state", flat=True)) == {"fired"}


def test_a_cancelled_timer_does_not_fire(handler):
    timer = due()
    assert timer_cancel(kind=KIND, key="1") == 1
    assert timer_cancel(kind=KIND, key="1") == 0
    assert timer_fire(timer_id=timer.pk, now=timezone.now()) is False
    assert fire_due_timers(now=timezone.now() + timedelta(days=1)) == 0
    assert handler.calls == []
    assert Timer.objects.get(pk=timer.pk).state == TimerState.CANCELLED


def test_a_timer_not_yet_due_does_not_fire(handler):
    timer = timer_schedule(kind=KIND, key="later", due_at=timezone.now() + timedelta(minutes=5))
    assert timer_fire(timer_id=timer.pk, now=timezone.now()) is False
    assert fire_due_timers(now=timezone.now()) == 0
    assert handler.calls == [] and Timer.objects.get(pk=timer.pk).attempts == 0


def test_scheduling_again_moves_the_one_pending_timer(handler):
    first = timer_schedule(kind=KIND, key="k", due_at=timezone.now() + timedelta(minutes=1),
                           payload={"n": 1})
    Timer.objects.filter(pk=first.pk).update(claimed_until=timezone.now())
    later = timezone.now() + timedelta(minutes=5)
    moved = timer_schedule(kind=KIND, key="k", due_at=later, payload={"n": 2})
    assert moved.pk == first.pk
    stored = Timer.objects.get(pk=first.pk)
    assert (stored.due_at, stored.payload, stored.claimed_until) == (later, {"n": 2}, None)
    assert Timer.objects.filter(kind=KIND, key="k", state="pending").count() == 1


def test_a_created_timer_fires_and_a_second_pending_one_for_its_key_is_refused(handler):
    timer = timer_create(kind=KIND, key="new", due_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        timer_create(kind=KIND, key="new", due_at=timezone.now())
    assert Timer.objects.filter(kind=KIND, key="new").count() == 1
    assert timer_fire(timer_id=timer.pk, now=timezone.now()) is True
    assert handler.calls == [timer.pk]


def test_after_firing_the_same_key_can_be_scheduled_again(handler):
    timer = due("k")
    timer_fire(timer_id=timer.pk, now=timezone.now())
    again = due("k")
    assert again.pk != timer.pk
    assert timer_fire(timer_id=again.pk, now=timezone.now()) is True
    assert handler.calls == [timer.pk, again.pk]


def test_due_timers_fire_oldest_first_up_to_the_limit(handler):
    now = timezone.now()
    for key, minutes in (("c", 1), ("a", 3), ("b", 2)):
        timer_schedule(kind=KIND, key=key, due_at=now - timedelta(minutes=minutes))
    assert fire_due_timers(now=now, limit=2) == 2
    fired = Timer.objects.filter(pk__in=handler.calls)
    assert [t.key for t in sorted(fired, key=lambda t: handler.calls.index(t.pk))] == ["a", "b"]
    assert fire_due_timers(now=now) == 1
    assert len(handler.calls) == 3


def test_the_celery_task_fires_due_timers(handler):
    from timers.tasks import fire_due_timers as task

    due("celery")
    assert task() == 1
    assert len(handler.calls) == 1
