"""Entering, listing, changing, reviewing and withdrawing risk notices (*skyddsinformation*):
what the dispatcher gets back, and the 400s that say what to add."""

from datetime import timedelta

import pytest
from django.utils import timezone

from realtime.models import Event
from safety.models import NoticeState, RiskNotice
from tests.safety.notice_helpers import VASAGATAN, notice_new, notice_payload

pytestmark = pytest.mark.django_db

NOTICE_KEYS = {
    "id", "state", "state_label", "region", "region_name", "address", "latitude", "longitude",
    "radius_m", "has_person", "person_masked", "category", "category_label", "action",
    "action_label", "source", "source_label", "source_partner_name", "background",
    "shareable", "valid_from", "valid_until", "review_at", "entered_by_name", "entered_at",
    "reviewed_by_name", "reviewed_at", "expired", "version"}


def test_a_dispatcher_enters_a_notice_and_gets_the_dispatcher_view(demo, api):
    response = api(demo.anna).post("/api/safety/notices/", notice_payload(
        demo.vml, personal_identity_number="19121212-1212", radius_m=150), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == NOTICE_KEYS
    assert (body["state"], body["category"], body["category_label"], body["action"],
            body["action_label"]) == ("active", "weapon", "Weapon", "police_first",
                                      "Police first")
    assert (body["has_person"], body["person_masked"]) == (True, "xxxxxxxx-xx12")
    assert (body["source"], body["source_label"]) == ("dispatcher", "Dispatcher")
    assert body["region_name"] == demo.vml.name
    assert body["entered_by_name"] == str(demo.anna)
    assert body["expired"] is False and body["version"] == 1
    assert body["review_at"]  # SAFETY_NOTICE_REVIEW_DAYS on, when not given
    stored = RiskNotice.objects.get(pk=body["id"])
    assert (stored.address_key, stored.person_key) == ("vasagatan 12", "1212121212")


@pytest.mark.parametrize(("missing", "named"), [
    ("category", "category"), ("action", "action"), ("valid_until", "valid_until")])
def test_a_notice_without_what_it_needs_is_refused_naming_it(demo, api, missing, named):
    payload = notice_payload(demo.vml)
    del payload[missing]
    response = api(demo.anna).post("/api/safety/notices/", payload, format="json")
    assert response.status_code == 400
    assert named in response.json()["detail"]
    assert not RiskNotice.objects.exists()


@pytest.mark.parametrize(("change", "words"), [
    ({"category": "ghost"}, "Unknown category"),
    ({"radius_m": 50_000}, "at most 2000 metres"),
    ({"personal_identity_number": "19121212-1213"}, "YYYYMMDD-NNNN"),
    ({"valid_until": "2001-01-01T00:00:00Z"}, "in the past"),
    ({"address": "", "personal_identity_number": ""}, "an address, or a personal"),
    ({"latitude": "north"}, "latitude"),
])
def test_bad_input_is_a_400_a_person_can_act_on(demo, api, change, words):
    response = api(demo.anna).post("/api/safety/notices/", notice_payload(demo.vml, **change),
                                   format="json")
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_the_region_comes_from_the_addresss_municipality(demo, api):
    from tests.places.helpers import address_add, municipalities_add

    address = address_add(municipalities_add()["1980"], "Vasagatan", "12",
                          locality="Västerås")
    payload = notice_payload(demo.vml, address_id=address.pk)
    del payload["region"]
    response = api(demo.anna).post("/api/safety/notices/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["region"] == address.municipality.region_id


def test_without_a_region_or_a_known_town_the_notice_asks_for_the_region(demo, api):
    payload = notice_payload(demo.vml, address="Vasagatan 12")
    del payload["region"]
    response = api(demo.anna).post("/api/safety/notices/", payload, format="json")
    assert response.status_code == 400
    assert "region" in response.json()["detail"]


def test_an_expired_notice_is_listed_only_when_asked_for(demo, api, clock):
    kept = notice_new(demo)
    old = notice_new(demo, address="Kopparbergsvägen 10, Västerås")
    RiskNotice.objects.filter(pk=old.pk).update(valid_until=timezone.now() - timedelta(days=1))
    listed = api(demo.anna).get("/api/safety/notices/").json()
    assert [n["id"] for n in listed] == [kept.pk]
    listed = api(demo.anna).get("/api/safety/notices/?expired=1").json()
    assert {n["id"]: n["expired"] for n in listed} == {kept.pk: False, old.pk: True}


def test_the_list_filters_by_state_region_and_words(demo, api):
    first = notice_new(demo)
    notice_new(demo, address="Kopparbergsvägen 10, Västerås", state=NoticeState.PROPOSED)
    client = api(demo.anna)
    assert [n["id"] for n in client.get("/api/safety/notices/?state=active").json()] == [
        first.pk]
    assert [n["id"] for n in client.get("/api/safety/notices/?q=vasag").json()] == [first.pk]
    assert client.get(f"/api/safety/notices/?region={demo.upp.pk}").json() == []
    assert client.get("/api/safety/notices/?state=nonsense").status_code == 400


def test_a_change_on_an_old_version_is_refused_with_the_current_notice(demo, api):
    notice = notice_new(demo)
    client = api(demo.anna)
    changed = client.patch(f"/api/safety/notices/{notice.pk}/",
                           {"version": 1, "action": "staging", "radius_m": 100},
                           format="json")
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["action"], changed.json()["version"]) == ("staging", 2)
    stale = client.patch(f"/api/safety/notices/{notice.pk}/",
                         {"version": 1, "action": "caution"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["notice"]["action"] == "staging"
    assert client.patch(f"/api/safety/notices/{notice.pk}/", {"action": "caution"},
                        format="json").status_code == 400  # no version


def test_a_proposed_notice_is_reviewed_once(demo, api):
    notice = notice_new(demo, state=NoticeState.PROPOSED)
    assert Event.objects.filter(type="safety.notice_proposed").count() == 1
    client = api(demo.greta)
    approved = client.post(f"/api/safety/notices/{notice.pk}/review/",
                           {"decision": "approve"}, format="json")
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["state"], approved.json()["reviewed_by_name"]) == (
        "active", str(demo.greta))
    again = client.post(f"/api/safety/notices/{notice.pk}/review/", {"decision": "reject"},
                        format="json")
    assert again.status_code == 409
    assert RiskNotice.objects.get(pk=notice.pk).state == NoticeState.ACTIVE


def test_a_withdrawal_needs_its_reason_and_keeps_the_notice(demo, api):
    notice = notice_new(demo)
    client = api(demo.anna)
    refused = client.post(f"/api/safety/notices/{notice.pk}/withdraw/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["detail"]
    done = client.post(f"/api/safety/notices/{notice.pk}/withdraw/",
                       {"reason": "Personen har flyttat"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "withdrawn"
    assert client.get(f"/api/safety/notices/{notice.pk}/").json()["state"] == "withdrawn"
    assert client.post(f"/api/safety/notices/{notice.pk}/withdraw/", {"reason": "igen"},
                       format="json").status_code == 409


def test_the_matching_preview_shows_what_a_case_being_typed_would_match(demo, api):
    notice = notice_new(demo, radius_m=500)
    client = api(demo.anna)
    response = client.get("/api/safety/notices/matching/", {
        "latitude": 59.6099, "longitude": 16.5448, "address": "Stora torget 1, Västerås"})
    assert response.status_code == 200
    [match] = response.json()["matches"]
    assert set(match) == {"notice", "reasons", "distance_m"}
    assert match["notice"]["id"] == notice.pk
    assert match["reasons"] == [{"code": "radius", "label": "Within the notice's radius"}]
    far = client.get("/api/safety/notices/matching/",
                     {"latitude": 59.62, "longitude": 16.60}).json()
    assert far == {"matches": []}
    assert client.get("/api/safety/notices/matching/", {"latitude": 59.6}).status_code == 400
    assert VASAGATAN[0] in str(client.get("/api/safety/notices/matching/", {
        "address": "vasagatan 12"}).json())
