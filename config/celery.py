"""Celery app: the production shape's worker and beat. The embedded shape runs tasks eagerly."""

import os

from celery import Celery
from celery.signals import after_task_publish, worker_init, worker_process_init

from .broker import fix_redis_channel_close

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

fix_redis_channel_close()
app = Celery("larmkedjan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def no_database_pool_in_the_worker(**kwargs) -> None:
    """A prefork worker closes its database connections around every task, and with a
    psycopg pool it closes the pool itself (celery.fixups.django), under the feet of the
    threads that send pushes and SMS after commit (`PoolClosed`: nothing was texted). The
    worker opens plain connections instead; a pool buys it nothing across such closes."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        database.get("OPTIONS", {}).pop("pool", None)


@worker_process_init.connect
def sending_loop_per_worker_process(**kwargs) -> None:
    """Each worker process sends its tasks' events on a loop of its own
    (realtime.loops), instead of a new loop and Redis connections per send."""
    from realtime.loops import sending_loop_start

    sending_loop_start()


@after_task_publish.connect
def beat_heartbeat(sender=None, headers=None, **kwargs) -> None:
    """Beat records its tick (timers.Heartbeat `beat`, for /healthz) once the tick's message is
    with the broker: a beat that runs but cannot reach Redis does not count. Celery marks what
    beat sends with the `celery_beat_task` header; other processes' publishes pass by."""
    if sender != "timers.tasks.fire_due_timers" or not (headers or {}).get("celery_beat_task"):
        return
    from django.db import close_old_connections

    from timers.models import Heartbeat
    from timers.services import heartbeat_record

    close_old_connections()  # beat is a long-lived process: drop a connection that broke
    heartbeat_record(name=Heartbeat.BEAT)
