"""Matching notices with cases: by address however typed, by the notice's radius, by the
person; a proposed, withdrawn or expired notice matches nothing. An applied notice makes the
case an unsafe scene (volunteers stand down) and reaches the crews, now and later."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crews.streams import unit_stream
from dispatch import services as dispatch
from dispatch.models import SceneFlag
from realtime.models import Event
from safety.models import MatchDecision, NoticeAcknowledgement, NoticeMatch, NoticeState
from safety.services.matches import match_decide
from safety.services.matching import address_key
from tests.safety.notice_helpers import VASAGATAN, notice_new

pytestmark = pytest.mark.django_db

ELSEWHERE = {"address": "Kopparbergsvägen 10, Västerås", "latitude": 59.6230,
             "longitude": 16.5000}
AT_VASAGATAN = {"address": "VASAGATAN 12,  västerås", "latitude": VASAGATAN[1] + 0.0003,
                "longitude": VASAGATAN[2]}


@pytest.mark.parametrize(("one", "other"), [
    ("Vasagatan 12, Västerås", "VASAGATAN 12"),
    ("Kungsgt 5 B", "Kungsgatan 5b, Uppsala"),
    ("S:t Eriksgatan 3", "Sankt Eriksgatan 3"),
    ("Stora g 1", "Stora gatan 1"),
])
def test_one_address_typed_two_ways_has_one_key(one, other):
    assert address_key(one) == address_key(other) != ""


def test_a_street_without_a_number_is_no_address():
    assert address_key("Vasagatan, Västerås") == ""


def test_a_case_at_the_notices_address_matches_it(demo, new_case):
    notice = notice_new(demo)
    case = new_case(personal_identity_number="", **AT_VASAGATAN)
    [match] = NoticeMatch.objects.filter(case=case)
    assert (match.notice_id, match.reasons, match.decision) == (
        notice.pk, ["address"], MatchDecision.PENDING)
    assert match.distance_m == 33
    event = Event.objects.get(type="safety.matches_found")
    assert event.data["case"] == case.pk
    assert [m["notice"]["id"] for m in event.data["matches"]] == [notice.pk]


def test_the_same_address_in_another_town_far_away_does_not_match(demo, new_case):
    notice_new(demo)
    case = new_case(personal_identity_number="", address="Vasagatan 12, Uppsala",
                    latitude=59.8586, longitude=17.6389)
    assert not NoticeMatch.objects.filter(case=case).exists()


def test_a_case_within_the_radius_matches_and_one_outside_does_not(demo, new_case):
    notice = notice_new(demo, radius_m=400)  # Stora torget 1 is about 280 m away
    inside = new_case(personal_identity_number="")
    outside = new_case(personal_identity_number="", **ELSEWHERE)
    [match] = NoticeMatch.objects.filter(case=inside)
    assert (match.notice_id, match.reasons) == (notice.pk, ["radius"])
    assert 200 < match.distance_m < 400
    assert not NoticeMatch.objects.filter(case=outside).exists()


def test_a_notice_about_a_person_matches_their_case_anywhere(demo, new_case):
    notice = notice_new(demo, address="", personal_identity_number="191212121212")
    case = new_case(**ELSEWHERE)  # the world's patient, 19121212-1212
    [match] = NoticeMatch.objects.filter(case=case)
    assert (match.notice_id, match.reasons) == (notice.pk, ["person"])


@pytest.mark.parametrize("state", [NoticeState.PROPOSED, NoticeState.WITHDRAWN,
                                   NoticeState.REJECTED])
def test_a_notice_not_active_matches_nothing(demo, new_case, state):
    notice_new(demo, radius_m=400, state=state)
    assert not NoticeMatch.objects.filter(case=new_case()).exists()


def test_an_expired_notice_stops_matching(demo, new_case):
    notice = notice_new(demo, radius_m=400)
    type(notice).objects.filter(pk=notice.pk).update(
        valid_until=timezone.now() - timedelta(minutes=1))
    assert not NoticeMatch.objects.filter(case=new_case()).exists()


def test_a_case_moved_to_the_address_matches_then_and_only_once(demo, new_case):
    notice = notice_new(demo)
    case = new_case(personal_identity_number="", **ELSEWHERE)
    assert not NoticeMatch.objects.filter(case=case).exists()
    case = dispatch.case_update(case=case, by=demo.anna, **AT_VASAGATAN)
    assert list(NoticeMatch.objects.filter(case=case).values_list("notice_id", flat=True)) == [
        notice.pk]
    dispatch.case_update(case=case, by=demo.anna, address="Vasagatan 12 , Västerås")
    assert NoticeMatch.objects.filter(case=case).count() == 1
    assert Event.objects.filter(type="safety.matches_found").count() == 1


def test_a_notice_entered_for_a_case_matches_it_at_once(demo, new_case):
    case = new_case(personal_identity_number="", **ELSEWHERE)
    notice = notice_new(demo, case=case.pk, **{k: v for k, v in ELSEWHERE.items()})
    assert NoticeMatch.objects.get(case=case).notice_id == notice.pk


# --- applying -----------------------------------------------------------------------------


def _applied_world(demo, new_case):
    notice_new(demo)
    case = new_case(personal_identity_number="", **AT_VASAGATAN)
    [assignment] = dispatch.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    match = NoticeMatch.objects.get(case=case)
    return case, assignment, match


def test_applying_a_notice_flags_the_scene_and_tells_the_crew(demo, new_case, api):
    case, assignment, match = _applied_world(demo, new_case)
    response = api(demo.anna).post(f"/api/safety/matches/{match.pk}/decision/",
                                   {"decision": "applied"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["decision"], response.json()["decided_by_name"]) == (
        "applied", str(demo.anna))
    case.refresh_from_db()
    assert SceneFlag.UNSAFE_SCENE in case.scene_flags
    assert case.changes.filter(field="scene_flags").exists()  # in the case's history
    event = Event.objects.get(stream=unit_stream(demo.amb1010.pk), type="safety.notice_applied")
    assert event.data == {"assignment": assignment.pk, "case": case.pk, "notice": {
        "match": match.pk, "category": "weapon", "category_label": "Weapon",
        "action": "police_first", "action_label": "Police first", "acknowledged_at": None}}


def test_a_unit_sent_later_is_told_the_applied_notices(demo, new_case):
    case, _assignment, match = _applied_world(demo, new_case)
    match_decide(match=match, decision="applied", by=demo.anna)
    dispatch.assignment_dispatch(case=case, units=[demo.amb1020], by=demo.anna)
    event = Event.objects.get(stream=unit_stream(demo.amb1020.pk), type="safety.notice_applied")
    assert event.data["notice"]["match"] == match.pk


def test_a_dismissed_notice_changes_nothing_on_the_case(demo, new_case, api):
    case, _assignment, match = _applied_world(demo, new_case)
    response = api(demo.anna).post(f"/api/safety/matches/{match.pk}/decision/",
                                   {"decision": "dismissed"}, format="json")
    assert response.json()["decision_label"] == "Does not apply"
    case.refresh_from_db()
    assert SceneFlag.UNSAFE_SCENE not in case.scene_flags
    assert not Event.objects.filter(type="safety.notice_applied").exists()
    assert api(demo.anna).post(f"/api/safety/matches/{match.pk}/decision/",
                               {"decision": "maybe"}, format="json").status_code == 400


def test_the_crews_acknowledgement_is_once_and_a_replay_answers_the_same(demo, new_case, api):
    _case, assignment, match = _applied_world(demo, new_case)
    match_decide(match=match, decision="applied", by=demo.anna)
    client = api(demo.sara)
    first = client.post(f"/api/safety/matches/{match.pk}/acknowledge/",
                        {"assignment": assignment.pk}, format="json")
    assert first.status_code == 200, first.json()
    again = client.post(f"/api/safety/matches/{match.pk}/acknowledge/",
                        {"assignment": assignment.pk}, format="json")
    assert again.json() == first.json() and first.json()["match"] == match.pk
    assert NoticeAcknowledgement.objects.count() == 1
    [event] = Event.objects.filter(stream="dispatch", type="safety.notice_acknowledged")
    assert event.data["assignment"] == assignment.pk
    crew_view = client.get(f"/api/safety/notices/?case={assignment.case_id}").json()
    assert crew_view["notices"][0]["acknowledged_at"] == first.json()["acknowledged_at"]


def test_another_unit_cannot_acknowledge_and_a_pending_match_is_not_acknowledged(
        demo, new_case, api):
    _case, assignment, match = _applied_world(demo, new_case)
    assert api(demo.sara).post(f"/api/safety/matches/{match.pk}/acknowledge/",
                               {"assignment": assignment.pk},
                               format="json").status_code == 404  # not applied yet
    match_decide(match=match, decision="applied", by=demo.anna)
    assert api(demo.johan).post(f"/api/safety/matches/{match.pk}/acknowledge/",
                                {"assignment": assignment.pk},
                                format="json").status_code == 404
    assert not NoticeAcknowledgement.objects.exists()


def test_a_volunteers_callout_to_a_cardiac_arrest_at_the_address_stands_down(demo, new_case,
                                                                             api):
    from django.core.management import call_command

    from ivpa.models import AlertStatus, Callout, ResponderAlert, ResponderKind

    call_command("seed_ivpa_demo", stdout=open("/dev/null", "w"))
    notice_new(demo, radius_m=400)
    case = new_case(municipality="Västerås", case_type="cardiac_arrest",
                    complaint="Hjärtstopp")
    callout = Callout.objects.get(case=case)
    volunteers = ResponderAlert.objects.filter(callout=callout,
                                               kind=ResponderKind.VOLUNTEER)
    assert volunteers.filter(status=AlertStatus.ALERTED).exists()
    match = NoticeMatch.objects.get(case=case)
    assert api(demo.anna).post(f"/api/safety/matches/{match.pk}/decision/",
                               {"decision": "applied"}, format="json").status_code == 200
    callout.refresh_from_db()
    assert callout.volunteers_excluded == SceneFlag.UNSAFE_SCENE
    assert set(volunteers.values_list("status", flat=True)) == {AlertStatus.STOOD_DOWN}
