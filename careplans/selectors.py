"""Queries on care plans. They record nothing: a view shows what they return only through
careplans/access.py, which writes the access log."""

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.identity_numbers import pin_key
from core.phones import PhoneNumberInvalid, phone_normalise
from dispatch.models import Case

from .models import CarePlan, CaseCaller


def today() -> date:
    return timezone.localdate()


def care_plan_queryset() -> QuerySet[CarePlan]:
    return CarePlan.objects.select_related("author", "updated_by").prefetch_related("phones")


def active_on(qs: QuerySet[CarePlan], day: date) -> QuerySet[CarePlan]:
    """Plans in force on `day`: an expired plan (or one not yet begun) is not active."""
    return qs.filter(valid_from__lte=day, valid_to__gte=day)


def care_plans_find(*, personal_identity_number: str = "", phone: str = "",
                    active: bool = True, review_due_days: int | None = None,
                    day: date | None = None) -> QuerySet[CarePlan]:
    """Plans by the person's identity number (however typed) and/or a number they call from
    (either matches); only those in force today unless `active` is False; with
    `review_due_days`, those whose review date is within that many days or passed (soonest
    first). A phone that is no number matches nothing."""
    day = day or today()
    qs = care_plan_queryset()
    person = Q()
    key = pin_key(personal_identity_number)
    if key:
        person |= Q(pin_key=key)
    if phone:
        try:
            person |= Q(phones__number=phone_normalise(phone))
        except PhoneNumberInvalid:
            return qs.none()
    if person:
        qs = qs.filter(person).distinct()
    if active:
        qs = active_on(qs, day)
    if review_due_days is not None:
        qs = qs.filter(review_date__lte=day + timedelta(days=review_due_days)).order_by(
            "review_date", "id")
    return qs


def care_plan_for_case(case: Case, *, day: date | None = None) -> CarePlan | None:
    """The plan in force for the person behind `case`: by the case's identity number when it
    has one; else, and for a plan that names no identity number, by the caller's number. A plan
    for another identity number is never matched by a shared phone. The newest first."""
    day = day or today()
    plans = active_on(care_plan_queryset(), day)
    key = pin_key(case.personal_identity_number)
    if key:
        found = plans.filter(pin_key=key).first()
        if found is not None:
            return found
        plans = plans.filter(pin_key="")
    try:
        number = phone_normalise(case.caller_number)
    except PhoneNumberInvalid:
        return None
    return plans.filter(phones__number=number).distinct().first()


def overlapping_plan(*, pin: str, phones: list[str], valid_from: date, valid_to: date,
                     exclude_pk: int | None = None) -> CarePlan | None:
    """Another plan for the same person (identity number, or one of the numbers when the plan
    names no identity number) in force on any day of [valid_from, valid_to]."""
    qs = CarePlan.objects.filter(valid_from__lte=valid_to, valid_to__gte=valid_from)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    key = pin_key(pin)
    if key:
        return qs.filter(pin_key=key).first()
    if phones:
        return qs.filter(pin_key="", phones__number__in=phones).distinct().first()
    return None


def case_pks_by_caller(*, phone: str, since) -> list[int]:
    """The cases whose call came from `phone` (however it was typed) since `since`."""
    try:
        number = phone_normalise(phone)
    except PhoneNumberInvalid:
        return []
    return list(CaseCaller.objects.filter(number=number, registered_at__gte=since)
                .values_list("case_id", flat=True))
