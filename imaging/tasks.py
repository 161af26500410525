"""Where images are processed: the Celery task `imaging.process` in the production shape, a
small pool of threads in the serving process in the embedded shape. Either way it starts after
commit, and a stored watchdog timer (services.PROCESS_TIMER) starts it again if it is lost."""

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait

from celery import shared_task
from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_pending: set[Future] = set()


@shared_task(name="imaging.process", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def process(image_id: int) -> None:
    from .services import image_process

    image_process(image_id=image_id)


def _run(image_id: int) -> None:
    from .services import image_process

    try:
        image_process(image_id=image_id)
    except Exception:
        logger.exception("Processing image %s failed", image_id)
    finally:
        connections.close_all()


def _done(future: Future) -> None:
    with _lock:
        _pending.discard(future)


def process_now(image_id: int) -> None:
    """Start processing one image (called after commit)."""
    if not settings.IMAGING_PROCESS_IN_PROCESS:
        try:
            process.delay(image_id)
        except Exception:
            logger.exception("Could not queue image %s; its watchdog will", image_id)
        return
    if settings.IMAGING_PROCESS_THREADS <= 0:
        from .services import image_process

        try:
            image_process(image_id=image_id)
        except Exception:
            logger.exception("Processing image %s failed", image_id)
        return
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=settings.IMAGING_PROCESS_THREADS,
                                           thread_name_prefix="imaging")
        future = _executor.submit(_run, image_id)
        _pending.add(future)
    future.add_done_callback(_done)


def process_after_commit(image_id: int) -> None:
    transaction.on_commit(lambda: process_now(image_id))


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait until every image handed to the pool so far is processed (tests, shutdown)."""
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
