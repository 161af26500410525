"""The IVPA API end to end over HTTP: what each role sees, what a volunteer may do, and a
clear 4xx for every bad input, with nothing stored lost."""

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AccessLogEntry
from ivpa.models import AlertStatus, Callout, Municipality, Responder
from ivpa.services import municipality_update
from timers.models import Timer, TimerState


@pytest.fixture
def callout(arrest):
    return Callout.objects.get(case=arrest())


def alert_of(callout, responder):
    return callout.alerts.get(responder=responder)


def test_a_volunteer_registers_and_is_signed_in(db, demo):
    client = APIClient()
    response = client.post("/api/ivpa/register/", {
        "username": "frida", "password": "hjärta-och-lunga-2026", "display_name": "Frida Ek",
        "phone_number": "+46701740691", "training": "cpr_aed", "training_confirmed": True,
    }, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["available"] is False
    assert response.json()["training_valid_until"]
    me = client.get("/api/ivpa/me/")
    assert me.status_code == 200 and me.json()["name"] == "Frida Ek"
    assert Responder.objects.get(user__username="frida").user.role == "responder"


@pytest.mark.parametrize(("change", "message"), [
    ({"training_confirmed": False}, "Confirm that you have the training"),
    ({"password": "123"}, "too short"),
    ({"phone_number": "0701 23"}, "is not a mobile number"),
    ({"phone_number": "ring mig"}, "is not a mobile number"),
    ({"username": "lars"}, "is taken"),
])
def test_registration_refusals_say_what_to_fix(db, demo, change, message):
    data = {"username": "frida", "password": "hjärta-och-lunga-2026",
            "display_name": "Frida Ek", "phone_number": "+46701740691",
            "training": "cpr_aed", "training_confirmed": True, **change}
    response = APIClient().post("/api/ivpa/register/", data, format="json")
    assert response.status_code in (400, 409)
    assert message in response.json()["detail"]
    assert not Responder.objects.filter(user__username="frida").exists()


@pytest.mark.parametrize("typed", ["070-174 06 91", "+46 (0)70 174 06 91", "0046701740691"])
def test_a_volunteer_types_the_number_as_people_write_it(db, demo, typed):
    data = {"username": "frida", "password": "hjärta-och-lunga-2026",
            "display_name": "Frida Ek", "phone_number": typed,
            "training": "cpr_aed", "training_confirmed": True}
    assert APIClient().post("/api/ivpa/register/", data, format="json").status_code == 201
    assert Responder.objects.get(user__username="frida").user.phone_number == "+46701740691"


def test_going_unavailable_forgets_the_position(ivpa, api):
    response = api(ivpa.lars.user).patch("/api/ivpa/me/", {"available": False}, format="json")
    assert response.status_code == 200
    lars = Responder.objects.get(pk=ivpa.lars.pk)
    assert (lars.latitude, lars.longitude, lars.position_at, lars.cell) == (None,) * 4


def test_a_position_is_kept_coarse(ivpa, api):
    response = api(ivpa.lars.user).post("/api/ivpa/me/position/",
                                        {"latitude": 59.612345, "longitude": 16.548765},
                                        format="json")
    assert response.status_code == 200
    assert response.json()["latitude"] == 59.612 and response.json()["longitude"] == 16.549


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"latitude": 91, "longitude": 16.5}, 400, "latitude"),
    ({"latitude": 59.6, "longitude": 181}, 400, "longitude"),
    ({"latitude": 59.6, "longitude": 16.5, "at": "2020-01-01T10:00:00Z"}, 400, "too old"),
    ({"latitude": 59.6, "longitude": 16.5, "at": "2099-01-01T10:00:00Z"}, 400, "future"),
    ({"latitude": "north", "longitude": 16.5}, 400, "latitude"),
])
def test_a_bad_position_is_refused_and_the_stored_one_stays(ivpa, api, data, status, message):
    before = Responder.objects.get(pk=ivpa.lars.pk)
    response = api(ivpa.lars.user).post("/api/ivpa/me/position/", data, format="json")
    assert response.status_code == status
    assert message in response.json()["detail"].lower()
    after = Responder.objects.get(pk=ivpa.lars.pk)
    assert (after.latitude, after.longitude, after.position_at) == (
        before.latitude, before.longitude, before.position_at)


