"""The destination of an assignment (*destination*): a hospital chosen by the unit's crew or a
dispatcher, heard by the other tablet and the console, replayable, refused on an ended
assignment (409) or for a hospital not offered (400), never needed for a status change."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from crews.services import crew_join
from dispatch import services
from dispatch.models import Assignment
from realtime.models import Event
from tests.places.helpers import hospitals_add

from .helpers import assert_detail, db_state


@pytest.fixture
def hospitals(db):
    return hospitals_add()


def url(assignment):
    return f"/api/assignments/{assignment.pk}/destination/"


def destination_events(assignment):
    return [e for e in Event.objects.filter(type="assignment.destination").order_by("pk")
            if e.data["id"] == assignment.pk]


def test_the_crew_sets_the_destination_and_the_card_shows_it(demo, api, dispatched, hospitals):
    assignment = dispatched("on_scene")
    akademiska = hospitals["Akademiska sjukhuset"]
    response = api(demo.sara).post(url(assignment), {"hospital": akademiska.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["destination"] == {
        "id": akademiska.pk, "name": "Akademiska sjukhuset", "short_name": "Akademiska",
        "latitude": akademiska.latitude, "longitude": akademiska.longitude}
    assert Assignment.objects.get(pk=assignment.pk).destination_hospital == akademiska
    # Both the unit's stream (the other tablet) and the console's stream hear it.
    events = destination_events(assignment)
    assert {e.stream for e in events} == {f"unit.{assignment.unit_id}", "dispatch"}
    assert {e.data["destination_hospital"] for e in events} == {akademiska.pk}
    # The console's case shows the destination's name.
    case = api(demo.anna).get(f"/api/cases/{assignment.case_id}/").json()
    assert case["assignments"][0]["destination_name"] == "Akademiska"


def test_a_dispatcher_sets_it_and_a_new_choice_replaces_the_old(demo, api, dispatched,
                                                                 hospitals):
    assignment = dispatched("transporting")
    for name in ("Akademiska sjukhuset", "Lasarettet i Enköping"):
        response = api(demo.anna).post(url(assignment), {"hospital": hospitals[name].pk},
                                       format="json")
        assert response.status_code == 200, response.json()
    assert response.json()["destination"]["name"] == "Lasarettet i Enköping"
    assert len(destination_events(assignment)) == 4


def test_the_same_hospital_again_changes_nothing(demo, api, dispatched, hospitals):
    assignment = dispatched("on_scene")
    body = {"hospital": hospitals["Akademiska sjukhuset"].pk}
    api(demo.sara).post(url(assignment), body, format="json")
    before = db_state()
    again = api(demo.sara).post(url(assignment), body, format="json")
    assert again.status_code == 200 and db_state() == before


def test_a_replay_with_the_same_key_gets_the_same_answer(demo, api, dispatched, hospitals):
    assignment = dispatched("on_scene")
    client = api(demo.sara)
    body = {"hospital": hospitals["Akademiska sjukhuset"].pk}
    first = client.post(url(assignment), body, format="json",
                        HTTP_IDEMPOTENCY_KEY="dest-0001-abcd")
    second = client.post(url(assignment), body, format="json",
                         HTTP_IDEMPOTENCY_KEY="dest-0001-abcd")
    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replay"] == "true"
    assert second.json()["destination"] == first.json()["destination"]
    assert len(destination_events(assignment)) == 2


@pytest.mark.parametrize("status", ["cancelled", "available"])
def test_an_ended_assignment_refuses_a_destination(demo, api, dispatched, hospitals, status):
    assignment = dispatched(status)
    before = db_state()
    response = api(demo.anna).post(url(assignment),
                                   {"hospital": hospitals["Akademiska sjukhuset"].pk},
                                   format="json")
    assert response.status_code == 409
    assert_detail(response, "destination")
    assert db_state() == before


@pytest.mark.parametrize("hospital", [999999, "Akademiska", None])
def test_an_unknown_hospital_is_refused(demo, api, dispatched, hospitals, hospital):
    assignment = dispatched("on_scene")
    response = api(demo.sara).post(url(assignment), {"hospital": hospital}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()


def test_an_inactive_hospital_is_refused(demo, api, dispatched, hospitals):
    assignment = dispatched("on_scene")
    enkoping = hospitals["Lasarettet i Enköping"]
    enkoping.active = False
    enkoping.save()
    response = api(demo.sara).post(url(assignment), {"hospital": enkoping.pk}, format="json")
    assert response.status_code == 400
    assert_detail(response, "Lasarettet i Enköping")


def test_another_units_crew_and_a_volunteer_cannot_set_it(demo, api, dispatched, hospitals):
    assignment = dispatched("on_scene")
    body = {"hospital": hospitals["Akademiska sjukhuset"].pk}
    assert api(demo.johan).post(url(assignment), body, format="json").status_code == 404
    assert api(demo.lars).post(url(assignment), body, format="json").status_code == 403
    assert Assignment.objects.get(pk=assignment.pk).destination_hospital is None


def test_the_patient_is_loaded_without_a_destination(demo, dispatched):
    assignment = dispatched("on_scene")
    moved = services.assignment_status_change(assignment=assignment, status="transporting",
                                              by=demo.sara)
    assert moved.status == "transporting" and moved.destination_hospital is None


def test_a_destination_in_words_is_still_shown(demo, api, dispatched):
    assignment = dispatched("transporting")
    Assignment.objects.filter(pk=assignment.pk).update(destination="Akuten, ingång B")
    body = api(demo.sara).get(f"/api/assignments/{assignment.pk}/").json()
    assert body["destination"] == "Akuten, ingång B"
    assignment = dispatched("on_scene", unit=demo.amb3010)
    assert api(demo.johan).get(f"/api/assignments/{assignment.pk}/").json()["destination"] \
        is None


def test_who_chose_the_destination_and_when_is_recorded_and_shown(demo, api, dispatched,
                                                                   hospitals):
    assignment = dispatched("on_scene")
    before = timezone.now()
    api(demo.anna).post(url(assignment), {"hospital": hospitals["Akademiska sjukhuset"].pk},
                        format="json")
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.destination_set_by == demo.anna
    assert before <= stored.destination_set_at <= timezone.now()
    [brief] = api(demo.anna).get(f"/api/cases/{assignment.case_id}/").json()["assignments"]
    assert brief["destination_set_by_name"] == str(demo.anna)
    assert brief["destination_set_at"]
    # The crew's pick, chosen on the tablet after that, is recorded at the time chosen.
    chosen_at = timezone.now()
    api(demo.sara).post(url(assignment), {"hospital": hospitals["Lasarettet i Enköping"].pk,
                                          "chosen_at": chosen_at.isoformat()}, format="json")
    stored.refresh_from_db()
    assert (stored.destination_set_by, stored.destination_set_at) == (demo.sara, chosen_at)


def test_a_pick_made_before_the_dispatchers_later_choice_is_refused(demo, api, dispatched,
                                                                    hospitals):
    assignment = dispatched("transporting")
    picked_offline = timezone.now() - timedelta(minutes=7)
    api(demo.anna).post(url(assignment), {"hospital": hospitals["Akademiska sjukhuset"].pk},
                        format="json")
    before = db_state()
    body = {"hospital": hospitals["Lasarettet i Enköping"].pk,
            "chosen_at": picked_offline.isoformat()}
    client = api(demo.sara)
    response = client.post(url(assignment), body, format="json",
                           HTTP_IDEMPOTENCY_KEY="dest-late-0001")
    assert response.status_code == 409, response.json()
    assert_detail(response, "The dispatch centre chose Akademiska")
    assert_detail(response, "after your pick")
    assert db_state() == before
    assert Assignment.objects.get(pk=assignment.pk).destination_set_by == demo.anna
    # The outbox's replay gets the same refusal, and changes nothing.
    again = client.post(url(assignment), body, format="json",
                        HTTP_IDEMPOTENCY_KEY="dest-late-0001")
    assert again.status_code == 409 and again["Idempotent-Replay"] == "true"
    assert again.json() == response.json()
    # Picking the dispatcher's hospital, however old, is no conflict; a pick made now wins.
    same = {"hospital": hospitals["Akademiska sjukhuset"].pk,
            "chosen_at": picked_offline.isoformat()}
    assert client.post(url(assignment), same, format="json").status_code == 200
    now = client.post(url(assignment), {"hospital": body["hospital"]}, format="json")
    assert now.status_code == 200
    assert now.json()["destination"]["name"] == "Lasarettet i Enköping"


def test_a_later_pick_by_another_crew_member_names_them(demo, api, dispatched, hospitals):
    assignment = dispatched("transporting")
    crew_join(user=demo.maria, unit=demo.amb1010)
    picked_offline = timezone.now() - timedelta(minutes=3)
    api(demo.maria).post(url(assignment), {"hospital": hospitals["Akademiska sjukhuset"].pk},
                         format="json")
    response = api(demo.sara).post(url(assignment), {
        "hospital": hospitals["Lasarettet i Enköping"].pk,
        "chosen_at": picked_offline.isoformat()}, format="json")
    assert response.status_code == 409
    assert_detail(response, f"{demo.maria} chose Akademiska")


def test_the_own_earlier_pick_and_a_time_ahead_of_the_server_are_taken(demo, api, dispatched,
                                                                       hospitals):
    assignment = dispatched("on_scene")
    client = api(demo.sara)
    client.post(url(assignment), {"hospital": hospitals["Akademiska sjukhuset"].pk},
                format="json")
    earlier = timezone.now() - timedelta(minutes=2)
    response = client.post(url(assignment), {"hospital": hospitals["Lasarettet i Enköping"].pk,
                                             "chosen_at": earlier.isoformat()}, format="json")
    assert response.status_code == 200, response.json()
    # A tablet clock ahead of the server's is taken as now, so it cannot block later choices.
    ahead = timezone.now() + timedelta(hours=1)
    client.post(url(assignment), {"hospital": hospitals["Akademiska sjukhuset"].pk,
                                  "chosen_at": ahead.isoformat()}, format="json")
    assert Assignment.objects.get(pk=assignment.pk).destination_set_at <= timezone.now()
    response = api(demo.anna).post(url(assignment),
                                   {"hospital": hospitals["Lasarettet i Enköping"].pk},
                                   format="json")
    assert response.status_code == 200


@override_settings(LANGUAGE_CODE="sv")
def test_the_refusal_of_an_older_pick_reads_in_the_tablets_language(demo, api, dispatched,
                                                                    hospitals):
    assignment = dispatched("transporting")
    api(demo.anna).post(url(assignment), {"hospital": hospitals["Akademiska sjukhuset"].pk},
                        format="json")
    set_at = timezone.localtime(Assignment.objects.get(pk=assignment.pk).destination_set_at)
    response = api(demo.sara).post(url(assignment), {
        "hospital": hospitals["Lasarettet i Enköping"].pk,
        "chosen_at": (timezone.now() - timedelta(minutes=4)).isoformat()}, format="json")
    assert response.status_code == 409
    assert_detail(response, f"Larmcentralen valde Akademiska kl. {set_at:%H:%M}, efter ditt val.")


def test_at_hospital_keeps_the_hospital_the_patient_was_taken_to(demo, api, dispatched):
    hospitals = hospitals_add()
    akademiska, enkoping = hospitals["Akademiska sjukhuset"], hospitals["Lasarettet i Enköping"]
    assignment = dispatched("transporting")
    url = f"/api/assignments/{assignment.pk}/destination/"
    assert api(demo.sara).post(url, {"hospital": akademiska.pk},
                               format="json").status_code == 200
    api(demo.sara).post(f"/api/assignments/{assignment.pk}/status/",
                        {"status": "at_hospital"}, format="json")
    refused = api(demo.anna).post(url, {"hospital": enkoping.pk}, format="json")
    assert refused.status_code == 409
    assert "Akademiska" in refused.json()["detail"]
    stored = Assignment.objects.get(pk=assignment.pk)
    assert (stored.status, stored.destination_hospital) == ("at_hospital", akademiska)


def test_at_hospital_without_a_destination_may_still_name_it(demo, api, dispatched):
    enkoping = hospitals_add()["Lasarettet i Enköping"]
    assignment = dispatched("at_hospital")
    answer = api(demo.sara).post(f"/api/assignments/{assignment.pk}/destination/",
                                 {"hospital": enkoping.pk}, format="json")
    assert answer.status_code == 200
    assert Assignment.objects.get(pk=assignment.pk).destination_hospital == enkoping
