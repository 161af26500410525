"""Matches of risk notices with cases (*träffar*): found when a case is registered or moved and
when a notice starts to match, applied to a case by the dispatcher (the case becomes an unsafe
scene: volunteers stand down), sent to the crews there and acknowledged by them."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, Invalid, NotFound
from crews.models import NON_TRANSPORTING_KINDS
from crews.selectors import unit_of_user
from crews.streams import unit_stream
from dispatch.models import ACTIVE_STATUSES, Assignment, Case, CaseStatus, SceneFlag
from dispatch.services.case_edit import case_update
from dispatch.streams import DISPATCH_STREAM
from realtime.services import event_publish

from ..models import MatchDecision, NoticeAcknowledgement, NoticeMatch, NoticeState, RiskNotice
from ..selectors.notices import match_queryset
from ..serializers.notices import crew_notice_data, match_data
from .matching import Found, notices_matching, open_cases_matching

APPLIED_EVENT = "safety.notice_applied"
WITHDRAWN_EVENT = "safety.notice_withdrawn"


def case_notices_found(*, case: Case) -> list[Found]:
    """The notices a case matches now (one statement)."""
    return notices_matching(latitude=case.latitude, longitude=case.longitude,
                            address=case.address,
                            personal_identity_number=case.personal_identity_number,
                            load=False)


def case_match(*, case: Case, found: list[Found] | None = None) -> list[NoticeMatch]:
    """Match a case with the notices (on registration, on a change of its place or person):
    the new matches are stored, pending the dispatcher's decision, and sent to the consoles.
    A notice matched once stays one match of the case, whatever changes after. `found`: what
    `case_notices_found` found, when the caller asked already."""
    if found is None:
        found = case_notices_found(case=case)
    if not found:
        return []
    known = set(NoticeMatch.objects.filter(case=case).values_list("notice_id", flat=True))
    now = timezone.now()
    new = [NoticeMatch(notice_id=f.notice_id, case=case, reasons=f.reasons,
                       distance_m=f.distance_m, matched_at=now)
           for f in found if f.notice_id not in known]
    if not new:
        return []
    NoticeMatch.objects.bulk_create(new, ignore_conflicts=True)
    matches = list(match_queryset().filter(case=case, notice_id__in=[m.notice_id
                                                                      for m in new]))
    event_publish(stream=DISPATCH_STREAM, type="safety.matches_found",
                  data={"case": case.pk, "matches": [match_data(m) for m in matches]})
    return matches


def notice_match_open_cases(*, notice: RiskNotice) -> list[NoticeMatch]:
    """A notice that starts to match (entered, approved at review, its place or person
    changed) is matched with the open cases of the last SAFETY_NOTICE_OPEN_CASE_HOURS at once,
    not only with the cases registered after it: the new matches are stored, pending, and each
    case's consoles hear `safety.matches_found`. A case matched with it once is left as it is."""
    found = open_cases_matching(notice=notice)
    if not found:
        return []
    known = set(NoticeMatch.objects.filter(
        notice=notice, case_id__in=[f.case_id for f in found]).values_list("case_id",
                                                                           flat=True))
    now = timezone.now()
    new = [NoticeMatch(notice=notice, case_id=f.case_id, reasons=f.reasons,
                       distance_m=f.distance_m, matched_at=now)
           for f in found if f.case_id not in known]
    if not new:
        return []
    NoticeMatch.objects.bulk_create(new, ignore_conflicts=True)
    matches = list(match_queryset().filter(notice=notice,
                                            case_id__in=[m.case_id for m in new]))
    for match in matches:
        event_publish(stream=DISPATCH_STREAM, type="safety.matches_found",
                      data={"case": match.case_id, "matches": [match_data(match)]})
    return matches


def match_get(pk: int) -> NoticeMatch:
    match = match_queryset().filter(pk=pk).first()
    if match is None:
        raise NotFound(_("No such match."))
    return match


def _applied_event(assignment: Assignment, match: NoticeMatch) -> None:
    """Tell the unit's crew. Not a mobile care unit or a first responder unit (sent with an
    override): their staff may not read notices (the crew view answers them 403)."""
    if assignment.unit.kind in NON_TRANSPORTING_KINDS:
        return
    acknowledged = NoticeAcknowledgement.objects.filter(
        match=match, assignment=assignment).values_list("acknowledged_at", flat=True).first()
    event_publish(stream=unit_stream(assignment.unit_id), type=APPLIED_EVENT, data={
        "assignment": assignment.pk, "case": match.case_id,
        "notice": crew_notice_data(match, acknowledged_at=acknowledged)})


@transaction.atomic
def match_decide(*, match: NoticeMatch, decision: str, by) -> NoticeMatch:
    """The dispatcher decides whether a matched notice applies to the case (*gäller*).
    Applied, the case becomes an unsafe scene (dispatch's case edit: volunteers stand down,
    the crews see the flag) and the crews on the case are told what to do."""
    if decision not in (MatchDecision.APPLIED, MatchDecision.DISMISSED):
        raise Invalid(_("The decision is applied or dismissed."))
    if decision == MatchDecision.APPLIED and match.decision != MatchDecision.APPLIED:
        _still_in_force(match)
    current = match.decision
    claimed = NoticeMatch.objects.filter(pk=match.pk, decision=current).update(
        decision=decision, decided_by=by, decided_at=timezone.now())
    if not claimed:
        raise Conflict(_("Someone else decided on this match meanwhile."),
                       match=match_data(match_get(match.pk)))
    match = match_get(match.pk)
    if decision == MatchDecision.APPLIED and current != MatchDecision.APPLIED:
        case = match.case
        if SceneFlag.UNSAFE_SCENE not in (case.scene_flags or []):
            case = case_update(case=case, by=by,
                               scene_flags=[*(case.scene_flags or []), SceneFlag.UNSAFE_SCENE])
        for assignment in case.assignments.filter(
                status__in=ACTIVE_STATUSES).select_related("unit"):
            _applied_event(assignment, match)
    elif current == MatchDecision.APPLIED and decision != MatchDecision.APPLIED:
        _withdrawn_events(Q(case__notice_matches=match))
    return match


