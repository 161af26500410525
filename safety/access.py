"""Recorded reads of risk notices: fetch what a user is shown and write the access log in the
same call. A notice about a person is patient data (the log's patient: the person's key), and
so is every notice shown for a case (the case's patient). A view answers only from a
`*_recorded` function (tests/audit/test_guards.py)."""

from django.utils.translation import gettext as _

from accounts.roles import is_dispatcher, reviews_notices
from audit.services import PatientRef, access_log_write
from core.errors import Forbidden, NotFound
from core.identity_numbers import pin_key
from crews.selectors import unit_of_user
from dispatch.access import case_ref
from dispatch.models import ACTIVE_STATUSES, Assignment, Case

from .models import NoticeAcknowledgement, RiskNotice
from .selectors.notices import LIST_LIMIT, case_matches, notice_list, notice_queryset
from .services.matching import Found, notices_matching


def _person_refs(notices) -> list[PatientRef]:
    return [PatientRef(patient=n.person_key, case_ref="", object_type="risk_notice",
                       object_id=str(n.pk)) for n in notices if n.person_key]


def notices_record(*, user, notices, reason: str) -> None:
    """One entry per notice about a person (its patient: the person's key)."""
    refs = _person_refs(notices)
    if refs:
        access_log_write(user=user, refs=refs, reason=reason)


def notice_list_recorded(*, user, reason: str, **filters) -> list[RiskNotice]:
    notices = list(notice_list(**filters)[:LIST_LIMIT])
    notices_record(user=user, notices=notices, reason=reason)
    return notices


def notice_get_recorded(*, user, pk: int, reason: str) -> RiskNotice:
    notice = notice_queryset().filter(pk=pk).first()
    if notice is None:
        raise NotFound(_("No such notice."))
    notices_record(user=user, notices=[notice], reason=reason)
    return notice


def case_matches_recorded(*, user, case_pk: int, reason: str) -> dict:
    """The notices matched with a case, as `user` may see them: a dispatcher every match
    (`matches`); a crew member on an active assignment at the case the applied ones
    (`notices`, with their acknowledgement on that assignment); another unit's crew nothing
    (404: the case does not exist for them); everyone else 403. One entry for the case."""
    case = Case.objects.filter(pk=case_pk).first()
    if reviews_notices(user):
        if case is None:
            raise NotFound(_("No such case."))
        matches = case_matches(case)
        access_log_write(user=user, refs=[case_ref(case)] + _person_refs(
            [m.notice for m in matches]), reason=reason)
        return {"case": case, "matches": matches}
    unit = unit_of_user(user=user)
    assignment = None
    if case is not None and unit is not None:
        assignment = Assignment.objects.filter(case=case, unit=unit,
                                               status__in=ACTIVE_STATUSES).first()
    if assignment is None:
        raise NotFound(_("No such case on your unit."))
    matches = case_matches(case, applied_only=True)
    acknowledged = dict(NoticeAcknowledgement.objects.filter(
        assignment=assignment, match__in=matches).values_list("match_id", "acknowledged_at"))
    access_log_write(user=user, refs=[case_ref(case)], reason=reason)
    return {"case": case, "assignment": assignment, "matches": matches,
            "acknowledged": acknowledged}


def matching_preview_recorded(*, user, latitude: float | None, longitude: float | None,
                              address: str, personal_identity_number: str,
                              reason: str) -> list[Found]:
    """The notices a case being typed would match: a lookup by identity number is recorded
    even when it finds nothing (it asks about that person), and each notice about a person."""
    if not is_dispatcher(user):
        raise Forbidden(_("Your role may not do this."))
    found = notices_matching(latitude=latitude, longitude=longitude, address=address,
                             personal_identity_number=personal_identity_number,
                             related=("region", "entered_by", "reviewed_by", "source_partner"))
    refs = _person_refs([f.notice for f in found])
    person = personal_identity_number.strip()
    if person:
        refs.append(PatientRef(patient=person, case_ref="", object_type="risk_notice_search",
                               object_id=pin_key(person)))
    if refs:
        access_log_write(user=user, refs=refs, reason=reason)
    return found
