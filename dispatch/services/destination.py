"""Where an assignment takes the patient (*destination*): a hospital chosen by the crew or the
dispatcher, never required for a status change."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from accounts.roles import is_dispatcher
from core.errors import Conflict, Invalid
from places.models import Hospital

from ..events import publish_assignment
from ..models import Assignment, AssignmentStatus
from .actors import assignment_actor_check


@transaction.atomic
def assignment_destination_set(*, assignment: Assignment, hospital: Hospital, by,
                               chosen_at: datetime | None = None) -> Assignment:
    """Set the hospital the unit takes the patient to, recording when and by whom.
    `chosen_at` is when it was chosen on the device (a pick that waited in a tablet's outbox),
    never later than now. The same hospital again changes nothing and publishes nothing (a
    replay from the tablet's outbox); another one replaces it and both tablets and the console
    hear of it (`assignment.destination`), unless someone else chose after `chosen_at`: then
    the older pick is refused (409) so it cannot silently undo the later choice. Once the unit
    is *at hospital* the destination is where it took the patient: a hospital may still be
    named then if none was, never changed (409)."""
    now = timezone.now()
    chosen_at = min(chosen_at, now) if chosen_at is not None else now
    # Not joined to the hospital: PostgreSQL locks no nullable side of an outer join.
    assignment = Assignment.objects.select_for_update().select_related("case", "unit").get(
        pk=assignment.pk)
    assignment_actor_check(assignment=assignment, by=by)
    if not assignment.is_active:
        raise Conflict(_("The assignment is %(status)s: its destination can no longer be "
                         "changed.") % {"status": assignment.get_status_display().lower()})
    if not hospital.active:
        raise Invalid(_("%(name)s is no longer offered as a destination; choose another "
                        "hospital.") % {"name": hospital.name})
    if assignment.destination_hospital_id == hospital.pk:
        return assignment
    if (assignment.status == AssignmentStatus.AT_HOSPITAL
            and assignment.destination_hospital_id is not None):
        # *At hospital* records where the patient was taken: that stays as it was.
        raise Conflict(_("The unit is at %(hospital)s with the patient: the destination no "
                         "longer changes.") % {"hospital": assignment.destination_hospital.label})
    if (assignment.destination_set_at is not None
            and chosen_at < assignment.destination_set_at
            and assignment.destination_set_by_id != by.pk):
        raise Conflict(_destination_later_message(assignment))
    assignment.destination_hospital = hospital
    assignment.destination_set_at = chosen_at
    assignment.destination_set_by = by
    assignment.save(update_fields=["destination_hospital", "destination_set_at",
                                   "destination_set_by"])
    publish_assignment(assignment, "assignment.destination")
    return assignment



def _destination_later_message(assignment: Assignment) -> str:
    """Why an older pick is refused: who chose which hospital, and when (local time)."""
    setter = assignment.destination_set_by
    values = {"hospital": assignment.destination_hospital.label if assignment.destination_hospital
              else assignment.destination,
              "time": time_format(timezone.localtime(assignment.destination_set_at), "H:i")}
    if setter is None or is_dispatcher(setter):
        return _("The dispatch centre chose %(hospital)s at %(time)s, after your pick.") % values
    return _("%(name)s chose %(hospital)s at %(time)s, after your pick.") % {
        **values, "name": str(setter)}
