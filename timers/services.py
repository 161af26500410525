"""Scheduling, cancelling and firing stored timers."""

import logging
import os
import socket
import time
from datetime import datetime, timedelta

import psycopg
from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from .models import Heartbeat, Timer, TimerState
from .registry import handler_for
from .selectors import heartbeat_limits

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# What PostgreSQL ends a transaction with when it waited too long for a row (lock_timeout),
# lost a deadlock, or could not be serialised: all of it rolled back, it can simply run again.
LOCK_CONFLICTS = (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected,
                  psycopg.errors.SerializationFailure)


def lock_conflict(error: BaseException) -> bool:
    """Whether `error` is one of LOCK_CONFLICTS, as Django raises it (its cause)."""
    return isinstance(error, OperationalError) and isinstance(error.__cause__, LOCK_CONFLICTS)


def timer_schedule(*, kind: str, key: str, due_at: datetime, payload: dict | None = None) -> Timer:
    """Schedule (or move) the one pending timer of this kind and key."""
    with transaction.atomic():
        timer = Timer.objects.select_for_update().filter(
            kind=kind, key=key, state=TimerState.PENDING
        ).first()
        if timer is None:
            return Timer.objects.create(kind=kind, key=key, due_at=due_at, payload=payload or {})
        timer.due_at = due_at
        timer.payload = payload or {}
        timer.claimed_until = None
        timer.save(update_fields=["due_at", "payload", "claimed_until"])
        return timer


def timer_create(*, kind: str, key: str, due_at: datetime, payload: dict | None = None) -> Timer:
    """Schedule the first timer of a key made in this transaction (a new callout's id): one
    INSERT instead of timer_schedule()'s savepoint, look-up and insert, on paths where every
    statement delays an alert. The one-pending-per-key constraint still holds."""
    return Timer.objects.create(kind=kind, key=key, due_at=due_at, payload=payload or {})


def timer_new(*, kind: str, key: str, due_at: datetime, payload: dict | None = None) -> Timer:
    """A timer of a key made in this transaction, unsaved: the caller inserts it with others
    in one statement (realtime.services.events_publish's `timers`)."""
    return Timer(kind=kind, key=key, due_at=due_at, payload=payload or {})


def timer_cancel(*, kind: str, key: str) -> int:
    return Timer.objects.filter(kind=kind, key=key, state=TimerState.PENDING).update(
        state=TimerState.CANCELLED
    )


def _claimable(now: datetime) -> Q:
    return Q(state=TimerState.PENDING, due_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def timer_fire(*, timer_id: int, now: datetime | None = None) -> bool:
    """Claim and fire one timer. Returns True when this call fired it."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=settings.TIMER_LEASE_SECONDS)
    claimed = Timer.objects.filter(_claimable(now), pk=timer_id).update(
        claimed_until=lease, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return False
    timer = Timer.objects.get(pk=timer_id)
    handler = handler_for(timer.kind)
    try:
        with transaction.atomic():
            _lock_wait_bound()
            done = Timer.objects.filter(
                pk=timer_id, state=TimerState.PENDING, claimed_until=lease
            ).update(state=TimerState.FIRED, fired_at=now)
            if done != 1:
                return False
            if handler is None:
                raise LookupError(f"No handler for timer kind {timer.kind!r}")
            handler(timer)
        return True
    except Exception as exc:
        if not lock_conflict(exc):
            return _fire_failed(timer, exc)
        # The timer's row is locked first, then the handler's: a request holding the
        # handler's row and waiting for the timer's (cancelling it) must not wait on us. Not
        # an attempt; a timer that lets go tick after tick shows as timer lag on /healthz.
        logger.warning("Timer %s let go of a row another transaction holds (%s); it fires on "
                       "the next tick", timer, type(exc.__cause__).__name__)
        Timer.objects.filter(pk=timer_id, state=TimerState.PENDING, claimed_until=lease).update(
            claimed_until=None, attempts=F("attempts") - 1)
        return False


def _lock_wait_bound() -> None:
    """Bound how long this transaction waits for a row lock (TIMER_LOCK_TIMEOUT_MS)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":  # SQLite has one writer: no lock is waited for
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)",
                           [f"{int(settings.TIMER_LOCK_TIMEOUT_MS)}ms"])


def _fire_failed(timer: Timer, exc: Exception) -> bool:
    """A handler that failed: tried again after its lease, until MAX_ATTEMPTS."""
    logger.error("Timer %s failed", timer, exc_info=exc)
    state = TimerState.FAILED if timer.attempts >= MAX_ATTEMPTS else TimerState.PENDING
    Timer.objects.filter(pk=timer.pk, state=TimerState.PENDING).update(
        last_error=repr(exc)[:2000], state=state
    )
    return False


def fire_due_timers(*, now: datetime | None = None, limit: int = 200) -> int:
    """Fire every due timer not claimed by someone else. Safe to run in many processes."""
    now = now or timezone.now()
    ids = list(
        Timer.objects.filter(_claimable(now))
        .order_by("due_at")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for timer_id in ids if timer_fire(timer_id=timer_id, now=now))


_heartbeats_written: dict[str, float] = {}


def heartbeat_record(*, name: str) -> bool:
    """Record that `name` (Heartbeat.BEAT or Heartbeat.WORKER) runs, for /healthz. Ticks come
    every second; one write per process every third of the heartbeat's limit is enough to keep
    it fresh, so the database sees at most a write every few seconds per process. Never
    raises (a failed write must not stop a tick): it logs, and tries again after as long.
    Returns True when it wrote."""
    now = time.monotonic()
    last = _heartbeats_written.get(name)
    if last is not None and now - last < heartbeat_limits()[name] / 3:
        return False
    _heartbeats_written[name] = now
    by = f"{socket.gethostname()}:{os.getpid()}"
    try:
        if not Heartbeat.objects.filter(name=name).update(at=Now(), by=by):
            try:
                with transaction.atomic():
                    Heartbeat.objects.create(name=name, at=Now(), by=by)
            except IntegrityError:  # another process wrote the first one meanwhile
                Heartbeat.objects.filter(name=name).update(at=Now(), by=by)
    except Exception as exc:
        logger.warning("Heartbeat %s not recorded: %r", name, exc)
        return False
    return True
