"""The embedded shape's in-process timer loop."""

import asyncio

from timers import runner, services


async def test_the_loop_ticks_until_stopped_and_survives_a_failing_tick(monkeypatch, settings):
    settings.TIMER_TICK_SECONDS = 0.01
    ticks = []
    stop = asyncio.Event()

    def fake_fire_due_timers():
        ticks.append(len(ticks))
        if len(ticks) == 1:
            raise RuntimeError("database went away")
        if len(ticks) >= 3:
            stop.set()
        return 0

    monkeypatch.setattr(services, "fire_due_timers", fake_fire_due_timers)
    monkeypatch.setattr(runner, "close_old_connections", lambda: None)
    await asyncio.wait_for(runner.run_timer_loop(stop), timeout=5)
    assert ticks == [0, 1, 2]  # the failing first tick did not end the loop


async def test_a_stopped_loop_returns_at_once(monkeypatch):
    stop = asyncio.Event()
    stop.set()
    called = []
    monkeypatch.setattr(services, "fire_due_timers", lambda: called.append(1))
    await asyncio.wait_for(runner.run_timer_loop(stop), timeout=1)
    assert called == []
