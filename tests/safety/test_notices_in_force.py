"""Only notices still in force reach a crew, and only crews that read notices are told: a
withdrawn or expired notice is not applied and leaves the crew's view; a mobile care unit or a
first responder unit sent to the case (with an override) is not sent the notice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crews.models import Unit, UnitKind
from crews.services import crew_join
from crews.streams import unit_stream
from dispatch import services as dispatch
from realtime.models import Event
from safety.models import MatchDecision, NoticeMatch, RiskNotice
from safety.services.matches import match_decide
from safety.services.notices import notice_withdraw
from tests.safety.notice_helpers import VASAGATAN, notice_new

pytestmark = pytest.mark.django_db

AT_VASAGATAN = {"address": "Vasagatan 12, Västerås", "latitude": VASAGATAN[1],
                "longitude": VASAGATAN[2]}


def _matched(demo, new_case, units=None, override_reason=""):
    notice = notice_new(demo)
    case = new_case(personal_identity_number="", **AT_VASAGATAN)
    assignments = dispatch.assignment_dispatch(case=case, units=units or [demo.amb1010],
                                               by=demo.anna, override_reason=override_reason)
    return notice, case, assignments, NoticeMatch.objects.get(case=case)


@pytest.mark.parametrize("when", ["sent_before", "sent_after"])
@pytest.mark.parametrize("kind", [UnitKind.MOBILE_CARE, UnitKind.FIRST_RESPONDER])
def test_a_unit_that_reads_no_notices_is_not_sent_one(demo, new_case, kind, when):
    other = Unit.objects.filter(kind=kind).first()
    if other is None:
        other = Unit.objects.create(call_sign="IVPA 9001", kind=kind, region=demo.vml)
    if kind == UnitKind.MOBILE_CARE:
        crew_join(user=demo.karin, unit=other)
    reason = "Närmast, inget annat ledigt"
    units = [demo.amb1010, other] if when == "sent_before" else [demo.amb1010]
    _notice, case, _assignments, match = _matched(demo, new_case, units=units,
                                                  override_reason=reason)
    match_decide(match=match, decision="applied", by=demo.anna)
    if when == "sent_after":
        dispatch.assignment_dispatch(case=case, units=[other], by=demo.anna,
                                     override_reason=reason)
    assert Event.objects.filter(stream=unit_stream(demo.amb1010.pk),
                                type="safety.notice_applied").count() == 1
    assert not Event.objects.filter(stream=unit_stream(other.pk),
                                    type="safety.notice_applied").exists()


def test_a_withdrawn_notice_cannot_be_applied(demo, new_case, api):
    notice, _case, _assignments, match = _matched(demo, new_case)
    notice_withdraw(notice=notice, reason="Fel adress", by=demo.anna)
    response = api(demo.anna).post(f"/api/safety/matches/{match.pk}/decision/",
                                   {"decision": "applied"}, format="json")
    assert response.status_code == 409
    assert "withdrawn" in response.json()["detail"]
    match.refresh_from_db()
    assert match.decision != MatchDecision.APPLIED
    assert not Event.objects.filter(type="safety.notice_applied").exists()
    # Dismissing it is still possible.
    assert api(demo.anna).post(f"/api/safety/matches/{match.pk}/decision/",
                               {"decision": "dismissed"}, format="json").status_code == 200


def test_an_expired_notice_cannot_be_applied(demo, new_case, api):
    notice, _case, _assignments, match = _matched(demo, new_case)
    RiskNotice.objects.filter(pk=notice.pk).update(
        valid_until=timezone.now() - timedelta(minutes=1))
    response = api(demo.anna).post(f"/api/safety/matches/{match.pk}/decision/",
                                   {"decision": "applied"}, format="json")
    assert response.status_code == 409
    assert "expired" in response.json()["detail"]


@pytest.mark.parametrize("ends", ["withdrawn", "expired"])
def test_the_crew_sees_only_notices_still_in_force(demo, new_case, api, ends):
    notice, case, _assignments, match = _matched(demo, new_case)
    match_decide(match=match, decision="applied", by=demo.anna)
    crew = api(demo.sara)
    assert len(crew.get(f"/api/safety/notices/?case={case.pk}").json()["notices"]) == 1
    if ends == "withdrawn":
        notice_withdraw(notice=notice, reason="Personen har flyttat", by=demo.anna)
    else:
        RiskNotice.objects.filter(pk=notice.pk).update(
            valid_until=timezone.now() - timedelta(minutes=1))
    assert crew.get(f"/api/safety/notices/?case={case.pk}").json()["notices"] == []
    # The dispatcher still sees the match, as it was decided.
    dispatcher = api(demo.anna).get(f"/api/safety/notices/?case={case.pk}").json()
    assert [m["id"] for m in dispatcher["matches"]] == [match.pk]
    # A unit sent later is not told it.
    dispatch.assignment_dispatch(case=case, units=[demo.amb1020], by=demo.anna)
    assert not Event.objects.filter(stream=unit_stream(demo.amb1020.pk),
                                    type="safety.notice_applied").exists()
