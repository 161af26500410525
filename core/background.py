"""Work that runs after commit in a small pool of threads of the serving process: pushes and
SMS, and (embedded shape) caller images. Nothing that answers a request waits on it; each
piece of work has a stored watchdog timer elsewhere, so a piece lost with its process is
not lost for good."""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)


def connections_release() -> None:
    """After a job, this thread's connections: a SQLite connection left clean (autocommit, no
    error) is kept for the thread's next job, since opening one (its PRAGMAs and functions)
    cost IVPA's first wave about 2 of its 21-25 ms (p50, bench/registration.py); any other is
    closed (PostgreSQL's go back to the process's pool)."""
    for conn in connections.all(initialized_only=True):
        reusable = (conn.vendor == "sqlite" and conn.connection is not None
                    and not conn.errors_occurred and not conn.in_atomic_block
                    and conn.get_autocommit())
        if not reusable:
            conn.close()


class BackgroundPool:
    """Threads named `name`, as many as size() says when work is submitted (0: inline).
    Remembers what is in flight so that tests and shutdown can wait for it."""

    def __init__(self, name: str, size: Callable[[], int]):
        self.name, self.size = name, size
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._executor_size = 0
        self._pending: set[Future] = set()

    def _run(self, func: Callable, kwargs: dict) -> None:
        try:
            func(**kwargs)
        except Exception:
            logger.exception("%s failed: %s(%r)", self.name,
                             getattr(func, "__name__", func), kwargs)
        finally:
            connections_release()

    def _pool(self, size: int) -> ThreadPoolExecutor:
        if self._executor is None or self._executor_size != size:
            if self._executor is not None:
                self._executor.shutdown(wait=False)
            self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix=self.name)
            self._executor_size = size
        return self._executor

    def submit(self, func: Callable, **kwargs) -> None:
        """Run func(**kwargs) in the pool (inline when the size is 0); errors are logged."""
        size = self.size()
        if size <= 0:
            try:
                func(**kwargs)
            except Exception:
                logger.exception("%s failed: %s(%r)", self.name,
                                 getattr(func, "__name__", func), kwargs)
            return
        with self._lock:
            future = self._pool(size).submit(self._run, func, kwargs)
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far (and anything it submitted) has finished."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = set(self._pending)
            if not pending:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            wait(pending, timeout=remaining)


_timers_soon = BackgroundPool("timers-soon", lambda: settings.TIMER_SOON_THREADS)


def timer_fire_after_commit(*, timer) -> None:
    """Fire a stored timer (timers.models.Timer) due now once the caller's transaction
    commits, in a thread of this process: work the caller must start but need not wait for
    (IVPA's first wave at a case's registration). The row is the promise: if this process
    dies first, or the thread cannot claim it, the timer loop (or beat and a worker) fires it
    at its next tick."""
    from timers.services import timer_fire

    timer_id = timer.pk
    transaction.on_commit(lambda: _timers_soon.submit(timer_fire, timer_id=timer_id),
                          robust=True)


def timers_soon_wait_idle(timeout: float = 10.0) -> bool:
    """Wait until every timer handed over by timer_fire_after_commit() has run (tests,
    benchmarks)."""
    return _timers_soon.wait_idle(timeout)
