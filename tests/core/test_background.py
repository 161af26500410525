"""The after-commit thread pool shared by push and imaging, and stored timers fired at once
after a commit (IVPA's first wave)."""

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from core import background
from core.background import BackgroundPool, timer_fire_after_commit, timers_soon_wait_idle
from crews.models import Region
from timers import registry
from timers.models import Timer, TimerState
from timers.services import fire_due_timers, timer_create

KIND = "test.soon"


@pytest.fixture
def handler(monkeypatch, db):
    """A handler for KIND that records its calls (and writes, as a real one does)."""
    Timer.objects.all().delete()
    state = SimpleNamespace(calls=[])

    def handle(timer):
        state.calls.append(timer.pk)
        Region.objects.create(code=f"S{len(state.calls)}", name="written by the handler")

    monkeypatch.setitem(registry._handlers, KIND, handle)
    return state


def test_work_runs_in_a_named_thread_and_can_be_waited_for():
    seen = []
    gate = threading.Event()
    pool = BackgroundPool("test-pool", lambda: 2)

    def work(value):
        gate.wait(5)
        seen.append((value, threading.current_thread().name.startswith("test-pool")))

    pool.submit(work, value=1)
    assert not pool.wait_idle(0.05)  # still running
    gate.set()
    assert pool.wait_idle(5)
    assert seen == [(1, True)]


def test_with_no_threads_work_runs_inline():
    seen = []
    BackgroundPool("inline", lambda: 0).submit(lambda value: seen.append(value), value=7)
    assert seen == [7]


def test_a_failure_is_logged_and_does_not_stop_the_pool(caplog):
    pool = BackgroundPool("failing", lambda: 1)

    def broken():
        raise RuntimeError("push service down")

    seen = []
    pool.submit(broken)
    pool.submit(lambda: seen.append("after"))
    assert pool.wait_idle(5)
    assert seen == ["after"]
    assert "push service down" in caplog.text


@pytest.fixture
def thread_connections(monkeypatch, tmp_path, django_db_blocker):
    """connections_release() over a SQLite connection to a file of the test's own (the test
    database is in memory, and Django never closes one of those) and a PostgreSQL stand-in."""
    from django.db import connection
    from django.db.backends.sqlite3.base import DatabaseWrapper

    sqlite = DatabaseWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.sqlite3",
                              "NAME": str(tmp_path / "thread.sqlite3"), "OPTIONS": {}},
                             alias="thread")
    postgres = SimpleNamespace(vendor="postgresql", connection=object(), closed=0)
    postgres.close = lambda: setattr(postgres, "closed", postgres.closed + 1)
    monkeypatch.setattr(background, "connections",
                        SimpleNamespace(all=lambda initialized_only: [sqlite, postgres]))
    with django_db_blocker.unblock():
        yield SimpleNamespace(sqlite=sqlite, postgres=postgres)
        sqlite.close()


def test_after_a_job_a_clean_sqlite_connection_is_kept_and_others_are_closed(thread_connections):
    from django.db import DatabaseError

    sqlite = thread_connections.sqlite
    sqlite.ensure_connection()
    background.connections_release()
    assert sqlite.connection is not None  # kept for the thread's next job
    assert thread_connections.postgres.closed == 1  # back to the process's pool

    with pytest.raises(DatabaseError):  # outside a transaction: no rollback vouches for it
        sqlite.cursor().execute("SELECT * FROM no_such_table_here")
    background.connections_release()
    assert sqlite.connection is None


# --- fired at once after the caller's commit --------------------------------------------------


def test_a_timer_fired_after_commit_waits_for_the_commit(handler,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as after_commit:
        timer = timer_create(kind=KIND, key="soon", due_at=timezone.now())
        timer_fire_after_commit(timer=timer)
        assert handler.calls == []  # nothing before the commit
    for callback in after_commit:
        callback()
    assert handler.calls == [timer.pk]
    assert Timer.objects.get(pk=timer.pk).state == TimerState.FIRED


def test_a_timer_whose_after_commit_fire_was_lost_fires_at_the_next_tick(
        handler, django_capture_on_commit_callbacks):
    # The process died between the commit and the thread: the row is still due.
    with django_capture_on_commit_callbacks():
        timer = timer_create(kind=KIND, key="lost", due_at=timezone.now())
        timer_fire_after_commit(timer=timer)
    assert handler.calls == []
    assert fire_due_timers(now=timezone.now() + timedelta(seconds=1)) == 1
    assert handler.calls == [timer.pk]


@pytest.mark.django_db(transaction=True)
def test_a_timer_fired_after_commit_runs_in_a_thread_once(handler, settings):
    settings.TIMER_SOON_THREADS = 2
    with transaction.atomic():
        timer = timer_create(kind=KIND, key="thread", due_at=timezone.now())
        timer_fire_after_commit(timer=timer)
    assert timers_soon_wait_idle(timeout=30)
    # The tick that comes meanwhile finds it claimed or fired: once in all.
    fire_due_timers(now=timezone.now() + timedelta(seconds=1))
    assert handler.calls == [timer.pk]
    assert Timer.objects.get(pk=timer.pk).state == TimerState.FIRED
