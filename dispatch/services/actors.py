"""Who may act on an assignment: a dispatcher, or the crew of its own unit."""

from django.utils.translation import gettext as _

from accounts.roles import is_dispatcher
from core.errors import Forbidden
from crews.selectors import unit_of_user

from ..models import Assignment


def assignment_actor_check(*, assignment: Assignment, by) -> bool:
    """Crew may act only on their own unit's assignment. Returns whether `by` dispatches."""
    if is_dispatcher(by):
        return True
    unit = unit_of_user(user=by)
    if unit is None or unit.pk != assignment.unit_id:
        raise Forbidden(_("You are not on this assignment's unit."))
    return False
