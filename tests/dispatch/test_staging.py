"""The staging point (*brytpunkt*): a dispatcher orders the crew to wait for the police at a
point before going in, and releases them; the status goes en route → at staging point → on
scene only in that order, the crew hears each step live, and the case history keeps both."""

import pytest

from core.errors import Conflict, Forbidden, Invalid
from dispatch import services
from dispatch.models import Assignment
from dispatch.services.staging import assignment_staging_order, assignment_staging_release
from realtime.models import Event

from .helpers import assert_detail, db_state

POINT = {"latitude": 59.3301, "longitude": 18.0601, "reason": "Vänta på polis"}


def staging_url(assignment, release=False):
    return f"/api/assignments/{assignment.pk}/staging/{'release/' if release else ''}"


def order(demo, assignment, **changes):
    return assignment_staging_order(assignment=assignment, by=demo.anna, **{**POINT, **changes})


def events_of(type):
    return list(Event.objects.filter(type=type).order_by("pk"))


def step(assignment, status, by):
    return services.assignment_status_change(assignment=assignment, status=status, by=by)


def test_an_ordered_staging_point_reaches_the_crew_and_the_console(demo, api, dispatched):
    assignment = dispatched("en_route")
    response = api(demo.anna).post(staging_url(assignment), POINT, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["staging"]["latitude"] == POINT["latitude"]
    assert body["staging"]["reason"] == "Vänta på polis"
    assert body["staging"]["released_at"] is None and body["staging"]["ordered_at"]
    assert body["next_step"] == "at_staging"
    events = events_of("assignment.staging")
    assert {e.stream for e in events} == {f"unit.{assignment.unit_id}", "dispatch"}
    assert all(e.data["staging"]["reason"] == "Vänta på polis" for e in events)
    assert all(e.data["next_step"] == "at_staging" for e in events)
    # The crew's card says the same.
    card = api(demo.sara).get(f"/api/assignments/{assignment.pk}/").json()
    assert card["staging"]["reason"] == "Vänta på polis"
    assert card["next_step"] == "at_staging" and card["allowed"] == ["at_staging"]


def test_without_a_staging_point_payloads_say_none_and_en_route_goes_on_scene(
        demo, api, dispatched):
    assignment = dispatched("en_route")
    card = api(demo.sara).get(f"/api/assignments/{assignment.pk}/").json()
    assert card["staging"] is None and card["next_step"] == "on_scene"
    with pytest.raises(Conflict):
        step(assignment, "at_staging", demo.sara)
    assert step(assignment, "on_scene", demo.sara).status == "on_scene"


def test_the_crew_waits_at_the_staging_point_until_released_then_goes_on_scene(
        demo, api, dispatched):
    assignment = dispatched("en_route")
    order(demo, assignment)
    with pytest.raises(Conflict) as refused:
        step(assignment, "on_scene", demo.sara)
    assert "staging point" in refused.value.message
    assignment = step(assignment, "at_staging", demo.sara)
    assert assignment.at_staging_at is not None
    assignment.unit.refresh_from_db()
    assert assignment.unit.status == "at_staging"
    card = api(demo.sara).get(f"/api/assignments/{assignment.pk}/").json()
    assert card["status"] == "at_staging" and card["next_step"] is None
    response = api(demo.sara).post(f"/api/assignments/{assignment.pk}/status/",
                                   {"status": "on_scene"}, format="json")
    assert response.status_code == 409
    assert_detail(response, "lets you in")

    response = api(demo.anna).post(staging_url(assignment, release=True), format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["staging"]["released_by_name"] == "Anna Lindqvist"
    [to_unit, to_console] = events_of("assignment.staging_released")
    assert (to_unit.stream, to_console.stream) == (f"unit.{assignment.unit_id}", "dispatch")
    assert to_unit.data["next_step"] == "on_scene"
    assert to_unit.data["staging"]["released_at"]
    assert step(assignment, "on_scene", demo.sara).status == "on_scene"


def test_a_release_before_the_crew_arrives_lets_them_drive_straight_in(demo, dispatched):
    assignment = dispatched("acknowledged")
    order(demo, assignment)
    assignment_staging_release(assignment=assignment, by=demo.anna)
    assignment = step(assignment, "en_route", demo.sara)
    with pytest.raises(Conflict):
        step(assignment, "at_staging", demo.sara)
    assert step(assignment, "on_scene", demo.sara).status == "on_scene"


def test_the_point_may_be_moved_while_the_crew_waits(demo, dispatched):
    assignment = dispatched("en_route")
    order(demo, assignment)
    step(assignment, "at_staging", demo.sara)
    moved = order(demo, assignment, latitude=59.34, reason="Ny brytpunkt: parkeringen")
    assert (moved.staging_latitude, moved.staging_reason) == (59.34, "Ny brytpunkt: parkeringen")
    assert moved.status == "at_staging"


@pytest.mark.parametrize("changes, words", [
    ({"reason": "  "}, "why the crew waits"),
    ({"reason": "x" * 201}, "at most 200"),
    ({"latitude": "north"}, "numbers"),
    ({"latitude": 91}, "within"),
    ({"longitude": None}, "numbers"),
])
def test_a_bad_position_or_reason_is_a_400_in_words_and_stores_nothing(
        demo, api, dispatched, changes, words):
    assignment = dispatched("en_route")
    before = db_state()
    response = api(demo.anna).post(staging_url(assignment), {**POINT, **changes}, format="json")
    assert response.status_code == 400
    assert_detail(response, words)
    assert db_state() == before


@pytest.mark.parametrize("status", ["on_scene", "transporting", "available", "cancelled"])
def test_a_staging_point_after_the_crew_is_on_scene_is_a_409(demo, api, dispatched, status):
    assignment = dispatched(status)
    response = api(demo.anna).post(staging_url(assignment), POINT, format="json")
    assert response.status_code == 409
    assert_detail(response, "only before it is on scene")
    assert Assignment.objects.get(pk=assignment.pk).staging_ordered_at is None


def test_a_second_release_or_a_new_order_after_the_release_is_a_409_naming_who(
        demo, api, dispatched):
    assignment = dispatched("en_route")
    order(demo, assignment)
    assignment_staging_release(assignment=assignment, by=demo.anna)
    erik = demo.users["erik"]
    response = api(erik).post(staging_url(assignment, release=True), format="json")
    assert response.status_code == 409
    assert_detail(response, "already released by Anna Lindqvist")
    response = api(erik).post(staging_url(assignment), POINT, format="json")
    assert response.status_code == 409
    assert_detail(response, "already released")


def test_a_release_without_an_order_is_a_409(demo, api, dispatched):
    assignment = dispatched("en_route")
    response = api(demo.anna).post(staging_url(assignment, release=True), format="json")
    assert response.status_code == 409
    assert_detail(response, "no staging point")


def test_only_a_dispatcher_orders_or_releases(demo, api, dispatched):
    assignment = dispatched("en_route")
    with pytest.raises(Forbidden):
        assignment_staging_order(assignment=assignment, by=demo.sara, **POINT)
    for user in (demo.sara, demo.users["karin"], demo.users["lars"]):
        for release in (False, True):
            response = api(user).post(staging_url(assignment, release=release), POINT,
                                      format="json")
            assert response.status_code == 403, (user, release)
    assert api(None).post(staging_url(assignment), POINT, format="json").status_code in (401, 403)
    assert Assignment.objects.get(pk=assignment.pk).staging_ordered_at is None


def test_a_dispatcher_may_still_cancel_a_unit_waiting_at_the_staging_point(demo, dispatched):
    assignment = dispatched("en_route")
    order(demo, assignment)
    step(assignment, "at_staging", demo.sara)
    assert step(assignment, "cancelled", demo.anna).status == "cancelled"
    with pytest.raises(Invalid):
        order(demo, assignment, reason="")


def test_the_history_keeps_the_order_the_wait_and_the_release(demo, api, dispatched):
    assignment = dispatched("en_route")
    order(demo, assignment)
    step(assignment, "at_staging", demo.sara)
    assignment_staging_release(assignment=assignment, by=demo.users["erik"])
    step(assignment, "on_scene", demo.sara)
    entries = api(demo.anna).get(f"/api/cases/{assignment.case_id}/history/").json()["entries"]
    kinds = [e["kind"] if e["kind"] != "status" else e["status"] for e in entries]
    assert kinds.index("en_route") < kinds.index("staging") < kinds.index("at_staging")
    assert kinds.index("at_staging") < kinds.index("staging_released") < kinds.index("on_scene")
    staging = next(e for e in entries if e["kind"] == "staging")
    assert (staging["by"], staging["reason"], staging["unit"]) == (
        "Anna Lindqvist", "Vänta på polis", "AMB 1010")
    released = next(e for e in entries if e["kind"] == "staging_released")
    assert released["by"] == "Erik Holm"
    at_staging = next(e for e in entries if e.get("status") == "at_staging")
    assert at_staging["status_label"] == "At staging point"


def test_the_console_case_list_carries_the_staging_point_without_a_query_per_row(
        demo, api, dispatched):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(demo.anna)

    def listed():
        with CaptureQueriesContext(connection) as queries:
            cases = client.get("/api/cases/").json()
        return cases, len(queries)

    assignment = dispatched("en_route")
    order(demo, assignment)
    assignment_staging_release(assignment=assignment, by=demo.anna)
    listed()  # warm: the session
    _, one = listed()
    other = dispatched("en_route", unit=demo.amb3010)
    order(demo, other, reason="Vänta på polis vid skolan")
    assignment_staging_release(assignment=other, by=demo.users["erik"])
    cases, two = listed()
    assert two == one  # the releasers come with the list's prefetch
    stagings = {a["unit_call_sign"]: a["staging"] for c in cases for a in c["assignments"]}
    assert stagings["AMB 1010"]["released_by_name"] == "Anna Lindqvist"
    assert stagings["AMB 3010"]["reason"] == "Vänta på polis vid skolan"
    assert stagings["AMB 3010"]["released_by_name"] == "Erik Holm"


def test_a_refused_order_publishes_nothing(demo, dispatched):
    assignment = dispatched("on_scene")
    with pytest.raises(Conflict):
        order(demo, assignment)
    assert events_of("assignment.staging") == []
