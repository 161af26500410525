"""An applied notice that stops applying leaves the crew's card at once: dismissed by the
dispatcher or withdrawn, each crew at the case (not a mobile care unit, which never had it)
hears `safety.notice_withdrawn` on its unit's stream; a notice never applied sends nothing."""

import pytest

from crews.models import Unit, UnitKind
from crews.services import crew_join
from crews.streams import unit_stream
from dispatch import services as dispatch
from dispatch.models import Case, CaseStatus
from realtime.models import Event
from safety.models import NoticeMatch
from safety.services.matches import match_decide
from safety.services.notices import notice_withdraw
from tests.safety.notice_helpers import VASAGATAN, notice_new

pytestmark = pytest.mark.django_db

AT_VASAGATAN = {"address": "Vasagatan 12, Västerås", "latitude": VASAGATAN[1],
                "longitude": VASAGATAN[2]}
WITHDRAWN = "safety.notice_withdrawn"


def _mobile_care(demo):
    unit = Unit.objects.filter(kind=UnitKind.MOBILE_CARE).first()
    crew_join(user=demo.karin, unit=unit)
    return unit


def _case_with(demo, new_case, units):
    case = new_case(personal_identity_number="", **AT_VASAGATAN)
    assignments = dispatch.assignment_dispatch(case=case, units=units, by=demo.anna,
                                               override_reason="Närmast, inget annat ledigt")
    return case, assignments


def _withdrawn_events(unit):
    return [e.data for e in Event.objects.filter(stream=unit_stream(unit.pk), type=WITHDRAWN)]


def test_a_dismissed_applied_notice_is_withdrawn_from_the_crew_not_from_mobile_care(
        demo, new_case):
    notice_new(demo)
    mve = _mobile_care(demo)
    case, assignments = _case_with(demo, new_case, [demo.amb1010, mve])
    match = NoticeMatch.objects.get(case=case)
    match = match_decide(match=match, decision="applied", by=demo.anna)
    match_decide(match=match, decision="dismissed", by=demo.anna)
    amb = next(a for a in assignments if a.unit_id == demo.amb1010.pk)
    assert _withdrawn_events(demo.amb1010) == [
        {"assignment": amb.pk, "case": case.pk, "match": match.pk}]
    assert _withdrawn_events(mve) == []


def test_a_withdrawn_notice_leaves_every_open_case_it_was_applied_to(demo, new_case):
    notice = notice_new(demo)
    first, [one] = _case_with(demo, new_case, [demo.amb1010])
    second, [other] = _case_with(demo, new_case, [demo.amb1020])
    closed, _ = _case_with(demo, new_case, [demo.amb3010])
    matches = {m.case_id: m for m in NoticeMatch.objects.filter(notice=notice)}
    for case in (first, second, closed):
        match_decide(match=matches[case.pk], decision="applied", by=demo.anna)
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    notice_withdraw(notice=notice, reason="Fel adress", by=demo.anna)
    assert _withdrawn_events(demo.amb1010) == [
        {"assignment": one.pk, "case": first.pk, "match": matches[first.pk].pk}]
    assert _withdrawn_events(demo.amb1020) == [
        {"assignment": other.pk, "case": second.pk, "match": matches[second.pk].pk}]
    assert _withdrawn_events(demo.amb3010) == []


def test_a_withdrawal_tells_only_the_crews_of_its_own_applied_matches(demo, new_case):
    """Another notice applied at the same case stays: its match is not named."""
    notice = notice_new(demo)
    other_notice = notice_new(demo, category="dangerous_animal", action="caution")
    case, [assignment] = _case_with(demo, new_case, [demo.amb1010])
    mine = NoticeMatch.objects.get(case=case, notice=notice)
    theirs = NoticeMatch.objects.get(case=case, notice=other_notice)
    match_decide(match=mine, decision="applied", by=demo.anna)
    match_decide(match=theirs, decision="applied", by=demo.anna)
    notice_withdraw(notice=notice, reason="Fel adress", by=demo.anna)
    assert _withdrawn_events(demo.amb1010) == [
        {"assignment": assignment.pk, "case": case.pk, "match": mine.pk}]


@pytest.mark.parametrize("how", ["dismissed", "withdrawn"])
def test_nothing_is_sent_when_the_notice_was_never_applied(demo, new_case, how):
    notice = notice_new(demo)
    case, _ = _case_with(demo, new_case, [demo.amb1010])
    match = NoticeMatch.objects.get(case=case)
    if how == "dismissed":
        match_decide(match=match, decision="dismissed", by=demo.anna)
    else:
        notice_withdraw(notice=notice, reason="Fel adress", by=demo.anna)
    assert not Event.objects.filter(type=WITHDRAWN).exists()
