from celery import shared_task

from . import services
from .models import Heartbeat


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def fire_due_timers() -> int:
    """Run by Celery beat every tick in the production shape; idempotent by claims. Records
    the worker's heartbeat (for /healthz) first, so a tick that hangs shows as a late one."""
    services.heartbeat_record(name=Heartbeat.WORKER)
    return services.fire_due_timers()