def test_a_position_while_unavailable_is_refused(ivpa, api):
    client = api(ivpa.lars.user)
    client.patch("/api/ivpa/me/", {"available": False}, format="json")
    response = client.post("/api/ivpa/me/position/", {"latitude": 59.6, "longitude": 16.5},
                           format="json")
    assert response.status_code == 409
    assert "not available" in response.json()["detail"]
    assert Responder.objects.get(pk=ivpa.lars.pk).latitude is None


def test_the_address_and_door_code_come_only_after_accepting(ivpa, api, arrest):
    callout = Callout.objects.get(case=arrest(door_code="1942"))
    alert = alert_of(callout, ivpa.lars)
    client = api(ivpa.lars.user)
    before = client.get(f"/api/ivpa/alerts/{alert.pk}/").json()
    assert before["destination"] is None
    assert before["case_type"] == "cardiac_arrest" and before["distance_m"] > 0
    reads = AccessLogEntry.objects.count()
    accepted = client.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.json()
    destination = accepted.json()["destination"]
    assert destination["address"] == "Stora torget 1, Västerås"
    assert destination["door_code"] == "1942"
    entry = AccessLogEntry.objects.order_by("-pk").first()
    assert AccessLogEntry.objects.count() > reads
    assert entry.username == "lars" and entry.case_ref == callout.case.reference


def test_a_responder_never_sees_the_patient(ivpa, api, callout):
    client = api(ivpa.lars.user)
    alert = alert_of(callout, ivpa.lars)
    client.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json")
    text = json.dumps([client.get("/api/ivpa/alerts/").json(),
                       client.get(f"/api/ivpa/alerts/{alert.pk}/").json()])
    assert "Stora torget" in text  # the address, after accepting
    for secret in ("19121212", "Tolvan", "Bröstsmärta", "+46701234567"):
        assert secret not in text


def test_a_responder_cannot_read_or_answer_another_responders_alert(ivpa, api, callout):
    alert = alert_of(callout, ivpa.lars)
    client = api(ivpa.eva.user)
    assert client.get(f"/api/ivpa/alerts/{alert.pk}/").status_code == 404
    assert client.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {},
                       format="json").status_code == 404
    assert alert_of(callout, ivpa.lars).status == AlertStatus.ALERTED


def test_a_second_acceptance_is_refused_and_a_replay_answers_the_same(ivpa, api, callout):
    alert = alert_of(callout, ivpa.lars)
    client = api(ivpa.lars.user)
    first = client.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json",
                        HTTP_IDEMPOTENCY_KEY="accept-lars-0001")
    replay = client.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json",
                         HTTP_IDEMPOTENCY_KEY="accept-lars-0001")
    assert first.status_code == replay.status_code == 200
    assert replay["Idempotent-Replay"] == "true"
    second = client.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json")
    assert second.status_code == 409
    assert "already accepted" in second.json()["detail"]
    assert alert_of(callout, ivpa.lars).status == AlertStatus.ACCEPTED


def test_an_answer_after_the_alert_ended_is_refused_with_the_reason(ivpa, api, callout):
    alert = alert_of(callout, ivpa.lars)
    cancel = api(callout.case.created_by).post(
        f"/api/ivpa/callouts/{callout.pk}/cancel/", {}, format="json")
    assert cancel.status_code == 200 and cancel.json()["end_reason"] == "cancelled"
    response = api(ivpa.lars.user).post(f"/api/ivpa/alerts/{alert.pk}/accept/", {},
                                        format="json")
    assert response.status_code == 409
    assert "has ended" in response.json()["detail"]
    assert alert_of(callout, ivpa.lars).status == AlertStatus.STOOD_DOWN


