"""Sends from threads without an event loop (a pool thread firing IVPA's first wave, a Celery
task) run on the process's sending loop: the server's own, or a worker process's loop."""

import asyncio
import threading

import pytest

from realtime import loops
from realtime.schema import group_name
from realtime.services import events_publish
from tests.live import GENEROUS_S, loop_end, wait_until


@pytest.fixture
def server_loop():
    """A loop in a thread of its own, named the process's sending loop, as the ASGI lifespan
    names the server's; stopped afterwards."""
    loop = loops.sending_loop_start()
    yield loop
    loops.sending_loop_set(None)
    loop_end(loop)


def recording(send, loops_seen: list):
    async def recorded(*args):
        loops_seen.append(asyncio.get_running_loop())
        return await send(*args)
    return recorded


def on(loop, coroutine):
    """Run `coroutine` on `loop` (in its thread) and return its result."""
    future = asyncio.run_coroutine_threadsafe(coroutine, loop)
    wait_until(future.done, what="a coroutine on the server's loop")
    return future.result()


@pytest.mark.django_db
def test_events_published_from_a_thread_without_a_loop_reach_the_sockets_of_the_server_loop(
        server_loop, channel_layer, monkeypatch, django_capture_on_commit_callbacks):
    """The in-memory layer's queues belong to the server's loop: a send from a new loop of
    async_to_sync's put the event there without waking that loop, and an idle server never
    delivered it. On Redis the loop keeps its connections from one send to the next."""
    sent_on = []
    for name in ("group_send", "group_send_many"):  # the latter on Redis (realtime.layers)
        if hasattr(channel_layer, name):
            monkeypatch.setattr(channel_layer, name, recording(getattr(channel_layer, name),
                                                               sent_on))
    streams = ["responder.7", "responder.8"]

    async def listen(stream):
        channel = await channel_layer.new_channel()
        await channel_layer.group_add(group_name(stream), channel)
        return channel

    channels = [on(server_loop, listen(stream)) for stream in streams]
    received = [asyncio.run_coroutine_threadsafe(channel_layer.receive(channel), server_loop)
                for channel in channels]
    # This test's thread has no running loop: it stands for the pool thread.
    with django_capture_on_commit_callbacks(execute=True):
        events_publish(events=[(stream, "alert.created", {"id": i})
                               for i, stream in enumerate(streams)])
    wait_until(lambda: all(r.done() for r in received), what="both sockets got their event")
    assert [r.result()["event"]["stream"] for r in received] == streams
    assert sent_on and set(sent_on) == {server_loop}


def test_a_send_answers_with_its_result_on_the_sending_loop(server_loop):
    async def where():
        return asyncio.get_running_loop()

    assert loops.layer_run(where) is server_loop


def test_without_a_sending_loop_a_send_runs_as_before_through_async_to_sync():
    async def add(a, b):
        return a + b

    assert loops._sending_loop is None
    assert loops.layer_run(add, 2, 3) == 5


def test_a_send_that_hangs_is_given_up_and_cancelled(server_loop, monkeypatch):
    """A stuck layer must not hold the thread that committed for ever: the event is in the
    log, and the caller reports it as not sent."""
    monkeypatch.setattr(loops, "LAYER_SEND_TIMEOUT_S", 0.5)
    cancelled = threading.Event()

    async def hang():
        try:
            await asyncio.Event().wait()  # until cancelled
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(TimeoutError):
        loops.layer_run(hang)
    wait_until(cancelled.is_set, what="the hanging send cancelled")


async def test_the_server_lifespan_names_its_loop_for_sends_and_forgets_it_at_shutdown(
        settings):
    from config.asgi import Lifespan

    settings.TIMERS_IN_PROCESS = False
    inbox, named = asyncio.Queue(), []
    inbox.put_nowait({"type": "lifespan.startup"})
    inbox.put_nowait({"type": "lifespan.shutdown"})

    async def send(message):
        named.append((message["type"], loops._sending_loop))

    await Lifespan(app=None)({"type": "lifespan"}, inbox.get, send)
    assert named == [("lifespan.startup.complete", asyncio.get_running_loop()),
                     ("lifespan.shutdown.complete", None)]


async def answer(value):
    return value


def test_each_celery_worker_process_sends_on_a_running_loop_of_its_own():
    from config.celery import sending_loop_per_worker_process

    sending_loop_per_worker_process()
    loop = loops._sending_loop
    try:
        assert loop is not None and loop.is_running()
        assert loops.layer_run(answer, "sent") == "sent"
    finally:
        loops.sending_loop_set(None)
        loop_end(loop)


def test_a_send_to_a_loop_that_stops_gives_up_without_waiting_out_its_timeout(monkeypatch):
    """A server shutting down while a pool thread sends: the thread is told at once (it
    would otherwise hold the process's exit for the whole timeout)."""
    # Longer than the test waits: only the stopped loop can end the send in time.
    monkeypatch.setattr(loops, "LAYER_SEND_TIMEOUT_S", 2 * GENEROUS_S)
    loop = loops.sending_loop_start()
    started, outcome = threading.Event(), []

    async def hang():
        started.set()
        await asyncio.Event().wait()  # until cancelled

    def send():
        try:
            loops.layer_run(hang)
        except Exception as error:  # noqa: BLE001 - what the test looks at
            outcome.append(error)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        wait_until(started.is_set, what="the send running")
        loop.call_soon_threadsafe(loop.stop)
        wait_until(lambda: outcome, what="the sender told the loop stopped")
    finally:
        loops.sending_loop_set(None)
        wait_until(lambda: not sender.is_alive(), what="the sender finished")
        loop_end(loop)
    assert isinstance(outcome[0], RuntimeError)
