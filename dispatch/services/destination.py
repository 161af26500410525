"""Where an assignment takes the patient (*destination*): a hospital chosen by the crew or the
dispatcher, never required for a status change."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from places.models import Hospital

from ..events import publish_assignment
from ..models import Assignment
from .actors import assignment_actor_check


@transaction.atomic
def assignment_destination_set(*, assignment: Assignment, hospital: Hospital,
                               by) -> Assignment:
    """Set the hospital the unit takes the patient to. The same hospital again changes
    nothing and publishes nothing (a replay from the tablet's outbox); another one replaces it
    and both tablets and the console hear of it (`assignment.destination`)."""
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
    assignment.destination_hospital = hospital
    assignment.save(update_fields=["destination_hospital"])
    publish_assignment(assignment, "assignment.destination")
    return assignment