def test_an_answer_while_signed_out_is_refused_and_the_alert_waits(ivpa, callout):
    alert = alert_of(callout, ivpa.lars)
    response = APIClient().post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert alert_of(callout, ivpa.lars).status == AlertStatus.ALERTED


def test_a_responder_without_a_session_is_still_woken(ivpa, callout):
    """No socket, no session: the alert waits for them and a push (else SMS) is scheduled."""
    alert = alert_of(callout, ivpa.lars)
    wakeups = Timer.objects.filter(kind="push.notify", state=TimerState.PENDING,
                                   payload__user=ivpa.lars.user_id)
    assert wakeups.count() == 1
    assert wakeups.get().payload["notification"]["tag"] == f"ivpa-alert-{alert.pk}"
    assert "Hjärtstopp" in wakeups.get().payload["notification"]["title"]


def test_the_dispatcher_sees_who_was_alerted_and_who_accepted(ivpa, api, demo, callout):
    api(ivpa.eva.user).post(f"/api/ivpa/alerts/{alert_of(callout, ivpa.eva).pk}/accept/",
                            {}, format="json")
    api(ivpa.nils.user).post(f"/api/ivpa/alerts/{alert_of(callout, ivpa.nils).pk}/decline/",
                             {}, format="json")
    [summary] = api(demo.anna).get("/api/ivpa/callouts/", {"case": callout.case_id}).json()
    by_name = {a["name"]: a for a in summary["alerts"]}
    assert by_name["Eva Sjöberg"]["status"] == "accepted"
    assert by_name["Nils Åkesson"]["status"] == "declined"
    assert by_name["Räddning 2110 Västerås"]["kind"] == "fire_rescue"
    assert all(a["eta_s"] > 0 and a["distance_m"] >= 0 for a in summary["alerts"])
    assert summary["ambulance_eta_s"] is not None


def test_the_preview_gives_eligibility_and_estimated_times(ivpa, api, demo, new_case):
    case = new_case(municipality="Västerås", case_type="chest_pain")
    answer = api(demo.anna).get(f"/api/ivpa/cases/{case.pk}/callout/").json()
    assert answer["eligible"] is False and "chest pain" in answer["reason"]
    case = new_case(municipality="Sala", case_type="cardiac_arrest")
    answer = api(demo.anna).get(f"/api/ivpa/cases/{case.pk}/callout/").json()
    assert answer["eligible"] is False and "not connected" in answer["reason"]
    started = api(demo.anna).post(f"/api/ivpa/cases/{case.pk}/callout/")
    assert started.status_code == 409 and "not connected" in started.json()["detail"]
    assert not Callout.objects.filter(case=case).exists()


def test_the_dispatcher_alerts_with_one_click_when_not_automatic(ivpa, api, demo, new_case):
    Municipality.objects.filter(pk=ivpa.vasteras.pk).update(auto_alert=False)
    case = new_case(municipality="Västerås", case_type="choking")
    preview = api(demo.anna).get(f"/api/ivpa/cases/{case.pk}/callout/").json()
    assert preview["eligible"] is True and preview["active"] is False
    assert preview["volunteers_nearby"] == 4 and preview["fire_rescue_eta_s"] > 0
    response = api(demo.anna).post(f"/api/ivpa/cases/{case.pk}/callout/")
    assert response.status_code == 201
    assert response.json()["automatic"] is False and len(response.json()["alerts"]) >= 4
    again = api(demo.anna).post(f"/api/ivpa/cases/{case.pk}/callout/")
    assert again.status_code == 409 and "already" in again.json()["detail"]


