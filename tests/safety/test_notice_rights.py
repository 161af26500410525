"""Who sees what of a risk notice: the dispatcher everything; the crew sent to the case what
the risk is and what to do (no background, no person, no source); another unit's crew nothing
(404); a volunteer, mobile care staff and a coordinator never (403). Every read of a notice
tied to a case or a person is in the access log."""

import pytest

from audit.models import AccessLogEntry
from dispatch import services as dispatch
from safety.models import NoticeMatch
from safety.services.matches import match_decide
from tests.audit.patient_data import PATIENT, log_mark
from tests.safety.notice_helpers import notice_new

pytestmark = pytest.mark.django_db

BACKGROUND = "Polisen: kniv i lägenheten vid förra besöket."


@pytest.fixture
def applied(demo, new_case):
    """The world's case (Tolvan at Stora torget 1) matched by a notice about Tolvan, applied,
    with AMB 1010 (sara) sent there."""
    notice = notice_new(demo, address="", personal_identity_number=PATIENT)
    case = new_case()
    [assignment] = dispatch.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    match = NoticeMatch.objects.get(case=case, notice=notice)
    match_decide(match=match, decision="applied", by=demo.anna)
    return case, assignment, match


def test_the_dispatcher_sees_the_whole_match_and_the_read_is_logged(demo, api, applied):
    case, _assignment, match = applied
    mark = log_mark()
    response = api(demo.anna).get(f"/api/safety/notices/?case={case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["case"] == case.pk
    [shown] = body["matches"]
    assert set(shown) == {"id", "notice", "reasons", "distance_m", "decision",
                          "decision_label", "decided_by_name", "decided_at",
                          "acknowledgements"}
    assert shown["notice"]["background"] == BACKGROUND
    assert shown["reasons"] == [{"code": "person", "label": "Same person"}]
    entries = AccessLogEntry.objects.filter(id__gt=mark)
    assert {(e.username, e.patient, e.object_type) for e in entries} == {
        ("anna", PATIENT, "case"), ("anna", "1212121212", "risk_notice")}


def test_the_crew_sees_what_to_do_and_nothing_of_whom_or_from_whom(demo, api, applied):
    case, _assignment, match = applied
    mark = log_mark()
    response = api(demo.sara).get(f"/api/safety/notices/?case={case.pk}")
    assert response.status_code == 200
    assert response.json() == {"case": case.pk, "notices": [{
        "match": match.pk, "category": "weapon", "category_label": "Weapon",
        "action": "police_first", "action_label": "Police first", "acknowledged_at": None}]}
    text = response.content.decode()
    for secret in (BACKGROUND, "xx12", "dispatcher", "person"):
        assert secret not in text
    [entry] = AccessLogEntry.objects.filter(id__gt=mark)
    assert (entry.username, entry.patient, entry.object_type) == ("sara", PATIENT, "case")


def test_the_crew_sees_only_applied_notices(demo, api, new_case):
    notice_new(demo, address="", personal_identity_number=PATIENT)
    case = new_case()
    dispatch.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    assert api(demo.sara).get(f"/api/safety/notices/?case={case.pk}").json()["notices"] == []


def test_another_units_crew_gets_404_and_writes_no_log(demo, api, applied):
    case, _assignment, _match = applied
    mark = log_mark()
    assert api(demo.johan).get(f"/api/safety/notices/?case={case.pk}").status_code == 404
    assert api(demo.maria).get(f"/api/safety/notices/?case={case.pk}").status_code == 404
    assert not AccessLogEntry.objects.filter(id__gt=mark).exists()


def test_an_ended_assignment_no_longer_shows_the_notices(demo, api, applied):
    case, assignment, _match = applied
    dispatch.assignment_status_change(assignment=assignment, status="cancelled", by=demo.anna)
    assert api(demo.sara).get(f"/api/safety/notices/?case={case.pk}").status_code == 404


@pytest.mark.parametrize("who", ["lars", "karin", "ulla"])
def test_a_volunteer_mobile_care_and_a_coordinator_are_refused(demo, api, applied, who):
    case, _assignment, match = applied
    client = api(getattr(demo, who))
    assert client.get(f"/api/safety/notices/?case={case.pk}").status_code == 403
    assert client.get("/api/safety/notices/").status_code == 403
    assert client.get(f"/api/safety/notices/{match.notice_id}/").status_code == 403
    assert client.post(f"/api/safety/matches/{match.pk}/acknowledge/", {"assignment": 1},
                       format="json").status_code == 403


def test_a_crew_member_cannot_list_read_or_enter_notices(demo, api, applied):
    _case, _assignment, match = applied
    client = api(demo.sara)
    assert client.get("/api/safety/notices/").status_code == 403
    assert client.get(f"/api/safety/notices/{match.notice_id}/").status_code == 403
    assert client.post("/api/safety/notices/", {}, format="json").status_code == 403
    assert client.post(f"/api/safety/matches/{match.pk}/decision/", {"decision": "dismissed"},
                       format="json").status_code == 403


def test_the_manager_reviews_notices_but_decides_no_match(demo, api, applied):
    _case, _assignment, match = applied
    client = api(demo.greta)
    assert client.get("/api/safety/notices/").status_code == 200
    assert client.post(f"/api/safety/matches/{match.pk}/decision/", {"decision": "dismissed"},
                       format="json").status_code == 403


def test_reading_a_notice_about_a_person_is_logged_with_the_person(demo, api):
    notice = notice_new(demo, address="", personal_identity_number=PATIENT)
    place_only = notice_new(demo)
    client = api(demo.anna)
    mark = log_mark()
    client.get(f"/api/safety/notices/{notice.pk}/")
    client.get(f"/api/safety/notices/{place_only.pk}/")
    listed = client.get("/api/safety/notices/")
    assert len(listed.json()) == 2
    assert list(AccessLogEntry.objects.filter(id__gt=mark).order_by("id").values_list(
        "patient", "object_id", "reason")) == [
        ("1212121212", str(notice.pk), "risk notice read"),
        ("1212121212", str(notice.pk), "risk notices listed")]


def test_a_preview_by_identity_number_is_logged_even_when_it_finds_nothing(demo, api):
    mark = log_mark()
    response = api(demo.anna).get("/api/safety/notices/matching/",
                                  {"personal_identity_number": PATIENT})
    assert response.json() == {"matches": []}
    [entry] = AccessLogEntry.objects.filter(id__gt=mark)
    assert (entry.patient, entry.object_type) == (PATIENT, "risk_notice_search")