def _withdrawn_events(where: Q) -> None:
    """Tell the crews that an applied notice no longer applies (*gäller inte längre*), so that
    it leaves their card now and not at the next reload: one statement finds the active
    assignments (of the units `_applied_event` reaches) at the cases of the matches `where`
    names, each row with its match."""
    rows = (Assignment.objects.filter(where, status__in=ACTIVE_STATUSES)
            .exclude(unit__kind__in=NON_TRANSPORTING_KINDS)
            .values_list("pk", "unit_id", "case_id", "case__notice_matches"))
    for assignment, unit, case, match in rows:
        event_publish(stream=unit_stream(unit), type=WITHDRAWN_EVENT,
                      data={"assignment": assignment, "case": case, "match": match})


def notice_withdrawn_send(*, notice: RiskNotice) -> None:
    """A notice withdrawn: each crew at an open case it was applied to is told."""
    _withdrawn_events(Q(case__notice_matches__notice=notice,
                        case__notice_matches__decision=MatchDecision.APPLIED,
                        case__status=CaseStatus.OPEN))


def _still_in_force(match: NoticeMatch) -> None:
    """A withdrawn or expired notice no longer applies to a case (409, in words)."""
    notice = RiskNotice.objects.only("state", "valid_until").get(pk=match.notice_id)
    if notice.state != NoticeState.ACTIVE:
        raise Conflict(_("The notice is %(state)s: it can no longer be applied to the case.")
                       % {"state": notice.get_state_display().lower()},
                       match=match_data(match_get(match.pk)))
    if notice.valid_until <= timezone.now():
        raise Conflict(_("The notice expired on %(date)s: it can no longer be applied to the "
                         "case.") % {"date": timezone.localtime(notice.valid_until)
                                     .strftime("%Y-%m-%d %H:%M")},
                       match=match_data(match_get(match.pk)))


def case_applied_matches(*, case_id: int) -> list[NoticeMatch]:
    """The case's applied matches whose notice is still in force. Asked at every dispatch,
    where most cases have none: their ids first (one light read), and only if there are any
    the matches with what MATCH shows (whose seven joins cost a dispatch ~3 ms to build)."""
    ids = list(NoticeMatch.objects.filter(
        case_id=case_id, decision=MatchDecision.APPLIED, notice__state=NoticeState.ACTIVE,
        notice__valid_until__gt=timezone.now()).order_by().values_list("pk", flat=True))
    if not ids:
        return []
    return list(match_queryset().filter(pk__in=ids))


def applied_notices_send(*, assignment: Assignment,
                         matches: list[NoticeMatch] | None = None) -> None:
    """A unit sent to a case with applied notices (still in force) is told them too.
    `matches`: what case_applied_matches found, when the caller asked already."""
    if matches is None:
        matches = case_applied_matches(case_id=assignment.case_id)
    for match in matches:
        _applied_event(assignment, match)


@transaction.atomic
def match_acknowledge(*, match: NoticeMatch, assignment: int | Assignment,
                      by) -> NoticeAcknowledgement:
    """A crew member confirms they read an applied notice (*kvittera*). Once per assignment:
    a replay (the tablet queued it offline and sent it twice) is the same acknowledgement."""
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    unit = unit_of_user(user=by)
    assignment = Assignment.objects.filter(pk=pk).first()
    if assignment is None or unit is None or assignment.unit_id != unit.pk:
        raise NotFound(_("No such assignment on your unit."))
    if assignment.case_id != match.case_id or match.decision != MatchDecision.APPLIED:
        raise NotFound(_("No such notice on this assignment."))
    existing = NoticeAcknowledgement.objects.filter(match=match, assignment=assignment).first()
    if existing is not None:
        return existing
    if assignment.status not in ACTIVE_STATUSES:
        raise Forbidden(_("The assignment has ended."))
    try:
        with transaction.atomic():
            ack = NoticeAcknowledgement.objects.create(
                match=match, assignment=assignment, user=by, acknowledged_at=timezone.now())
    except IntegrityError:
        return NoticeAcknowledgement.objects.get(match=match, assignment=assignment)
    data = {"match": match.pk, "case": match.case_id, "assignment": assignment.pk,
            "unit": assignment.unit_id, "unit_call_sign": unit.call_sign,
            "acknowledged_at": ack.acknowledged_at.isoformat(), "by_name": str(by)}
    event_publish(stream=DISPATCH_STREAM, type="safety.notice_acknowledged", data=data)
    # The crew's other devices (the second tablet, the phone) show it read too.
    event_publish(stream=unit_stream(assignment.unit_id), type="safety.notice_acknowledged",
                  data=data)
    return ack
