"""Queries on cases and assignments. They record nothing: a view that shows what they return
reads it through dispatch/access.py, which writes the access log."""

from django.db.models import QuerySet

from accounts.roles import is_dispatcher
from crews.selectors import unit_of_user

from .models import ACTIVE_STATUSES, Assignment, AssignmentMessage, Case, CaseStatus


def case_list(*, status: str | None = CaseStatus.OPEN, region=None) -> QuerySet[Case]:
    qs = Case.objects.select_related("region").prefetch_related(
        "assignments__unit", "assignments__destination_hospital",
        "assignments__destination_set_by")
    if status:
        qs = qs.filter(status=status)
    if region is not None:
        qs = qs.filter(region=region)
    return qs


def assignment_queryset() -> QuerySet[Assignment]:
    return Assignment.objects.select_related("case", "unit", "case__region",
                                              "destination_hospital", "destination_set_by")


def assignments_visible_to(*, user, active_only: bool = True) -> QuerySet[Assignment]:
    """A dispatcher sees every assignment; a crew member only those of the unit they joined."""
    qs = assignment_queryset()
    if active_only:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    if is_dispatcher(user):
        return qs
    unit = unit_of_user(user=user)
    if unit is None:
        return qs.none()
    return qs.filter(unit=unit)


def assignment_messages(*, assignment: Assignment) -> QuerySet[AssignmentMessage]:
    """The messages on one assignment (*meddelanden*), oldest first."""
    return (AssignmentMessage.objects.filter(assignment=assignment)
            .select_related("author", "acknowledged_by"))


def assignment_messages_for_case(case: Case) -> QuerySet[AssignmentMessage]:
    """Every message between the crews and the centre on `case`'s assignments, oldest first
    (the case's history shows them), with the unit's call sign at hand."""
    return (AssignmentMessage.objects.filter(assignment__case=case)
            .select_related("assignment__unit", "author", "acknowledged_by")
            .order_by("sent_at", "id"))


def assignment_message_by_key(*, user, key: str | None) -> AssignmentMessage | None:
    """The message `user` sent with idempotency key `key` (a replay from a tablet's outbox)."""
    if not key:
        return None
    return (AssignmentMessage.objects.select_related("assignment__case", "author",
                                                     "acknowledged_by")
            .filter(idempotency_key=key, author=user).first())


def units_on_case(case_id: int) -> list[tuple[int, int]]:
    """(assignment id, unit id) of the units on `case_id` now (active assignments): whom a
    change at the scene concerns."""
    return list(Assignment.objects.filter(case_id=case_id, status__in=ACTIVE_STATUSES)
                .values_list("pk", "unit_id"))