def test_the_outcome_is_told_where_the_municipality_allows(ivpa, api, demo, callout):
    municipality_update(municipality=ivpa.vasteras, by=demo.admin, share_outcome=True)
    alert = alert_of(callout, ivpa.lars)
    client = api(ivpa.lars.user)
    client.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json")
    api(demo.anna).post(f"/api/ivpa/callouts/{callout.pk}/outcome/",
                        {"outcome": "Egen cirkulation vid ankomst till sjukhus"}, format="json")
    api(demo.anna).post(f"/api/ivpa/callouts/{callout.pk}/cancel/")
    after = client.get(f"/api/ivpa/alerts/{alert.pk}/").json()
    assert after["destination"] is None  # the case has ended: where it was is not shown again
    assert after["after"]["outcome"] == "Egen cirkulation vid ankomst till sjukhus"
    assert "Krisstöd" in after["after"]["debrief_contact"]
    report = client.post(f"/api/ivpa/alerts/{alert.pk}/report/", {
        "cpr_started": True, "aed_attached": True, "aed_shocks": 2, "wellbeing": 3,
        "wants_debrief": True, "arrived_at": timezone.now().isoformat(),
    }, format="json")
    assert report.status_code == 200, report.json()
    assert client.get(f"/api/ivpa/alerts/{alert.pk}/").json()["report"]["aed_shocks"] == 2


def test_a_report_with_impossible_answers_is_refused(ivpa, api, callout):
    alert = alert_of(callout, ivpa.lars)
    client = api(ivpa.lars.user)
    client.post(f"/api/ivpa/alerts/{alert.pk}/accept/", {}, format="json")
    for data, message in (({"wellbeing": 9}, "wellbeing"),
                          ({"aed_attached": False, "aed_shocks": 1}, "attached"),
                          ({"arrived_at": "2099-01-01T00:00:00Z"}, "future")):
        response = client.post(f"/api/ivpa/alerts/{alert.pk}/report/", data, format="json")
        assert response.status_code == 400
        assert message in response.json()["detail"].lower()


def test_bad_municipality_rules_are_refused_and_nothing_changes(ivpa, api, demo):
    client = api(demo.admin)
    response = client.patch(f"/api/ivpa/municipalities/{ivpa.vasteras.pk}/",
                            {"radius_m": 6000, "max_radius_m": 5000}, format="json")
    assert response.status_code == 400
    assert "larger than the largest radius" in response.json()["detail"]
    response = client.patch(f"/api/ivpa/municipalities/{ivpa.vasteras.pk}/",
                            {"case_types": ["alien_abduction"]}, format="json")
    assert response.status_code == 400
    response = client.patch(f"/api/ivpa/municipalities/{ivpa.vasteras.pk}/",
                            {"fire_units": 0}, format="json")
    assert response.status_code == 400
    assert "take them out of the responder groups" in response.json()["detail"]
    vasteras = Municipality.objects.get(pk=ivpa.vasteras.pk)
    assert (vasteras.radius_m, vasteras.max_radius_m, vasteras.fire_units) == (1800, 5000, 1)
    assert "cardiac_arrest" in vasteras.case_types


def test_an_administrator_connects_a_municipality(ivpa, api, demo):
    client = api(demo.admin)
    before = client.get("/api/ivpa/municipalities/").json()["connected"]
    response = client.post(f"/api/ivpa/municipalities/{ivpa.sala.pk}/connect/",
                           {"radius_m": 1000, "responder_kinds": ["volunteer"]}, format="json")
    assert response.status_code == 200 and response.json()["connected"] is True
    assert client.get("/api/ivpa/municipalities/").json()["connected"] == before + 1


def test_the_test_alarm_reaches_the_responders_stream(ivpa, api):
    from realtime.models import Event

    response = api(ivpa.lars.user).post("/api/ivpa/me/test-alarm/")
    assert response.status_code == 202
    event = Event.objects.get(stream=f"responder.{ivpa.lars.user_id}", seq=response.json()["seq"])
    assert event.type == "alert.test"


def test_open_defibrillators_near_a_point(ivpa, api, demo):
    response = api(demo.anna).get("/api/ivpa/aeds/", {"latitude": 59.6099,
                                                       "longitude": 16.5448})
    assert response.status_code == 200
    names = [a["name"] for a in response.json()]
    assert "Stadshuset" in names and response.json()[0]["distance_m"] <= \
        response.json()[-1]["distance_m"]
    bad = api(demo.anna).get("/api/ivpa/aeds/", {"latitude": 99, "longitude": 16})
    assert bad.status_code == 400 and "latitude" in bad.json()["detail"]
