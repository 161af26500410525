"""Recorded reads of referrals: fetch what a user is shown and write the access log in the
same call.

Every read of a referral shows patient data (the handover, and for the unit the identity and
address), and the proposals are a read of the case. Views answer from these functions, never
from the plain selectors (tests/test_role_matrix.py checks every route).
"""

from django.utils.translation import gettext as _

from audit.models import AccessAction
from audit.services import PatientRef, access_log_write
from core.errors import NotFound
from dispatch.access import cases_record
from dispatch.models import Case

from .models import Referral
from .selectors import Fit, proposals, referral_queryset, referrals_filtered, referrals_visible_to


def referral_ref(referral: Referral) -> PatientRef:
    case = referral.case
    return PatientRef(patient=case.patient_key, case_ref=case.reference or "",
                      object_type="referral", object_id=str(referral.pk))


def _referrals_record(*, user, referrals, reason: str, action: str = AccessAction.READ) -> None:
    refs = [referral_ref(r) for r in referrals]
    if refs:
        access_log_write(user=user, refs=refs, reason=reason, action=action)


def referral_list_recorded(*, user, reason: str, case_id: int | None = None,
                           state: str | None = None, limit: int = 200) -> list[Referral]:
    """The referrals `user` sees (a unit's staff: their unit's), one log entry each."""
    items = list(referrals_filtered(referrals_visible_to(user=user), case_id=case_id,
                                    state=state)[:limit])
    _referrals_record(user=user, referrals=items, reason=reason)
    return items


def referral_get_recorded(*, user, pk: int, reason: str,
                          action: str = AccessAction.READ) -> Referral:
    """One referral, if `user` sees it (another unit's does not exist for them); `action`
    says what the user did when the answer follows a change."""
    referral = referrals_visible_to(user=user).filter(pk=pk).first()
    if referral is None:
        raise NotFound(_("No such referral for you."))
    _referrals_record(user=user, referrals=[referral], reason=reason, action=action)
    return referral


def referrals_of_case_recorded(*, user, case: Case, reason: str) -> list[Referral]:
    """A case's referrals (the dispatcher's view of who holds the patient)."""
    items = list(referral_queryset().filter(case=case))
    _referrals_record(user=user, referrals=items, reason=reason)
    return items


def proposals_recorded(*, user, case: Case, skills, reason: str) -> list[Fit]:
    """The mobile care units against a case: the dispatcher reads the case to choose."""
    cases_record(user=user, cases=[case], reason=reason)
    return proposals(case=case, skills=skills)
