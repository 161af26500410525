"""The referrals API: bad input, refusals, who sees what, the access log, the events."""

import datetime as dt
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry
from crews.services import crew_leave
from dispatch.models import Case
from push.services import NOTIFY_KIND
from realtime.models import Event
from realtime.registry import _notifications, recipients
from referrals.models import MobileCareProfile, Referral
from timers.models import Timer

from .conftest import handover, referral_payload

URL = "/api/referrals/"


def detail(response) -> str:
    return response.json()["detail"]


def post(api, user, payload, **kwargs):
    return api(user).post(URL, payload, format="json", **kwargs)


# --- sending: bad input is a 400 that says what to fix -------------------------------------


def test_a_dispatcher_sends_a_referral(demo, care, api, referral_case):
    case = referral_case()
    response = post(api, demo.anna, referral_payload(case, care.mve1500, line="warm"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "sent" and body["responsible"] == "centre"
    assert body["line"] == "warm" and body["callback_number"] == "+46701234567"
    assert body["handover"]["news2"] == {
        "score": 1, "complete": True, "single_three": False, "risk": "low", "missing": [],
        "points": {"respiratory_rate": 0, "spo2": 0, "on_oxygen": 0, "systolic_bp": 0,
                   "pulse": 0, "consciousness": 0, "temperature": 1}}
    assert body["responsibility"]["party"] == "centre"
    assert body["actions"] == ["withdraw"]
    assert body["patient"]["personal_identity_number"] == "19121212-1212"


@pytest.mark.parametrize(("change", "words"), [
    ({"callback_number": ""}, "callback number"),
    ({"callback_number": None}, "callback number"),
    ({"callback_number": "hej"}, "not a phone number"),
    ({"deadline": None}, "latest time the patient must be seen"),
    ({"deadline": "past"}, "has already passed"),
    ({"deadline": "far"}, "more than 72 hours"),
    ({"handover": {"assessment": "utan orsak"}}, "reason for the referral"),
    ({"handover": handover(respiratory_rate=95)},
     "respiratory_rate 95 is out of range: it must be between 0 and 80 /min"),
    ({"handover": handover(spo2=40)}, "spo2 40 is out of range: it must be between 50 and 100"),
    ({"handover": handover(systolic_bp=320)}, "systolic_bp 320 is out of range"),
    ({"handover": handover(pulse=12)}, "pulse 12 is out of range: it must be between 20 and 300"),
    ({"handover": handover(temperature=46.5)},
     "temperature 46.5 is out of range: it must be between 25.0 and 45.0 °C"),
    ({"handover": handover(temperature=20)}, "temperature 20 is out of range"),
    ({"handover": handover(pulse="snabb")}, "pulse must be a number"),
    ({"handover": handover(temperature="NaN")}, "temperature must be a number"),
    ({"handover": handover(temperature="Infinity")}, "temperature must be a number"),
    ({"handover": handover(respiratory_rate=True)}, "respiratory_rate must be a number"),
    ({"handover": handover(pulse=[88])}, "pulse must be a number"),
    ({"handover": handover(spo2_scale=True)}, "spo2_scale"),
    ({"handover": handover(consciousness="X")}, "ACVPU"),
    ({"handover": handover(spo2_scale=3)}, "spo2_scale"),
    ({"skills": ["juggling"]}, "Unknown skill juggling"),
    ({"line": "green"}, "line"),
])
def test_bad_input_is_refused_with_what_to_fix(demo, care, api, referral_case, change, words):
    case = referral_case()
    payload = referral_payload(case, care.mve1500)
    if change.get("deadline") == "past":
        change = {"deadline": (timezone.now() - timedelta(minutes=1)).isoformat()}
    elif change.get("deadline") == "far":
        change = {"deadline": (timezone.now() + timedelta(hours=80)).isoformat()}
    payload.update(change)
    if change.get("deadline", 0) is None:
        del payload["deadline"]
    response = post(api, demo.anna, payload)
    assert response.status_code == 400, response.json()
    assert words in detail(response)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(("raw", "normalised"), [
    ("070-123 45 67", "+46701234567"), ("0046 70 123 45 67", "+46701234567"),
    ("+46 (0)70 123 45 67", "+46701234567"), ("+4721234567", "+4721234567")])
def test_the_callback_number_is_normalised(demo, care, api, referral_case, raw, normalised):
    response = post(api, demo.anna,
                    referral_payload(referral_case(), care.mve1500, callback_number=raw))
    assert response.status_code == 201 and response.json()["callback_number"] == normalised


# --- sending: a unit that does not fit is a 409 with the reason -----------------------------


def _other_days_only() -> str:
    days = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    today = timezone.localtime().weekday()
    return ",".join(d for i, d in enumerate(days) if i != today) + " 00:00-24:00"


@pytest.mark.parametrize(("profile", "code", "words"), [
    ({"available": False}, "unavailable", "MVE 1500 is not available"),
    ({"opening_hours": "closed-today"}, "closed", "MVE 1500 is closed now"),
    ({"municipalities": ["Hallstahammar"]}, "out_of_area", "outside the area of MVE 1500"),
    ({"capacity": 0}, "full", "MVE 1500 is full (0 of 0 referrals open)"),
    ({"skills": ["home_visit"]}, "missing_skills", "MVE 1500 lacks Catheter care"),
])
def test_a_unit_that_does_not_fit_is_refused(demo, care, api, referral_case, profile, code,
                                             words):
    if profile.get("opening_hours") == "closed-today":
        profile = {"opening_hours": _other_days_only()}
    MobileCareProfile.objects.filter(unit=care.mve1500).update(**profile)
    response = post(api, demo.anna, referral_payload(referral_case(), care.mve1500))
    assert response.status_code == 409
    assert words in detail(response) and code in response.json()["reasons"]
    assert not Referral.objects.exists()


def test_a_full_unit_is_refused_once_its_places_are_taken(demo, care, api, referral_case, send):
    MobileCareProfile.objects.filter(unit=care.mve1500).update(capacity=1)
    send()
    response = post(api, demo.anna, referral_payload(referral_case(), care.mve1500))
    assert response.status_code == 409 and "full (1 of 1" in detail(response)


def test_the_area_may_be_a_radius_around_a_point(demo, care, api, referral_case):
    # Stora torget, Västerås, is about 65 km from Uppsala.
    MobileCareProfile.objects.filter(unit=care.mve3500).update(skills=["catheter_care"])
    response = post(api, demo.anna, referral_payload(referral_case(), care.mve3500))
    assert response.status_code == 409 and "out_of_area" in response.json()["reasons"]
    MobileCareProfile.objects.filter(unit=care.mve3500).update(radius_km=80)
    response = post(api, demo.anna, referral_payload(referral_case(), care.mve3500))
    assert response.status_code == 201, response.json()


def test_an_ambulance_is_no_mobile_care_unit(demo, care, api, referral_case):
    response = post(api, demo.anna, referral_payload(referral_case(), demo.amb1020))
    assert response.status_code == 409 and "not a mobile care unit" in detail(response)


def test_a_closed_case_is_not_referred(demo, care, api, referral_case):
    from dispatch.services import case_close

    case = referral_case()
    case_close(case=case, by=demo.anna)
    response = post(api, demo.anna, referral_payload(case, care.mve1500))
    assert response.status_code == 409 and "closed" in detail(response)


def test_the_same_request_sent_twice_makes_one_referral(demo, care, api, referral_case):
    payload = referral_payload(referral_case(), care.mve1500)
    first = post(api, demo.anna, payload, HTTP_IDEMPOTENCY_KEY="ref-key-0001")
    again = post(api, demo.anna, payload, HTTP_IDEMPOTENCY_KEY="ref-key-0001")
    assert first.status_code == 201 and again.status_code == 201
    assert again["Idempotent-Replay"] == "true" and again.json()["id"] == first.json()["id"]
    assert Referral.objects.count() == 1


# --- answering over the API ----------------------------------------------------------------


def test_the_unit_accepts_declines_and_records_over_the_api(demo, care, api, send):
    referral = send()
    url = f"{URL}{referral.pk}/"
    body = api(care.karin).get(url).json()
    assert body["actions"] == ["accept", "decline"]
    response = api(care.karin).post(url + "accept/", {}, format="json")
    assert response.status_code == 400 and "expected_visit_at" in detail(response)
    visit = (timezone.now() + timedelta(minutes=45)).isoformat()
    response = api(care.karin).post(url + "accept/", {"expected_visit_at": visit},
                                    format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["responsible"] == "unit"
    assert response.json()["responsibility"]["party"] == "unit"
    again = api(care.karin).post(url + "accept/", {"expected_visit_at": visit}, format="json")
    assert again.status_code == 409 and "already accepted" in detail(again)
    assert again.json()["responsible"] == "unit"
    response = api(care.karin).post(url + "outcome/", {"outcome": "needs_ambulance",
                                                       "note": "Andfådd", "priority": "1A",
                                                       "complaint": "Andningssvikt"},
                                    format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "visited" and body["responsible"] == "centre"
    assert body["new_case_reference"] and body["actions"] == []
    new_case = Case.objects.get(reference=body["new_case_reference"])
    assert (new_case.complaint, new_case.priority) == ("Andningssvikt", "1A")
    transitions = api(demo.anna).get(url).json()["transitions"]
    assert [t["to_state"] for t in transitions] == ["sent", "accepted", "visited"]
    assert [t["responsible_after"] for t in transitions] == ["centre", "unit", "centre"]


def test_withdraw_then_accept_over_the_api_is_409(demo, care, api, send):
    referral = send()
    assert api(demo.anna).post(f"{URL}{referral.pk}/withdraw/", {}, format="json"
                               ).status_code == 200
    response = api(care.karin).post(
        f"{URL}{referral.pk}/accept/",
        {"expected_visit_at": (timezone.now() + timedelta(hours=1)).isoformat()},
        format="json")
    assert response.status_code == 409
    assert "withdrew this referral" in detail(response)
    assert response.json()["state"] == "withdrawn"
    assert response.json()["responsible"] == "centre"


def test_decline_without_a_reason_is_400(demo, care, api, send):
    referral = send()
    response = api(care.karin).post(f"{URL}{referral.pk}/decline/", {}, format="json")
    assert response.status_code == 400 and "reason" in detail(response)


# --- who sees what -------------------------------------------------------------------------


def test_a_unit_sees_only_the_referrals_sent_to_it(demo, care, api, send, referral_case):
    MobileCareProfile.objects.filter(unit=care.mve3500).update(
        municipalities=["Västerås"], skills=["catheter_care"])
    to_karin = send()
    to_mats = send(case=referral_case(), unit=care.mve3500)
    assert [r["id"] for r in api(care.karin).get(URL).json()] == [to_karin.pk]
    assert [r["id"] for r in api(care.mats).get(URL).json()] == [to_mats.pk]
    assert {r["id"] for r in api(demo.anna).get(URL).json()} == {to_karin.pk, to_mats.pk}
    for path in ("", "summary/"):
        assert api(care.mats).get(f"{URL}{to_karin.pk}/{path}").status_code == 404
    response = api(care.mats).post(
        f"{URL}{to_karin.pk}/accept/",
        {"expected_visit_at": (timezone.now() + timedelta(hours=1)).isoformat()},
        format="json")
    assert response.status_code == 404
    assert Referral.objects.get(pk=to_karin.pk).state == "sent"


def test_staff_who_left_the_unit_see_nothing(demo, care, api, send):
    referral = send()
    crew_leave(user=care.karin)
    assert api(care.karin).get(URL).json() == []
    assert api(care.karin).get(f"{URL}{referral.pk}/").status_code == 404


@pytest.mark.parametrize(("who", "status"), [(None, 403), ("sara", 403), ("johan", 403),
                                             ("lars", 403)])
def test_crews_responders_and_anonymous_see_nothing(demo, care, api, send, who, status):
    referral = send()
    client = api(getattr(demo, who) if who else None)
    for path in ("", f"{referral.pk}/", f"{referral.pk}/summary/"):
        assert client.get(URL + path).status_code == status


def test_only_dispatchers_send(demo, care, api, referral_case):
    response = post(api, care.karin, referral_payload(referral_case(), care.mve1500))
    assert response.status_code == 403


# --- the access log ------------------------------------------------------------------------


def test_every_read_is_in_the_access_log(demo, care, api, send):
    referral = send()
    key = referral.case.personal_identity_number

    def logged(user):
        return AccessLogEntry.objects.filter(user=user, patient=key, object_type="referral")

    api(demo.anna).get(URL)
    api(care.karin).get(f"{URL}{referral.pk}/")
    api(care.karin).get(f"{URL}{referral.pk}/summary/")
    assert logged(demo.anna).filter(reason="referral list").count() == 1
    assert logged(care.karin).filter(reason="referral opened").count() == 1
    assert logged(care.karin).filter(reason="referral summary printed").count() == 1
    api(demo.anna).get("/api/referrals/proposals/", {"case": referral.case_id})
    assert AccessLogEntry.objects.filter(user=demo.anna, patient=key,
                                         reason="referral proposals").exists()


def test_the_units_list_its_answers_and_the_cases_view_are_logged_too(demo, care, api, send):
    referral = send()
    key = referral.case.personal_identity_number

    def logged(user, reason, action="read"):
        return AccessLogEntry.objects.filter(user=user, patient=key, object_type="referral",
                                             reason=reason, action=action).count()

    api(care.karin).get(URL)
    api(demo.anna).get(f"/api/referrals/cases/{referral.case_id}/")
    api(care.karin).post(f"{URL}{referral.pk}/accept/", {"expected_visit_at": (
        timezone.now() + timedelta(minutes=30)).isoformat()}, format="json")
    api(care.karin).post(f"{URL}{referral.pk}/outcome/", {"outcome": "treated_at_home"},
                         format="json")
    assert logged(care.karin, "referral list") == 1
    assert logged(demo.anna, "case referrals") == 1
    assert logged(care.karin, "referral accepted", "update") == 1
    assert logged(care.karin, "referral visit recorded", "update") == 1
    # Another unit's staff read nothing, so nothing of this patient is logged for them.
    api(care.mats).get(URL)
    assert not AccessLogEntry.objects.filter(user=care.mats, patient=key).exists()



# --- after a decline or a withdrawal the unit no longer holds the patient -------------------

IDENTITY = ("19121212-1212", "Tolvan", "070-123 45 67", "+46701234567")


def _accept(api, user, referral):
    visit = (timezone.now() + timedelta(minutes=45)).isoformat()
    response = api(user).post(f"{URL}{referral.pk}/accept/", {"expected_visit_at": visit},
                              format="json")
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize(
    "ending", ["declined", "withdrawn_while_sent", "withdrawn_after_acceptance"])
def test_a_unit_that_no_longer_holds_the_patient_sees_no_identity(
        demo, care, api, send, ending):
    referral = send()
    before = api(care.karin).get(f"{URL}{referral.pk}/").json()
    assert before["patient_withheld"] is False
    assert before["patient"]["personal_identity_number"] == "19121212-1212"
    if ending == "declined":
        response = api(care.karin).post(f"{URL}{referral.pk}/decline/",
                                        {"reason": "Ingen ledig sjuksköterska"}, format="json")
    else:
        if ending == "withdrawn_after_acceptance":
            _accept(api, care.karin, referral)
        response = api(demo.anna).post(f"{URL}{referral.pk}/withdraw/",
                                       {"reason": "Patienten ringde igen"}, format="json")
    assert response.status_code == 200, response.json()

    for body in (api(care.karin).get(f"{URL}{referral.pk}/").json(),
                 next(r for r in api(care.karin).get(URL).json() if r["id"] == referral.pk)):
        assert body["patient_withheld"] is True
        assert body["callback_number"] is None
        assert {k for k, v in body["patient"].items() if v is not None} <= {
            "municipality", "complaint"}
        assert body["handover"]["assessment"] is None
        assert set(body["handover"]["vitals"].values()) == {None}
        assert body["handover"]["news2"]["score"] is None
        # What it was asked, and why it ended, stay.
        assert body["handover"]["reason"] and body["state"] in ("declined", "withdrawn")
        for secret in IDENTITY:
            assert secret not in str(body), secret
    summary = api(care.karin).get(f"{URL}{referral.pk}/summary/")
    assert summary.status_code == 403
    assert "no longer holds the patient" in detail(summary)
    # The dispatch centre still sees everything.
    centre = api(demo.anna).get(f"{URL}{referral.pk}/").json()
    assert centre["patient_withheld"] is False
    assert centre["patient"]["personal_identity_number"] == "19121212-1212"
    assert api(demo.anna).get(f"{URL}{referral.pk}/summary/").status_code == 200


def test_a_unit_that_visited_keeps_the_patient_details(demo, care, api, send):
    referral = send()
    _accept(api, care.karin, referral)
    response = api(care.karin).post(f"{URL}{referral.pk}/outcome/",
                                    {"outcome": "treated_at_home"}, format="json")
    assert response.status_code == 200, response.json()
    body = api(care.karin).get(f"{URL}{referral.pk}/").json()
    assert body["state"] == "visited" and body["patient_withheld"] is False
    assert body["patient"]["personal_identity_number"] == "19121212-1212"
    assert api(care.karin).get(f"{URL}{referral.pk}/summary/").status_code == 200


# --- the printable summary -----------------------------------------------------------------


def test_the_summary_is_a_printable_page_without_script(demo, care, api, send):
    referral = send(handover=handover(reason="<script>alert(1)</script> Feber"))
    response = api(care.karin).get(f"{URL}{referral.pk}/summary/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "19121212-1212" in html and "MVE 1500" in html and "NEWS2" in html


def test_the_unit_gets_only_what_it_needs_of_the_case(demo, care, api, send, referral_case):
    """The case's own notes and the number the call came from stay at the centre: the unit
    gets the patient, the handover and the callback number the dispatcher gave it."""
    case = referral_case(notes="Intern anteckning: anhörig ringde tidigare",
                         caller_number="+46709999999")
    assert "Intern anteckning" in case.notes and case.caller_number == "+46709999999"
    referral = send(case=case)
    html = api(care.karin).get(f"{URL}{referral.pk}/summary/").content.decode()
    body = api(care.karin).get(f"{URL}{referral.pk}/").json()
    for leaked in ("Intern anteckning", "+46709999999", "709999999"):
        assert leaked not in html and leaked not in str(body)
    assert "+46701234567" in html and "Feber och sveda" in html
    assert "19121212-1212" in html and body["patient"]["address"] in html


# --- events and the push -------------------------------------------------------------------


def test_events_carry_no_patient_data_and_reach_both_sides(demo, care, api, send):
    referral = send()
    events = list(Event.objects.filter(type="referral.created"))
    assert {e.stream for e in events} == {"dispatch", f"unit.{care.mve1500.pk}"}
    for event in events:
        text = str(event.data)
        assert "19121212" not in text and "Tolvan" not in text and "Stora torget" not in text
        assert event.data["id"] == referral.pk and event.data["responsible"] == "centre"
        assert event.data["news2_score"] == 1 and event.data["line"] == "cold"


def test_a_new_referral_wakes_the_units_staff_without_patient_data(demo, care, send):
    referral = send()
    # One wake-up for the unit's stream; its staff are found when it is due.
    [wake] = Timer.objects.filter(kind=NOTIFY_KIND, payload__stream=f"unit.{care.mve1500.pk}")
    assert wake.payload["user"] is None
    assert wake.payload["type"] == "referral.created"
    payload = wake.payload["notification"]
    assert payload["title"] == "Ny hänvisning" and payload["tag"] == f"referral-{referral.pk}"
    assert payload["url"] == "/mobile/"
    assert "MVE 1500" in payload["body"] and "Besök senast" in payload["body"]
    assert "Tolvan" not in str(payload) and "19121212" not in str(payload)
    assert care.karin.pk in recipients(wake.payload["stream"])
    assert care.mats.pk not in recipients(wake.payload["stream"])
    assert ("unit", "referral.created") in _notifications


# --- proposals -----------------------------------------------------------------------------


def test_proposals_list_fitting_units_first_by_load(demo, care, api, referral_case, send):
    MobileCareProfile.objects.filter(unit=care.mve3500).update(
        municipalities=["Västerås"], skills=["catheter_care", "home_visit"], capacity=4)
    send(unit=care.mve1500)  # MVE 1500 now 1 of 4
    case = referral_case()
    response = api(demo.anna).get("/api/referrals/proposals/",
                                  {"case": case.pk, "skills": "catheter_care"})
    assert response.status_code == 200
    units = response.json()["units"]
    assert [u["call_sign"] for u in units] == ["MVE 3500", "MVE 1500"]
    assert all(u["selectable"] for u in units)
    assert units[1]["open_referrals"] == 1 and units[1]["load"] == 0.25
    assert units[1]["distance_m"] < units[0]["distance_m"]


def test_proposals_show_units_that_do_not_fit_with_the_reason(demo, care, api, referral_case):
    MobileCareProfile.objects.filter(unit=care.mve1500).update(available=False)
    response = api(demo.anna).get("/api/referrals/proposals/",
                                  {"case": referral_case().pk, "skills": "palliative"})
    units = {u["call_sign"]: u for u in response.json()["units"]}
    assert not units["MVE 1500"]["selectable"]
    assert {r["code"] for r in units["MVE 1500"]["reasons"]} == {"unavailable",
                                                                "missing_skills"}
    assert {r["code"] for r in units["MVE 3500"]["reasons"]} == {"out_of_area"}


def test_proposals_need_a_case_and_known_skills(demo, care, api, referral_case):
    assert api(demo.anna).get("/api/referrals/proposals/").status_code == 400
    response = api(demo.anna).get("/api/referrals/proposals/",
                                  {"case": referral_case().pk, "skills": "x"})
    assert response.status_code == 400 and "Unknown skill x" in detail(response)


# --- the unit's profile --------------------------------------------------------------------


def test_the_units_staff_keep_its_profile(demo, care, api):
    url = f"/api/referrals/units/{care.mve1500.pk}/profile/"
    response = api(care.karin).patch(url, {"available": False, "capacity": 6,
                                           "opening_hours": "Mo-Fr 08:00-17:00",
                                           "skills": ["palliative", "wound_care"]},
                                     format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["available"] is False and body["capacity"] == 6
    assert body["skills"] == ["palliative", "wound_care"]
    assert Event.objects.filter(stream="dispatch", type="care_unit.updated").exists()
    assert api(demo.anna).get(url).json()["capacity"] == 6


@pytest.mark.parametrize(("change", "words"), [
    ({"opening_hours": "måndagar"}, "Opening hours"),
    ({"skills": ["flying"]}, "Unknown skill flying"),
    ({"capacity": 51}, "0 to 50"),
    ({"radius_km": 10}, "together"),
])
def test_a_wrong_profile_value_is_refused_as_a_whole(demo, care, api, change, words):
    url = f"/api/referrals/units/{care.mve1500.pk}/profile/"
    response = api(care.karin).patch(url, {"available": False, **change}, format="json")
    assert response.status_code == 400 and words in detail(response)
    assert MobileCareProfile.objects.get(unit=care.mve1500).available is True


def test_only_the_units_own_staff_change_its_profile(demo, care, api):
    url = f"/api/referrals/units/{care.mve1500.pk}/profile/"
    assert api(care.mats).patch(url, {"capacity": 1}, format="json").status_code == 404
    assert api(care.mats).get(url).status_code == 404
    assert api(demo.anna).patch(url, {"capacity": 1}, format="json").status_code == 403
    assert MobileCareProfile.objects.get(unit=care.mve1500).capacity == 4


def test_staff_join_and_leave_their_unit_as_crews_do(demo, care, api):
    assert api(care.karin).post("/api/units/leave/").status_code == 200
    listing = api(care.karin).get("/api/referrals/units/").json()
    assert listing["joined"] is None and "catheter_care" in listing["skills"]
    response = api(care.karin).post(f"/api/units/{care.mve3500.pk}/join/")
    assert response.status_code == 200 and response.json()["call_sign"] == "MVE 3500"
    assert api(care.karin).get("/api/referrals/units/").json()["joined"] == care.mve3500.pk
    response = api(care.karin).post(f"/api/units/{demo.amb1020.pk}/join/")
    assert response.status_code == 409 and "mobile care units" in response.json()["detail"]
    assert api(care.karin).get("/api/referrals/units/").json()["joined"] == care.mve3500.pk


def test_mobile_care_staff_may_follow_their_units_stream_only(demo, care):
    from realtime.registry import may_subscribe

    assert may_subscribe(care.karin, f"unit.{care.mve1500.pk}")
    assert not may_subscribe(care.karin, f"unit.{care.mve3500.pk}")
    assert not may_subscribe(care.karin, "dispatch")


def test_seeding_twice_changes_nothing(demo, care):
    from django.core.management import call_command

    shifts = list(care.karin.crew_shifts.values_list("pk", flat=True))
    call_command("seed_referrals_demo", stdout=open("/dev/null", "w"))
    assert list(care.karin.crew_shifts.values_list("pk", flat=True)) == shifts
    assert MobileCareProfile.objects.count() == 2


def test_stats_need_a_sane_period(demo, care, api):
    assert api(demo.anna).get("/api/referrals/stats/", {"from": "2026-12-31",
                                                        "to": "2026-01-01"}).status_code == 400
    assert api(demo.anna).get("/api/referrals/stats/", {"from": "igår"}).status_code == 400
    body = api(demo.anna).get("/api/referrals/stats/", {"from": "2026-01-01",
                                                        "to": "2026-12-31"}).json()
    assert body["referrals"] == 0 and body["units"] == []
    assert dt.datetime.fromisoformat(body["from"]).year == 2026


def test_a_needs_ambulance_case_is_logged_as_created(demo, care, api, send):
    referral = send()
    url = f"{URL}{referral.pk}/"
    api(care.karin).post(url + "accept/", {"expected_visit_at": (
        timezone.now() + timedelta(minutes=30)).isoformat()}, format="json")
    body = api(care.karin).post(url + "outcome/", {"outcome": "needs_ambulance"},
                                format="json").json()
    assert AccessLogEntry.objects.filter(
        user=care.karin, action="create", object_type="case", object_id=str(body["new_case"]),
        reason="case registered from a referral").exists()


def test_stats_by_region(demo, care, api, send):
    send()
    assert api(demo.anna).get("/api/referrals/stats/", {"region": demo.vml.pk}
                              ).json()["referrals"] == 1
    assert api(demo.anna).get("/api/referrals/stats/", {"region": demo.upp.pk}
                              ).json()["referrals"] == 0
    assert api(demo.anna).get("/api/referrals/stats/", {"region": 999999}).status_code == 404


def test_the_cases_responsible_party_over_the_api(demo, care, api, send):
    referral = send()
    url = f"/api/referrals/cases/{referral.case_id}/"
    body = api(demo.anna).get(url).json()
    assert body["responsibility"] == {"party": "centre", "unit": None, "unit_call_sign": None,
                                      "referral": referral.pk}
    assert [r["id"] for r in body["referrals"]] == [referral.pk]
    api(care.karin).post(f"{URL}{referral.pk}/accept/", {"expected_visit_at": (
        timezone.now() + timedelta(minutes=30)).isoformat()}, format="json")
    body = api(demo.anna).get(url).json()
    assert body["responsibility"] == {"party": "unit", "unit": care.mve1500.pk,
                                      "unit_call_sign": "MVE 1500", "referral": referral.pk}
    assert api(care.karin).get(url).status_code == 403
    answer = api(care.karin).post(f"{URL}{referral.pk}/outcome/",
                                  {"outcome": "treated_at_home"}, format="json").json()
    # One answer in one body: the referral and the case name the same party.
    assert answer["responsible"] == answer["responsibility"]["party"] == "unit"
    assert api(demo.anna).get(url).json()["responsibility"]["party"] == "unit"


def test_dispatchers_see_every_mobile_care_unit_with_its_load(demo, care, api, send):
    send()
    body = api(demo.anna).get("/api/referrals/units/").json()
    units = {u["call_sign"]: u for u in body["units"]}
    assert set(units) == {"MVE 1500", "MVE 3500"}
    assert units["MVE 1500"]["open_referrals"] == 1 and units["MVE 1500"]["capacity"] == 4
    assert units["MVE 1500"]["open_now"] is True and body["joined"] is None


def test_the_unit_screen_offers_the_ambulance_priorities_with_the_centres_default(
        care, client, settings):
    """A unit that finds the patient needs an ambulance says how urgently; the picker starts
    at the centre's default (REFERRAL_AMBULANCE_DEFAULT_PRIORITY)."""
    settings.REFERRAL_AMBULANCE_DEFAULT_PRIORITY = "2A"
    client.force_login(care.karin)
    html = client.get("/mobile/").content.decode()
    found = re.search(r'<script id="tables" type="application/json">(.*?)</script>', html)
    assert found, "the page embeds the referral table"
    assert json.loads(found.group(1))["referral"]["ambulance"] == {
        "priorities": ["1A", "1B", "2A", "2B", "3"], "default": "2A"}
