"""IVPA reacts to dispatch: a new eligible case alerts responders, an ambulance on scene or a
closed case ends the alerting, a scene flag keeps volunteers away. Each reaction runs in a
savepoint: if it fails, the dispatcher's action still stands, the error is logged, and a
timer retries it (the start, or bringing the callout in line with the case)."""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from core.background import timer_fire_after_commit
from core.errors import DomainError
from dispatch import signals
from dispatch.models import AssignmentStatus
from places.models import Municipality as PlaceMunicipality
from timers.services import timer_create, timer_schedule

from . import services
from .models import Callout, CalloutEnd, Municipality

logger = logging.getLogger(__name__)


def retry_later(case) -> None:
    """A reaction failed: the sync timer brings the callout in line with the case soon."""
    timer_schedule(kind=services.SYNC_RETRY_TIMER, key=str(case.pk),
                   due_at=timezone.now() + timedelta(seconds=5))


def auto_start(case, *, new: bool = False) -> None:
    """Start the callout of a case that alerts responders by itself, once the dispatcher's
    transaction has committed: a stored timer fired at once (timer_fire_after_commit), so that
    registering a cardiac arrest does not wait for the first wave, and a process that dies
    before it fires leaves the timer to the next tick. `new`: the case was made in this
    transaction, so no start of it can be pending (one INSERT, no look-up)."""
    municipality, _reason = services.callout_eligibility(case, now=timezone.now())
    if municipality is None or not municipality.auto_alert:
        return
    schedule = timer_create if new else timer_schedule
    timer_fire_after_commit(timer=schedule(kind=services.START_TIMER, key=str(case.pk),
                                           due_at=timezone.now()))


def auto_start_now(case) -> None:
    """The start itself (the START_TIMER's handler, and its retry). callout_start() reads the
    case, locked, as it is when the timer fires, and checks it once there."""
    # callout_start is atomic: a savepoint in the timer's transaction, so that a failure
    # still leaves the retry to be stored.
    try:
        services.callout_start(case=case, by=None, automatic=True)
    except DomainError as exc:
        logger.info("No IVPA callout for case %s: %s", case.pk, exc.message)
    except Exception:
        logger.exception("IVPA callout for case %s failed; retrying", case.pk)
        timer_schedule(kind=services.START_RETRY_TIMER, key=str(case.pk),
                       due_at=timezone.now() + timedelta(seconds=5))


@receiver(signals.case_registered, dispatch_uid="ivpa.case_registered")
def on_case_registered(sender, case, **kwargs) -> None:
    auto_start(case, new=True)


@receiver(signals.case_updated, dispatch_uid="ivpa.case_updated")
def on_case_updated(sender, case, changed, **kwargs) -> None:
    active = Callout.objects.filter(case=case, ended_at__isnull=True).select_related(
        "municipality").first()
    if active is None:
        if changed & {"priority", "case_type", "municipality", "municipality_code"}:
            auto_start(case)
        return
    if changed & {"scene_flags", "safety_warning"}:
        flag = services.callout_excluded_flag(case, active.municipality)
        if flag:
            try:
                with transaction.atomic():
                    services.callout_exclude_volunteers(callout=active, flag=flag)
            except Exception:
                logger.exception("Could not stand down the volunteers of %s; retrying", case)
                retry_later(case)


@receiver(signals.case_closed, dispatch_uid="ivpa.case_closed")
def on_case_closed(sender, case, **kwargs) -> None:
    try:
        with transaction.atomic():
            services.callout_end_for_case(case=case, reason=CalloutEnd.CASE_CLOSED)
    except Exception:
        logger.exception("Could not end the IVPA callout of %s; retrying", case)
        retry_later(case)


@receiver(signals.assignment_status_changed, dispatch_uid="ivpa.assignment_status")
def on_assignment_status(sender, assignment, **kwargs) -> None:
    if assignment.status != AssignmentStatus.ON_SCENE:
        return
    try:
        with transaction.atomic():
            services.callout_end_for_case(case=assignment.case,
                                          reason=CalloutEnd.AMBULANCE_ARRIVED)
    except Exception:
        logger.exception("Could not end the IVPA callout of %s; retrying", assignment.case)
        retry_later(assignment.case)


@receiver(post_save, sender=PlaceMunicipality, dispatch_uid="ivpa.place_municipality_saved")
def municipality_region_follow(sender, instance, **kwargs) -> None:
    """The municipality → region table (places) is the one home of a municipality's region:
    IVPA's settings for the same municipality follow an administrator's change there."""
    Municipality.objects.filter(code=instance.code).exclude(region_id=instance.region_id) \
        .update(region_id=instance.region_id)


@receiver(pre_save, sender=Municipality, dispatch_uid="ivpa.municipality_saving")
def municipality_region_take(sender, instance, **kwargs) -> None:
    """An IVPA municipality connected or edited takes its region from the table, whatever was
    chosen in its own form (when the table knows the municipality)."""
    place = PlaceMunicipality.objects.filter(code=instance.code).only("region_id").first()
    if place is not None:
        instance.region_id = place.region_id
