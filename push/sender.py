"""Where pushes and SMS are sent: after commit, in a small pool of threads.

Neither the timer loop (embedded shape) nor the Celery worker waits on a push service, and no
database transaction is open while one is asked. A send that is lost with its process (a
crash between commit and send) is not lost for good: every delivery has a watchdog timer that
sends it again.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_executor_size = 0
_pending: set[Future] = set()


def _run(func: Callable, kwargs: dict) -> None:
    try:
        func(**kwargs)
    except Exception:
        logger.exception("Sending failed: %s(%r)", getattr(func, "__name__", func), kwargs)
    finally:
        connections.close_all()  # this thread's connections; the pool outlives requests


def _pool() -> ThreadPoolExecutor:
    global _executor, _executor_size
    size = settings.PUSH_SEND_THREADS
    if _executor is None or _executor_size != size:
        if _executor is not None:
            _executor.shutdown(wait=False)
        _executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="push-send")
        _executor_size = size
    return _executor


def submit(func: Callable, **kwargs) -> None:
    """Run func(**kwargs) in the sending pool (inline when PUSH_SEND_THREADS is 0)."""
    if settings.PUSH_SEND_THREADS <= 0:
        try:
            func(**kwargs)
        except Exception:
            logger.exception("Sending failed: %s(%r)", getattr(func, "__name__", func), kwargs)
        return
    with _lock:
        future = _pool().submit(_run, func, kwargs)
        _pending.add(future)
    future.add_done_callback(_done)


def _done(future: Future) -> None:
    with _lock:
        _pending.discard(future)


def after_commit(func: Callable, **kwargs) -> None:
    transaction.on_commit(lambda: submit(func, **kwargs))


def wait_idle(timeout: float = 10.0) -> bool:
    """Wait until every send submitted so far (and any it submitted) has finished."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            pending = set(_pending)
        if not pending:
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        wait(pending, timeout=remaining)
