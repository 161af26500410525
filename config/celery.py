"""Celery app: the production shape's worker and beat. The embedded shape runs tasks eagerly."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

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
