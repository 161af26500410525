"""Writing, finding and changing care plans (*vårdplaner*) through the API: the rules of a
plan, lookups by identity number and by phone number, active and expired plans, and the plans
due for review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry
from careplans.models import CarePlan
from realtime.models import Event
from tests.audit.patient_data import log_mark
from tests.careplans.conftest import PHONE, PIN, plan_payload

pytestmark = pytest.mark.django_db


def days(n: int) -> str:
    return str(timezone.localdate() + timedelta(days=n))


def test_a_dispatcher_writes_a_care_plan_and_the_phones_are_stored_in_e164(demo, api):
    mark = log_mark()
    response = api(demo.anna).post("/api/care-plans/", plan_payload(
        phones=["070-123 45 67", "0046 70 123 45 67", "021-10 20 30"]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phones"] == [PHONE, "+4621102030"]
    assert (body["author_name"], body["care_unit"], body["active"]) == (
        str(demo.anna), "Västerås mobila team", True)
    assert body["consent_method_label"] == "In writing"
    plan = CarePlan.objects.get(pk=body["id"])
    assert plan.pin_key == "1212121212"
    [entry] = AccessLogEntry.objects.filter(id__gt=mark)
    assert (entry.action, entry.patient, entry.object_type) == ("create", PIN, "care_plan")
    assert Event.objects.filter(stream="dispatch", type="care_plan.changed",
                                data={"id": plan.pk}).exists()


@pytest.mark.parametrize(("change", "says"), [
    ({"personal_identity_number": "1912-1212"}, "YYYYMMDD-NNNN"),
    ({"personal_identity_number": "", "phones": []}, "Name the person"),
    ({"phones": ["070 ett två"]}, "is not a phone number"),
    ({"valid_to": days(-20)}, "valid_to"),
    ({"review_date": days(400)}, "review date must fall within"),
    ({"consent_recorded_at": days(3)}, "Consent cannot be recorded in the future"),
    ({"consent_method": "telepathy"}, "consent_method"),
    ({"dispatcher_instructions": "   "}, "dispatcher_instructions"),
    ({"valid_from": "igår"}, "valid_from"),
])
def test_a_plan_that_breaks_a_rule_is_refused_with_what_to_do(demo, api, change, says):
    response = api(demo.anna).post("/api/care-plans/", plan_payload(**change), format="json")
    assert response.status_code == 400
    assert says in response.json()["detail"]
    assert not CarePlan.objects.exists()


def test_a_second_plan_for_the_same_person_and_dates_is_a_conflict(demo, api, new_plan):
    first = new_plan()
    response = api(demo.anna).post("/api/care-plans/", plan_payload(
        personal_identity_number="121212-1212", care_unit="Vårdcentralen Skultuna"),
        format="json")
    assert response.status_code == 409
    assert response.json()["current"]["id"] == first.pk
    # One that begins after the first ends is fine.
    later = api(demo.anna).post("/api/care-plans/", plan_payload(
        valid_from=days(181), review_date=days(200), valid_to=days(300)), format="json")
    assert later.status_code == 201


def test_a_plan_is_found_by_identity_number_however_typed_and_by_phone(demo, api, new_plan):
    plan = new_plan()
    new_plan(personal_identity_number="19400101-0001", phones=["+46709998877"])
    client = api(demo.anna)
    for query in ({"personal_identity_number": "121212-1212"},
                  {"personal_identity_number": "191212121212"},
                  {"phone": "070-123 45 67"}, {"phone": "+46 70 123 45 67"}):
        response = client.get("/api/care-plans/", query)
        assert [p["id"] for p in response.json()] == [plan.pk], query
    assert client.get("/api/care-plans/", {"phone": "0701111111"}).json() == []


def test_a_lookup_is_recorded_even_when_it_finds_nothing(demo, api):
    mark = log_mark()
    assert api(demo.anna).get("/api/care-plans/", {
        "personal_identity_number": "19400101-0001"}).json() == []
    [entry] = AccessLogEntry.objects.filter(id__gt=mark)
    assert (entry.patient, entry.object_type, entry.username) == (
        "19400101-0001", "care_plan_search", "anna")


def test_an_expired_plan_is_not_active_and_is_found_only_when_asked_for(demo, api, new_plan):
    expired = new_plan(valid_from=days(-200), review_date=days(-100), valid_to=days(-1),
                       consent_recorded_at=days(-201))
    client = api(demo.anna)
    assert client.get("/api/care-plans/", {"personal_identity_number": PIN}).json() == []
    everything = client.get("/api/care-plans/", {"personal_identity_number": PIN,
                                                 "active": "0"}).json()
    assert [(p["id"], p["active"]) for p in everything] == [(expired.pk, False)]
    future = new_plan(valid_from=days(5), review_date=days(30), valid_to=days(60))
    assert client.get("/api/care-plans/", {"phone": PHONE}).json() == []
    assert future.is_active_on(timezone.localdate() + timedelta(days=5))


def test_the_plans_due_for_review_are_listed_soonest_first(demo, api, new_plan):
    overdue = new_plan(personal_identity_number="19400101-0001", phones=[],
                       valid_from=days(-100), review_date=days(-2),
                       consent_recorded_at=days(-101))
    soon = new_plan(review_date=days(12))
    new_plan(personal_identity_number="19500505-0005", phones=[], review_date=days(45))
    expired = new_plan(personal_identity_number="19600606-0006", phones=[],
                       valid_from=days(-100), review_date=days(-50), valid_to=days(-1),
                       consent_recorded_at=days(-101))
    listed = api(demo.admin).get("/api/care-plans/", {"review_due": "30"}).json()
    assert [(p["id"], p["review_due"]) for p in listed] == [(overdue.pk, True), (soon.pk, True)]
    # An expired plan is not reviewed; asked for with active=0, it is listed too.
    everything = api(demo.admin).get("/api/care-plans/", {"review_due": "30", "active": "0"})
    assert [p["id"] for p in everything.json()] == [expired.pk, overdue.pk, soon.pk]


@pytest.mark.parametrize("query", [{}, {"review_due": "soon"}, {"review_due": "999"},
                                   {"phone": "abc"}, {"personal_identity_number": "12"},
                                   {"phone": PHONE, "active": "maybe"}])
def test_a_list_without_a_person_or_with_bad_input_is_a_400(demo, api, query):
    response = api(demo.anna).get("/api/care-plans/", query)
    assert response.status_code == 400 and response.json()["detail"]


def test_a_change_is_recorded_and_one_made_on_an_older_version_is_a_conflict(demo, api,
                                                                           new_plan):
    plan = new_plan()
    client = api(demo.admin)
    mark = log_mark()
    response = client.patch(f"/api/care-plans/{plan.pk}/", {
        "version": 1, "valid_to": days(30), "review_date": days(20),
        "phones": ["070-123 45 67", "070-765 43 21"]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["version"], body["valid_to"], body["phones"]) == (
        2, days(30), [PHONE, "+46707654321"])
    assert body["updated_by_name"] == str(demo.admin)
    assert AccessLogEntry.objects.filter(id__gt=mark, action="update",
                                         object_id=str(plan.pk)).count() == 1
    stale = client.patch(f"/api/care-plans/{plan.pk}/", {"version": 1, "contact": "x"},
                         format="json")
    assert stale.status_code == 409
    current = stale.json()["current"]  # the plan as it is now, to make the change again on
    assert (current["id"], current["version"], current["valid_to"]) == (plan.pk, 2, days(30))
    plan.refresh_from_db()
    assert plan.contact == "Mobila teamet 070-174 06 78"


def test_a_change_that_breaks_a_rule_keeps_the_plan_as_it_was(demo, api, new_plan):
    plan = new_plan()
    response = api(demo.anna).patch(f"/api/care-plans/{plan.pk}/", {
        "valid_to": days(-30)}, format="json")
    assert response.status_code == 400
    plan.refresh_from_db()
    assert (plan.version, str(plan.valid_to)) == (1, days(180))
    assert api(demo.anna).patch("/api/care-plans/999999/", {"contact": "x"},
                                format="json").status_code == 404


def test_the_demo_seed_is_idempotent(demo):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_careplans_demo", stdout=out)
    call_command("seed_careplans_demo", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2 and "3 earlier case(s) added" in lines[0]
    assert "0 earlier case(s) added, 3 already there" in lines[1]
    assert CarePlan.objects.count() == 1
