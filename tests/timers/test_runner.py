"""The embedded shape's in-process timer loop."""

import asyncio

import pytest

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


async def test_the_server_lifespan_starts_and_stops_the_timer_loop(monkeypatch, settings):
    """Embedded shape: uvicorn's lifespan starts the in-process loop and stops it on
    shutdown (config.asgi.Lifespan)."""
    from config.asgi import Lifespan

    settings.TIMERS_IN_PROCESS = True
    seen = {}

    async def fake_loop(stop):
        seen["started"] = True
        await stop.wait()
        seen["stopped"] = True

    monkeypatch.setattr(runner, "run_timer_loop", fake_loop)
    inbox = asyncio.Queue()
    outbox = []
    for message in ({"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}):
        inbox.put_nowait(message)

    async def send(message):
        outbox.append(message["type"])
        await asyncio.sleep(0)

    await asyncio.wait_for(Lifespan(app=None)({"type": "lifespan"}, inbox.get, send), 2)
    assert outbox == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert seen == {"started": True, "stopped": True}


async def test_without_in_process_timers_the_lifespan_starts_no_loop(monkeypatch, settings):
    from config.asgi import Lifespan

    settings.TIMERS_IN_PROCESS = False
    monkeypatch.setattr(runner, "run_timer_loop", lambda stop: pytest.fail("loop started"))
    inbox = asyncio.Queue()
    inbox.put_nowait({"type": "lifespan.startup"})
    inbox.put_nowait({"type": "lifespan.shutdown"})
    sent = []

    async def send(message):
        sent.append(message["type"])

    await asyncio.wait_for(Lifespan(app=None)({"type": "lifespan"}, inbox.get, send), 2)
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
