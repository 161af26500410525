"""Where a thread without an event loop of its own runs the channel layer's sends.

`async_to_sync` from such a thread (a pool thread firing IVPA's first wave, a Celery task)
starts a new event loop in a new thread for every call. The Redis layer keeps its
connections per loop, so each of those sends also opened, and closed, a connection per
stream sent to in parallel. The in-memory layer (embedded shape) was worse off: its queues
belong to the server's loop, and a put from another loop did not wake that loop until its
next tick. A process names the loop for such sends once: the server its own (the ASGI
lifespan), a Celery worker process a loop in a thread of its own."""

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Awaitable, Callable

from asgiref.sync import async_to_sync

# Longer than any send should take; a send that does not finish by then is reported as not
# sent (the event is in the log, and sockets read it from there).
LAYER_SEND_TIMEOUT_S = 30.0

_sending_loop: asyncio.AbstractEventLoop | None = None


def sending_loop_set(loop: asyncio.AbstractEventLoop | None) -> None:
    """Name the loop this process sends on from threads without one (None: none)."""
    global _sending_loop
    _sending_loop = loop


def loop_thread_start(name: str) -> asyncio.AbstractEventLoop:
    """An event loop running for ever in a daemon thread named `name`."""
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(started.set)
        loop.run_forever()

    threading.Thread(target=run, name=name, daemon=True).start()
    started.wait()
    return loop


def sending_loop_start() -> asyncio.AbstractEventLoop:
    """Start a loop in a daemon thread and send on it (a Celery worker process, which has no
    loop of its own): its Redis connections stay open from one task to the next."""
    loop = loop_thread_start("layer-sends")
    sending_loop_set(loop)
    return loop


def _thread_has_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def layer_run(func: Callable[..., Awaitable], *args) -> object:
    """`await func(*args)` from synchronous code, and its result: on the process's sending
    loop when one is running (and this thread runs no loop), else through `async_to_sync` as
    before."""
    loop = _sending_loop
    if loop is None or not loop.is_running() or _thread_has_loop():
        return async_to_sync(func)(*args)
    future = asyncio.run_coroutine_threadsafe(func(*args), loop)
    deadline = time.monotonic() + LAYER_SEND_TIMEOUT_S
    try:
        while True:
            try:
                return future.result(timeout=min(1.0, max(0.0, deadline - time.monotonic())))
            except concurrent.futures.TimeoutError:
                if time.monotonic() >= deadline:
                    raise
                if not loop.is_running():  # the server is stopping: the send never runs
                    raise RuntimeError("The sending loop stopped before the send ran") from None
    except BaseException:
        future.cancel()
        raise
