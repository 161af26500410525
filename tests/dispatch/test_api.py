"""The dispatch API: answers, refusals with a clear `detail`, and nothing stored on refusal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry
from core.models import IdempotentRequest
from dispatch.models import Assignment, Case
from tests.conftest import case_payload

from .helpers import assert_detail, db_state, idempotent_rows


def ack_url(assignment):
    return f"/api/assignments/{assignment.pk}/acknowledge/"


def status_url(assignment):
    return f"/api/assignments/{assignment.pk}/status/"


# --- cases ---------------------------------------------------------------------------------


def test_a_dispatcher_registers_a_case(demo, api):
    response = api(demo.anna).post("/api/cases/", case_payload(demo.vml), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert body["reference"] == case.reference and case.reference.startswith("VML-")
    assert case.created_by == demo.anna and case.priority == "1A"
    assert body["assignments"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"address": None}, "address"),
        ({"region": 999999}, "region"),
        ({"region": "Västmanland"}, "region"),
        ({"caller_number": "ring mig"}, "caller_number"),
        ({"latitude": 91}, "latitude"),
        ({"longitude": "öster"}, "longitude"),
        ({"priority": "1C"}, "priority"),
        ({"personal_identity_number": "1212121212121212"}, "personal_identity_number"),
        ({"call_answered_at": "igår"}, "call_answered_at"),
        ({"priority": "2A"}, "priority_change_reason"),
    ],
)
def test_case_registration_refuses_bad_input_and_stores_nothing(demo, api, change, field):
    payload = case_payload(demo.vml)
    for key, value in change.items():
        if value is None:
            payload.pop(key)
        else:
            payload[key] = value
    before = db_state()
    response = api(demo.anna).post("/api/cases/", payload, format="json")
    assert response.status_code == 400
    assert_detail(response, field)
    assert db_state() == before
    assert not AccessLogEntry.objects.exists()


def test_a_priority_change_without_reason_is_refused(demo, api, new_case):
    case = new_case()
    before = db_state()
    response = api(demo.anna).patch(f"/api/cases/{case.pk}/", {"priority": "2A"},
                                    format="json")
    assert response.status_code == 400
    assert_detail(response, "priority_change_reason")
    assert db_state() == before
    response = api(demo.anna).patch(
        f"/api/cases/{case.pk}/",
        {"priority": "2A", "priority_change_reason": "Talar obehindrat"}, format="json",
    )
    assert response.status_code == 200
    assert response.json()["priority"] == "2A"
    assert Case.objects.get(pk=case.pk).priority_change_reason == "Talar obehindrat"


def test_the_case_list_shows_open_cases_and_all_on_request(demo, api, new_case):
    open_case, closed = new_case(), new_case()
    Case.objects.filter(pk=closed.pk).update(status="closed")
    client = api(demo.anna)
    assert [c["id"] for c in client.get("/api/cases/").json()] == [open_case.pk]
    assert {c["id"] for c in client.get("/api/cases/?status=all").json()} == {
        open_case.pk, closed.pk}


def test_an_unknown_case_is_404(demo, api):
    response = api(demo.anna).get("/api/cases/999999/")
    assert response.status_code == 404
    assert_detail(response)


def test_closing_a_case_with_units_on_it_is_refused(demo, api, dispatched):
    assignment = dispatched("en_route")
    before = db_state()
    response = api(demo.anna).post(f"/api/cases/{assignment.case_id}/close/")
    assert response.status_code == 409
    assert_detail(response, "still on assignment")
    assert db_state() == before


# --- dispatching ---------------------------------------------------------------------------


def test_a_dispatcher_sends_units_to_a_case(demo, api, new_case):
    case = new_case()
    response = api(demo.anna).post(
        f"/api/cases/{case.pk}/dispatch/", {"units": [demo.amb1010.pk, demo.amb1020.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {a["unit_call_sign"] for a in body} == {"AMB 1010", "AMB 1020"}
    assert {a["status"] for a in body} == {"alerted"}
    assert body[0]["allowed"] == ["acknowledged", "cancelled", "redirected"]
    assert Assignment.objects.filter(case=case).count() == 2


def test_dispatching_a_busy_unit_is_409_and_nothing_changes(demo, api, dispatched, new_case):
    dispatched("on_scene")
    other = new_case()
    before = db_state()
    response = api(demo.anna).post(
        f"/api/cases/{other.pk}/dispatch/", {"units": [demo.amb1020.pk, demo.amb1010.pk]},
        format="json",
    )
    assert response.status_code == 409
    assert_detail(response, "AMB 1010", "not available")
    assert db_state() == before


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "units"),
        ({"units": []}, "units"),
        ({"units": [999999]}, "Unknown unit 999999"),
        ({"units": "AMB 1010"}, "units"),
        ({"units": ["AMB 1010"]}, "units"),
        ({"units": [None]}, "units"),
    ],
)
def test_dispatch_refuses_missing_malformed_and_unknown_units(demo, api, new_case, body,
                                                              fragment):
    case = new_case()
    before = db_state()
    response = api(demo.anna).post(f"/api/cases/{case.pk}/dispatch/", body, format="json")
    assert response.status_code == 400
    assert_detail(response, fragment)
    assert db_state() == before


def test_dispatch_to_an_unknown_case_is_404(demo, api):
    before = db_state()
    response = api(demo.anna).post("/api/cases/999999/dispatch/",
                                   {"units": [demo.amb1010.pk]}, format="json")
    assert response.status_code == 404
    assert db_state() == before


# --- the crew's statuses -------------------------------------------------------------------


def test_the_crew_walks_an_assignment_with_the_big_button(demo, api, dispatched):
    assignment = dispatched()
    client = api(demo.sara)
    body = client.get(f"/api/assignments/{assignment.pk}/").json()
    assert body["next_step"] == "acknowledged" and body["allowed"] == ["acknowledged"]
    assert body["case"]["address"] == "Stora torget 1, Västerås"
    steps = []
    while body["next_step"]:
        response = client.post(status_url(assignment), {"status": body["next_step"]},
                               format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        steps.append(body["status"])
    assert steps == ["acknowledged", "en_route", "on_scene", "transporting", "at_hospital",
                     "available"]
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.alerted_at <= stored.acknowledged_at <= stored.en_route_at \
        <= stored.on_scene_at <= stored.transporting_at <= stored.at_hospital_at \
        <= stored.available_at


def test_a_transition_out_of_order_is_409_with_the_allowed_ones(demo, api, dispatched):
    assignment = dispatched("acknowledged")
    before = db_state()
    response = api(demo.sara).post(status_url(assignment), {"status": "on_scene"},
                                   format="json")
    assert response.status_code == 409
    assert_detail(response, "acknowledged", "on scene")
    assert response.json()["allowed"] == ["en_route"]
    assert db_state() == before


def test_a_crew_cancel_is_refused_but_a_dispatcher_cancel_is_not(demo, api, dispatched):
    assignment = dispatched("en_route")
    before = db_state()
    refused = api(demo.sara).post(status_url(assignment), {"status": "cancelled"},
                                  format="json")
    assert refused.status_code == 409
    assert "cancelled" not in refused.json()["allowed"]
    assert db_state() == before
    done = api(demo.anna).post(status_url(assignment), {"status": "cancelled"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({}, 400, "status"),
        ({"status": "teleported"}, 400, "status"),
        ({"status": "redirected"}, 409, "redirect action"),
        ({"status": "acknowledged", "at": "kvart i tolv"}, 400, "at"),
        ({"status": "acknowledged", "at": "+10m"}, 400, "future"),
        ({"status": "acknowledged", "at": "-10m"}, 409, "before"),
    ],
)
def test_a_bad_status_request_is_refused_and_changes_nothing(demo, api, dispatched, body,
                                                             status, fragment):
    assignment = dispatched()
    body = dict(body)
    if body.get("at") in ("+10m", "-10m"):
        sign = 1 if body["at"][0] == "+" else -1
        body["at"] = (assignment.alerted_at + sign * timedelta(minutes=10)).isoformat()
    before = db_state()
    response = api(demo.sara).post(status_url(assignment), body, format="json")
    assert response.status_code == status
    assert_detail(response, fragment)
    assert db_state() == before


def test_crew_cannot_see_or_touch_another_units_assignment(demo, api, dispatched):
    assignment = dispatched()  # on AMB 1010, sara's unit
    before = db_state()
    for user in (demo.johan, demo.maria):
        client = api(user)
        assert client.get("/api/assignments/").json() == []
        for response in (
            client.get(f"/api/assignments/{assignment.pk}/"),
            client.post(ack_url(assignment), {}, format="json"),
            client.post(status_url(assignment), {"status": "acknowledged"}, format="json"),
        ):
            assert response.status_code == 404
            assert_detail(response, "no such assignment")
    assert db_state() == before
    assert not AccessLogEntry.objects.exists()
    # The own crew sees it.
    assert [a["id"] for a in api(demo.sara).get("/api/assignments/").json()] == [assignment.pk]


def test_an_unknown_assignment_is_404(demo, api):
    for user in (demo.anna, demo.sara):
        assert api(user).get("/api/assignments/999999/").status_code == 404
        assert api(user).post("/api/assignments/999999/acknowledge/", {},
                              format="json").status_code == 404


# --- acknowledgements and idempotency keys -------------------------------------------------


def test_a_replayed_acknowledgement_gets_the_same_answer_and_changes_nothing(
    demo, api, dispatched
):
    assignment = dispatched()
    client = api(demo.sara)
    first = client.post(ack_url(assignment), {}, format="json",
                        HTTP_IDEMPOTENCY_KEY="tablet-1010-0001")
    assert first.status_code == 200 and first.json()["status"] == "acknowledged"
    before, keys = db_state(), idempotent_rows()
    replay = client.post(ack_url(assignment), {}, format="json",
                         HTTP_IDEMPOTENCY_KEY="tablet-1010-0001")
    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert replay["Idempotent-Replay"] == "true"
    assert db_state() == before and idempotent_rows() == keys


def test_a_key_in_the_body_works_like_the_header(demo, api, dispatched):
    assignment = dispatched()
    client = api(demo.sara)
    body = {"idempotency_key": "outbox:7f3a9c2e"}
    first = client.post(ack_url(assignment), body, format="json")
    before = db_state()
    replay = client.post(ack_url(assignment), body, format="json")
    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.json() == first.json() and replay["Idempotent-Replay"] == "true"
    assert db_state() == before


def test_a_new_key_after_the_acknowledgement_is_409(demo, api, dispatched):
    assignment = dispatched()
    client = api(demo.sara)
    client.post(ack_url(assignment), {}, format="json", HTTP_IDEMPOTENCY_KEY="tablet-0001")
    before = db_state()
    again = client.post(ack_url(assignment), {}, format="json",
                        HTTP_IDEMPOTENCY_KEY="tablet-0002")
    assert again.status_code == 409
    assert_detail(again, "already acknowledged")
    assert db_state() == before
    # The refusal is stored too: replaying it is refused the same way.
    replay = client.post(ack_url(assignment), {}, format="json",
                         HTTP_IDEMPOTENCY_KEY="tablet-0002")
    assert replay.status_code == 409 and replay.json() == again.json()


def test_a_stale_acknowledgement_time_is_refused(demo, api, dispatched):
    assignment = dispatched()
    before = db_state()
    response = api(demo.sara).post(
        ack_url(assignment), {"at": (assignment.alerted_at - timedelta(minutes=2)).isoformat()},
        format="json", HTTP_IDEMPOTENCY_KEY="tablet-0003",
    )
    assert response.status_code == 409
    assert_detail(response, "before")
    assert db_state() == before


def test_an_acknowledgement_of_a_cancelled_assignment_is_409(demo, api, dispatched):
    assignment = dispatched("cancelled")
    before = db_state()
    response = api(demo.sara).post(ack_url(assignment), {}, format="json")
    assert response.status_code == 409
    assert_detail(response, "cancelled", "nothing to acknowledge")
    assert db_state() == before


@pytest.mark.parametrize(
    "key", ["short", "has space 0001", "x" * 101, "åäö-nyckel-1", "semi;colon;1", "../../etc"],
)
@pytest.mark.parametrize("where", ["header", "body"])
def test_a_malformed_idempotency_key_is_400_and_nothing_is_stored(demo, api, dispatched,
                                                                   key, where):
    assignment = dispatched()
    before, keys = db_state(), idempotent_rows()
    client = api(demo.sara)
    if where == "header":
        response = client.post(ack_url(assignment), {}, format="json",
                               HTTP_IDEMPOTENCY_KEY=key)
    else:
        response = client.post(ack_url(assignment), {"idempotency_key": key}, format="json")
    assert response.status_code == 400
    assert_detail(response, "idempotency_key")
    assert db_state() == before and idempotent_rows() == keys


def test_a_non_string_idempotency_key_is_400(demo, api, dispatched):
    assignment = dispatched()
    before = db_state()
    response = api(demo.sara).post(ack_url(assignment), {"idempotency_key": 12345678},
                                   format="json")
    assert response.status_code == 400
    assert_detail(response, "idempotency_key")
    assert db_state() == before


def test_one_key_for_two_different_requests_is_refused(demo, api, dispatched):
    assignment = dispatched()
    client = api(demo.sara)
    client.post(ack_url(assignment), {}, format="json", HTTP_IDEMPOTENCY_KEY="tablet-0009")
    before = db_state()
    response = client.post(status_url(assignment), {"status": "en_route"}, format="json",
                           HTTP_IDEMPOTENCY_KEY="tablet-0009")
    assert response.status_code == 400
    assert_detail(response, "already used")
    assert db_state() == before


def test_keys_belong_to_the_user(demo, api, dispatched):
    assignment = dispatched()
    api(demo.sara).post(ack_url(assignment), {}, format="json",
                        HTTP_IDEMPOTENCY_KEY="shared-key-01")
    before = db_state()
    response = api(demo.johan).post(ack_url(assignment), {}, format="json",
                                    HTTP_IDEMPOTENCY_KEY="shared-key-01")
    assert response.status_code == 404  # johan's own key: no replay of sara's answer
    assert db_state() == before
    assert IdempotentRequest.objects.filter(key="shared-key-01").count() == 2


# --- redirect ------------------------------------------------------------------------------


def test_a_dispatcher_redirects_a_unit_to_a_new_priority_one_case(demo, api, dispatched,
                                                                  new_case):
    old = dispatched("en_route", priority="2B", priority_change_reason="Stabil")
    urgent = new_case()
    response = api(demo.anna).post(f"/api/assignments/{old.pk}/redirect/",
                                   {"case": urgent.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["case"]["id"] == urgent.pk and body["status"] == "alerted"
    assert Assignment.objects.get(pk=old.pk).redirected_to_id == body["id"]


def test_a_redirect_is_refused_for_crew_bad_input_and_a_lower_priority(demo, api, dispatched,
                                                                       new_case):
    old = dispatched("acknowledged", priority="1B", priority_change_reason="Lugnare")
    lower = new_case(priority="2A", priority_change_reason="Bedömning")
    url = f"/api/assignments/{old.pk}/redirect/"
    before = db_state()
    crew = api(demo.sara).post(url, {"case": lower.pk}, format="json")
    assert crew.status_code == 403
    assert_detail(crew)
    unknown = api(demo.anna).post(url, {"case": 999999}, format="json")
    assert unknown.status_code == 400
    assert_detail(unknown, "case")
    missing = api(demo.anna).post(url, {}, format="json")
    assert missing.status_code == 400
    lower_priority = api(demo.anna).post(url, {"case": lower.pk}, format="json")
    assert lower_priority.status_code == 409
    assert_detail(lower_priority, "1A or 1B")
    assert db_state() == before


# --- measures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["", "?region=abc", "?region=999999", "?region={vml}&tertial=4",
              "?region={vml}&year=nästa"],
)
def test_measures_refuse_a_bad_query(demo, api, query):
    response = api(demo.anna).get("/api/measures/" + query.format(vml=demo.vml.pk))
    assert response.status_code == 400
    assert_detail(response)


def test_measures_for_a_region_and_tertial(demo, api, dispatched):
    dispatched()
    now = timezone.localtime()
    tertial = (now.month - 1) // 4 + 1
    response = api(demo.anna).get(f"/api/measures/?region={demo.vml.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["region"], body["year"], body["tertial"]) == ("VML", now.year, tertial)
    assert body["cases"] == 1 and body["m1_count"] == 1
