"""Recorded reads of care plans and of the person behind a case: fetch what a user is shown
and write the access log (*åtkomstlogg*) in the same call.

A care plan is patient data: every plan shown (a lookup, the list, one plan, the crew's part)
is one log entry with the person as the patient; a lookup by identity number or phone number
is recorded even when it finds nothing (it asks about that person). The person's earlier cases
are read through dispatch (`cases_record`): one entry per case shown.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_dispatcher
from audit.models import AccessAction
from audit.services import PatientRef, access_log_write
from core.errors import NotFound
from dispatch.access import cases_record
from dispatch.models import Case
from dispatch.selectors import assignments_visible_to, case_list, cases_of_person

from .models import CarePlan
from .selectors import (
    care_plan_for_case,
    care_plan_queryset,
    care_plans_find,
    case_pks_by_caller,
)

# How far back the person's earlier cases go (the issue: the last 12 months).
HISTORY_DAYS = 365


def care_plan_ref(plan: CarePlan) -> PatientRef:
    return PatientRef(patient=plan.patient_key, case_ref="", object_type="care_plan",
                      object_id=str(plan.pk))


def care_plans_record(*, user, plans, reason: str, action: str = AccessAction.READ) -> None:
    refs = [care_plan_ref(p) for p in plans]
    if refs:
        access_log_write(user=user, refs=refs, reason=reason, action=action)


def care_plan_find_recorded(*, user, reason: str, personal_identity_number: str = "",
                            phone: str = "", active: bool = True,
                            review_due_days: int | None = None, limit: int = 200
                            ) -> list[CarePlan]:
    """The plans a lookup or a list finds: one entry per plan, and one per key asked about."""
    plans = list(care_plans_find(personal_identity_number=personal_identity_number,
                                 phone=phone, active=active,
                                 review_due_days=review_due_days)[:limit])
    keys = [k for k in (personal_identity_number.strip(), phone.strip()) if k]
    if keys:
        access_log_write(user=user, reason=f"{reason} (lookup)", refs=[
            PatientRef(patient=k, case_ref="", object_type="care_plan_search",
                       object_id="careplans.careplan") for k in keys])
    care_plans_record(user=user, plans=plans, reason=reason)
    return plans


def care_plan_get_recorded(*, user, pk: int, reason: str,
                           action: str = AccessAction.READ) -> CarePlan:
    plan = care_plan_queryset().filter(pk=pk).first()
    if plan is None:
        raise NotFound(_("No such care plan."))
    care_plans_record(user=user, plans=[plan], reason=reason, action=action)
    return plan


def person_of_case_recorded(*, user, pk: int, reason: str) -> dict:
    """The person behind case `pk`: their earlier cases of the last 12 months (by identity
    number, else by the caller's number; not the case itself) and the care plan in force.
    The case is read (logged) to find the person; each earlier case and the plan shown are
    logged too."""
    case = case_list(status=None).filter(pk=pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    since = timezone.now() - timedelta(days=HISTORY_DAYS)
    by = "personal_identity_number" if case.personal_identity_number.strip() else (
        "phone" if case.caller_number.strip() else None)
    earlier = cases_of_person(
        personal_identity_number=case.personal_identity_number, since=since,
        exclude_pk=case.pk,
        pks=case_pks_by_caller(phone=case.caller_number, since=since) if by == "phone" else None)
    plan = care_plan_for_case(case)
    cases_record(user=user, cases=[case, *earlier], reason=reason)
    if plan is not None:
        care_plans_record(user=user, plans=[plan], reason=reason)
    return {"case": case, "matched_by": by, "earlier": earlier, "care_plan": plan}


def crew_part_of_assignment_recorded(*, user, pk: int, reason: str) -> CarePlan | None:
    """The plan in force for the patient of assignment `pk`, for its crew (the unit joined,
    while the assignment is active) or a dispatcher; another unit's assignment, or one that
    has ended, does not exist for a crew. The crew part is shown: logged as a read."""
    assignment = (assignments_visible_to(user=user, active_only=not is_dispatcher(user))
                  .filter(pk=pk).first())
    if assignment is None:
        raise NotFound(_("No such assignment on your unit."))
    case: Case = assignment.case
    plan = care_plan_for_case(case)
    if plan is not None:
        care_plans_record(user=user, plans=[plan], reason=reason)
    return plan

