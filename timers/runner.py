"""The embedded shape's timer loop: runs inside the ASGI server's event loop."""

import asyncio
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _tick() -> int:
    from .models import Heartbeat
    from .services import fire_due_timers, heartbeat_record

    close_old_connections()
    try:
        # The loop is both the embedded shape's beat and its worker (/healthz checks both).
        heartbeat_record(name=Heartbeat.BEAT)
        heartbeat_record(name=Heartbeat.WORKER)
        return fire_due_timers()
    finally:
        close_old_connections()


async def run_timer_loop(stop: asyncio.Event) -> None:
    logger.info("In-process timer loop started (tick %ss)", settings.TIMER_TICK_SECONDS)
    while not stop.is_set():
        try:
            await sync_to_async(_tick, thread_sensitive=True)()
        except Exception:
            logger.exception("Timer tick failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=settings.TIMER_TICK_SECONDS)
        except TimeoutError:
            pass
