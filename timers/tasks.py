from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def fire_due_timers() -> int:
    """Run by Celery beat every tick in the production shape; idempotent by claims."""
    return services.fire_due_timers()
