"""Heartbeats of the timer machinery and what /healthz makes of them (issue 12, item 2): beat's
tick and a worker's task each record when they last ran; /healthz is red, naming the part,
when one has not run within its limit (settings HEALTH_*_MAX_AGE_SECONDS), and green again
once it runs. The production shape's processes are in tests/cluster/test_health_heartbeats.py."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

import config.celery
from timers import runner, services, tasks
from timers.models import Heartbeat
from timers.selectors import heartbeat_states

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings, monkeypatch):
    settings.HEALTH_BEAT_MAX_AGE_SECONDS = 15
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 30
    monkeypatch.setattr(services, "_heartbeats_written", {})  # each test starts unthrottled
    return settings


def beat_aged(name: str, seconds: float) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now() - timedelta(seconds=seconds)})


def states() -> dict:
    return {s.name: s for s in heartbeat_states()}


def test_never_recorded_is_not_ok():
    found = states()
    assert set(found) == {"beat", "worker"}
    assert all(s.age_seconds is None and not s.ok and s.summary == "never"
               for s in found.values())


@pytest.mark.parametrize(("name", "age", "ok"), [
    ("beat", 1, True), ("beat", 14, True), ("beat", 16, False), ("beat", 600, False),
    ("worker", 16, True), ("worker", 29, True), ("worker", 31, False),
])
def test_each_heartbeat_has_its_own_limit(name, age, ok):
    beat_aged(name, age)
    state = states()[name]
    assert state.ok is ok, state
    assert state.age_seconds == pytest.approx(age, abs=1.5)
    # A late age is rounded up: just past the limit never reads as the limit itself.
    assert state.summary == ("ok" if ok else f"late: {math.ceil(state.age_seconds)} s (limit "
                             f"{state.limit_seconds:g} s)")


def test_the_limits_come_from_settings(limits):
    beat_aged("worker", 10)
    assert states()["worker"].ok
    limits.HEALTH_WORKER_MAX_AGE_SECONDS = 5
    assert not states()["worker"].ok


def test_recording_writes_the_database_time_and_who():
    assert services.heartbeat_record(name="beat") is True
    heartbeat = Heartbeat.objects.get(name="beat")
    assert abs((timezone.now() - heartbeat.at).total_seconds()) < 5
    assert heartbeat.by.endswith(f":{__import__('os').getpid()}")
    assert states()["beat"].ok


def test_recording_writes_at_most_once_a_third_of_the_limit(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    assert services.heartbeat_record(name="beat") is True  # limit 15 s: every 5 s at most
    beat_aged("beat", 3)
    clock[0] += 4.9
    assert services.heartbeat_record(name="beat") is False
    assert states()["beat"].age_seconds == pytest.approx(3, abs=1.5)  # not rewritten
    clock[0] += 0.2
    assert services.heartbeat_record(name="beat") is True
    assert states()["beat"].age_seconds < 2
    assert services.heartbeat_record(name="worker") is True  # its own pace (limit 30 s)
    clock[0] += 9
    assert services.heartbeat_record(name="worker") is False
    clock[0] += 1.1
    assert services.heartbeat_record(name="worker") is True


def test_a_failed_write_is_logged_not_raised(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Heartbeat.objects, "filter", broken)
    assert services.heartbeat_record(name="worker") is False
    assert "Heartbeat worker not recorded" in caplog.text


def test_the_worker_records_its_heartbeat_when_it_runs_the_tick():
    tasks.fire_due_timers()
    assert states()["worker"].ok
    assert not states()["beat"].ok  # the worker does not speak for beat


def test_beat_records_its_heartbeat_when_it_sends_the_tick(monkeypatch):
    monkeypatch.setattr("django.db.close_old_connections", lambda: None)  # (the test's atomic)
    sent_by_beat = {"celery_beat_task": True}
    config.celery.beat_heartbeat(sender="imaging.process", headers=sent_by_beat)
    config.celery.beat_heartbeat(sender="timers.tasks.fire_due_timers", headers={})
    assert not states()["beat"].ok  # neither another task nor a tick sent by someone else
    config.celery.beat_heartbeat(sender="timers.tasks.fire_due_timers", headers=sent_by_beat)
    assert states()["beat"].ok
    assert not states()["worker"].ok


def test_the_embedded_loop_is_both_beat_and_worker(monkeypatch):
    monkeypatch.setattr(runner, "close_old_connections", lambda: None)
    runner._tick()
    assert all(s.ok for s in states().values())


def test_healthz_is_red_naming_the_heartbeat_that_is_late_and_green_once_it_runs(client):
    answer = client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["ok"] is False
    assert body["failing"] == ["beat", "worker"]
    assert body["beat"] == body["worker"] == "never"
    assert body["database"] == body["channel_layer"] == "ok"  # what it checked before still

    beat_aged("beat", 2)
    beat_aged("worker", 45)
    body = client.get("/healthz").json()
    assert body["failing"] == ["worker"]
    assert body["beat"] == "ok" and body["worker"].startswith(("late: 45 s", "late: 46 s"))
    assert body["worker_age_seconds"] == pytest.approx(45, abs=1.5)

    services.heartbeat_record(name="worker")
    answer = client.get("/healthz")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["failing"] == []


def test_healthz_still_turns_red_on_a_timer_backlog(client):
    from timers.services import timer_schedule

    services.heartbeat_record(name="beat")
    services.heartbeat_record(name="worker")
    timer_schedule(kind="test.kind", key="1", due_at=timezone.now() - timedelta(seconds=60))
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["timer_lag_seconds"]


def test_the_timer_lag_limit_comes_from_settings(client, limits):
    """Review of issue 12, item 15: the limit was a constant in core/health.py."""
    from timers.services import timer_schedule

    services.heartbeat_record(name="beat")
    services.heartbeat_record(name="worker")
    timer_schedule(kind="test.kind", key="1", due_at=timezone.now() - timedelta(seconds=60))
    limits.HEALTH_TIMER_LAG_SECONDS = 120
    assert client.get("/healthz").json()["failing"] == []
    limits.HEALTH_TIMER_LAG_SECONDS = 30
    assert client.get("/healthz").json()["failing"] == ["timer_lag_seconds"]
