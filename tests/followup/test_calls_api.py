"""The telephony integration (POST /api/followup/calls/): a service account's token, 201 for a
new call and 200 for one already known, bad fields named in words."""

import uuid

from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.services import api_token_issue
from dispatch.models import Call, CallSource

CALL = {"call_id": "T-1", "line": "112", "prioritised": True, "region": "vml",
        "queued_at": "2026-11-05T14:03:12+01:00"}


def telephony_client() -> APIClient:
    account = User.objects.create(username=f"svc-{uuid.uuid4().hex[:8]}",
                                  role=Role.DISPATCHER, is_service_account=True)
    _token, key = api_token_issue(user=account)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_telephony_system_posts_a_call_then_its_answer(demo):
    client = telephony_client()
    response = client.post("/api/followup/calls/", CALL, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["call_id"], body["region_code"], body["outcome"]) == ("T-1", "VML", "created")
    again = client.post("/api/followup/calls/", CALL, format="json")
    assert (again.status_code, again.json()["outcome"]) == (200, "unchanged")
    answered = client.post("/api/followup/calls/", {
        "call_id": "T-1", "answered_at": "2026-11-05T14:03:20+01:00", "operator": "anna"},
        format="json")
    assert (answered.status_code, answered.json()["outcome"]) == (200, "updated")
    call = Call.objects.get(call_id="T-1")
    assert call.operator == demo.anna and call.source == CallSource.INTEGRATION
    assert (call.answered_at - call.queued_at).total_seconds() == 8


def test_an_unknown_operator_is_kept_by_name(demo, api):
    response = api(demo.anna).post("/api/followup/calls/",
                                   {**CALL, "operator": "op-4711"}, format="json")
    assert response.status_code == 201
    assert response.json()["operator_name"] == "op-4711"
    assert response.json()["operator"] is None


def test_bad_fields_are_a_400_naming_the_field(demo, api):
    client = api(demo.anna)
    response = client.post("/api/followup/calls/", {**CALL, "queued_at": "yesterday"},
                           format="json")
    assert response.status_code == 400 and "queued_at" in response.json()["detail"]
    response = client.post("/api/followup/calls/", {**CALL, "region": "XYZ"}, format="json")
    assert response.status_code == 400
    assert "XYZ" in response.json()["detail"] and "VML" in response.json()["detail"]
    response = client.post("/api/followup/calls/", {"line": "112"}, format="json")
    assert response.status_code == 400 and "call_id" in response.json()["detail"]


def test_a_conflicting_queued_time_is_a_400_in_words(demo, api):
    client = api(demo.anna)
    client.post("/api/followup/calls/", CALL, format="json")
    response = client.post("/api/followup/calls/",
                           {**CALL, "queued_at": "2026-11-05T15:00:00+01:00"}, format="json")
    assert response.status_code == 400
    assert "queued time does not change" in response.json()["detail"]


def test_an_answer_for_an_unknown_call_is_a_400(demo, api):
    response = api(demo.anna).post("/api/followup/calls/", {
        "call_id": "NEW", "answered_at": "2026-11-05T14:03:20+01:00"}, format="json")
    assert response.status_code == 400 and "NEW" in response.json()["detail"]


def test_the_manager_and_the_crews_may_not_post_calls(demo, api):
    for user in (demo.greta, demo.sara, None):
        response = api(user).post("/api/followup/calls/", CALL, format="json")
        assert response.status_code in (401, 403), user
    assert not Call.objects.exists()
