"""What safety does when dispatch tells it something: a case registered or its address changed
is matched against the risk notices (safety.services.matches)."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from dispatch import signals
from dispatch.models import Assignment

from .services.matches import (
    applied_notices_send,
    case_applied_matches,
    case_match,
    case_notices_found,
)

logger = logging.getLogger(__name__)

# A change of one of these may make the case match other notices.
MATCHED_FIELDS = frozenset({"address", "latitude", "longitude", "personal_identity_number"})


def _match(case) -> None:
    """The search is one read inside the registration (no savepoint: it costs two statements
    on every case, and a read changes nothing to undo); the matches found are written in a
    savepoint, so a failure there never undoes the dispatcher's registration."""
    found = case_notices_found(case=case)
    if not found:
        return
    try:
        with transaction.atomic():
            case_match(case=case, found=found)
    except Exception:
        logger.exception("Could not match %s with the risk notices", case)


@receiver(signals.case_registered, dispatch_uid="safety.case_registered")
def on_case_registered(sender, case, **kwargs) -> None:
    _match(case)


@receiver(signals.case_updated, dispatch_uid="safety.case_updated")
def on_case_updated(sender, case, changed, **kwargs) -> None:
    if changed & MATCHED_FIELDS:
        _match(case)


@receiver(post_save, sender=Assignment, dispatch_uid="safety.assignment_created")
def on_assignment_created(sender, instance, created, **kwargs) -> None:
    """Dispatch sends no signal of its own when a unit is sent (assignment_dispatch, a
    redirect): a new assignment is the unit sent to the case, told its applied notices. The
    read needs no savepoint (a dispatch to a case without notices costs one statement); the
    events are written in one, so a failure never undoes the dispatch."""
    if not created:
        return
    matches = case_applied_matches(case_id=instance.case_id)
    if not matches:
        return
    try:
        with transaction.atomic():
            applied_notices_send(assignment=instance, matches=matches)
    except Exception:
        logger.exception("Could not tell %s the case's risk notices", instance)
