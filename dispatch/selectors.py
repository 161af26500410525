"""Queries on cases and assignments. They record nothing: a view that shows what they return
reads it through dispatch/access.py, which writes the access log."""

from datetime import datetime

from django.db.models import QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_dispatcher
from core.identity_numbers import pin_key
from crews.selectors import unit_of_user

from .models import ACTIVE_STATUSES, Assignment, AssignmentMessage, Case, CaseStatus, Priority


def case_list(*, status: str | None = CaseStatus.OPEN, region=None) -> QuerySet[Case]:
    qs = Case.objects.select_related("region").prefetch_related(
        "assignments__unit", "assignments__destination_hospital",
        "assignments__destination_set_by", "assignments__messages",
        "assignments__staging_released_by")
    if status:
        qs = qs.filter(status=status)
    if region is not None:
        qs = qs.filter(region=region)
    return qs


def assignment_queryset() -> QuerySet[Assignment]:
    return Assignment.objects.select_related("case", "unit", "case__region",
                                              "destination_hospital", "destination_set_by",
                                              "staging_released_by")


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


class CaseOutcome(TextChoices):
    """How a case ended, as the person's earlier cases show it (*utfall*)."""

    TRANSPORTED = "transported", _("Transported")
    NOT_TRANSPORTED = "not_transported", _("Not transported")
    REFERRED = "referred", _("Referred")
    CANCELLED = "cancelled", _("Cancelled")
    ONGOING = "ongoing", _("Ongoing")


def case_outcome(case: Case) -> str:
    """Transported when a unit took the patient; referred when the case was referred (no
    ambulance, or to a named care unit) and nobody was taken; not transported when a unit
    reached the patient and left without; cancelled when every unit was called off before (or
    none went) and the case is closed; ongoing otherwise. Reads the prefetched assignments."""
    assignments = list(case.assignments.all())
    if any(a.transporting_at for a in assignments):
        return CaseOutcome.TRANSPORTED
    if case.priority == Priority.REFERRAL or case.referred_to.strip():
        return CaseOutcome.REFERRED
    if any(a.status in ACTIVE_STATUSES for a in assignments) or case.status == CaseStatus.OPEN:
        return CaseOutcome.ONGOING
    if any(a.on_scene_at for a in assignments):
        return CaseOutcome.NOT_TRANSPORTED
    return CaseOutcome.CANCELLED


def pin_typings(key: str) -> list[str]:
    """Every form a dispatcher may have typed the person with ten-digit key `key` in (with or
    without the century, a dash or a plus): what an indexed lookup asks for."""
    if len(key) != 10:
        return []
    short = [key, f"{key[:6]}-{key[6:]}", f"{key[:6]}+{key[6:]}"]
    return short + [f"{century}{form}" for century in ("18", "19", "20") for form in short]


def cases_of_person(*, personal_identity_number: str = "", pks=None, since: datetime,
                    exclude_pk: int | None = None) -> list[Case]:
    """The person's cases registered since `since`, newest first: by personal identity number
    however it was typed (core.identity_numbers.pin_key; the column's index, asked for every
    typing), else among `pks` (the cases the caller's number found: careplans keeps that
    index, careplans.models.CaseCaller)."""
    qs = (Case.objects.filter(registered_at__gte=since)
          .prefetch_related("assignments").order_by("-registered_at"))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    key = pin_key(personal_identity_number)
    if key:
        return list(qs.filter(personal_identity_number__in=pin_typings(key)))
    if pks is None:
        return []
    return list(qs.filter(pk__in=list(pks)))
