"""The staging point (*brytpunkt*): where the dispatcher tells a crew to stop and wait for the
police before going in to a scene that may not be safe, and the release that lets them in.
While a point is ordered and not released the crew's status goes en route → at staging point
and waits there (dispatch/statemachine.py); after the release, on scene."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_dispatcher
from core.errors import Conflict, Forbidden, Invalid
from crews.services import validate_position

from ..events import publish_assignment
from ..models import Assignment, AssignmentStatus

# A staging point is ordered (or moved) only before the crew is on scene.
STAGING_STATUSES = (AssignmentStatus.ALERTED, AssignmentStatus.ACKNOWLEDGED,
                    AssignmentStatus.EN_ROUTE, AssignmentStatus.AT_STAGING)
REASON_MAX = Assignment._meta.get_field("staging_reason").max_length


def _locked(assignment: Assignment, by) -> Assignment:
    if not is_dispatcher(by):
        raise Forbidden(_("Only a dispatcher orders or releases a staging point."))
    return Assignment.objects.select_for_update().select_related("case", "unit").get(
        pk=assignment.pk)


def _released_message(assignment: Assignment) -> str:
    by = assignment.staging_released_by
    return _("The staging point was already released by %(name)s at %(time)s.") % {
        "name": str(by) if by is not None else _("the dispatch centre"),
        "time": timezone.localtime(assignment.staging_released_at).strftime("%H:%M:%S")}


@transaction.atomic
def assignment_staging_order(*, assignment: Assignment, latitude, longitude, reason: str,
                             by) -> Assignment:
    """Order the crew to wait at a staging point (*beordra brytpunkt*), or move the one ordered.
    The crew's tablet shows it at once (`assignment.staging`) and navigates there instead."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the crew waits (for example \"Wait for the police\")."))
    if len(reason) > REASON_MAX:
        raise Invalid(_("The reason is at most %(max)d characters.") % {"max": REASON_MAX})
    latitude, longitude = validate_position(latitude=latitude, longitude=longitude)
    assignment = _locked(assignment, by)
    if assignment.status not in STAGING_STATUSES:
        raise Conflict(_("The unit is %(status)s: a staging point is ordered only before it "
                         "is on scene.") % {"status": assignment.get_status_display().lower()})
    if assignment.staging_released_at is not None:
        raise Conflict(_released_message(assignment))
    assignment.staging_latitude, assignment.staging_longitude = latitude, longitude
    assignment.staging_reason = reason
    assignment.staging_ordered_at = timezone.now()
    assignment.staging_ordered_by = by
    assignment.save(update_fields=["staging_latitude", "staging_longitude", "staging_reason",
                                   "staging_ordered_at", "staging_ordered_by"])
    publish_assignment(assignment, "assignment.staging")
    return assignment


@transaction.atomic
def assignment_staging_release(*, assignment: Assignment, by) -> Assignment:
    """Let the crew go in (*släpp in*: "the police are on scene"). Two dispatchers releasing
    at once: the row lock lets one through, the other hears who did it (409)."""
    assignment = _locked(assignment, by)
    if assignment.staging_ordered_at is None:
        raise Conflict(_("No staging point is ordered for this unit."))
    if assignment.staging_released_at is not None:
        raise Conflict(_released_message(assignment))
    if not assignment.is_active:
        raise Conflict(_("The assignment is %(status)s: there is no crew to let in.")
                       % {"status": assignment.get_status_display().lower()})
    assignment.staging_released_at = timezone.now()
    assignment.staging_released_by = by
    assignment.save(update_fields=["staging_released_at", "staging_released_by"])
    publish_assignment(assignment, "assignment.staging_released")
    return assignment
