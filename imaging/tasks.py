"""Where images are processed: the Celery task `imaging.process` in the production shape, a
small pool of threads in the serving process in the embedded shape. Either way it starts after
commit, and a stored watchdog timer (services.PROCESS_TIMER) starts it again if it is lost."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from core.background import BackgroundPool

logger = logging.getLogger(__name__)
_processors = BackgroundPool("imaging", lambda: settings.IMAGING_PROCESS_THREADS)


@shared_task(name="imaging.process", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def image_process_task(image_id: int) -> None:
    from .services import image_process

    image_process(image_id=image_id)


def image_process_start(image_id: int) -> None:
    """Start processing one image (called after commit)."""
    if not settings.IMAGING_PROCESS_IN_PROCESS:
        try:
            image_process_task.delay(image_id)
        except Exception:
            logger.exception("Could not queue image %s; its watchdog will", image_id)
        return
    from .services import image_process

    _processors.submit(image_process, image_id=image_id)  # inline with 0 threads


def image_process_after_commit(image_id: int) -> None:
    transaction.on_commit(lambda: image_process_start(image_id))


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait until every image handed to the pool so far is processed (tests, shutdown)."""
    return _processors.wait_idle(timeout)
