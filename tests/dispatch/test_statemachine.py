"""The assignment status machine, checked against a table written out by hand."""

import pytest

from core.errors import Conflict
from dispatch.models import AssignmentStatus
from dispatch.statemachine import (
    TIMESTAMP_FIELD,
    allowed_next,
    check_transition,
    next_step,
)

STATUSES = [s.value for s in AssignmentStatus]

CREW = {
    "alerted": {"acknowledged"},
    "acknowledged": {"en_route"},
    "en_route": {"on_scene"},
    "at_staging": {"on_scene"},
    "on_scene": {"transporting", "available"},
    "transporting": {"at_hospital"},
    "at_hospital": {"available"},
    "available": set(),
    "cancelled": set(),
    "redirected": set(),
}
DISPATCHER = {
    **CREW,
    "alerted": {"acknowledged", "cancelled", "redirected"},
    "acknowledged": {"en_route", "cancelled", "redirected"},
    "en_route": {"on_scene", "cancelled", "redirected"},
    "at_staging": {"on_scene", "cancelled", "redirected"},
}
NEXT_STEP = {
    "alerted": "acknowledged", "acknowledged": "en_route", "en_route": "on_scene",
    "at_staging": "on_scene",
    "on_scene": "transporting", "transporting": "at_hospital", "at_hospital": "available",
    "available": None, "cancelled": None, "redirected": None,
}


def test_the_table_covers_every_status():
    assert set(CREW) == set(DISPATCHER) == set(NEXT_STEP) == set(STATUSES)


@pytest.mark.parametrize("dispatcher", [True, False], ids=["dispatcher", "crew"])
@pytest.mark.parametrize("current", STATUSES)
def test_allowed_next_matches_the_table(current, dispatcher):
    table = DISPATCHER if dispatcher else CREW
    assert set(allowed_next(current, dispatcher=dispatcher)) == table[current]


@pytest.mark.parametrize("dispatcher", [True, False], ids=["dispatcher", "crew"])
@pytest.mark.parametrize("target", STATUSES)
@pytest.mark.parametrize("current", STATUSES)
def test_every_transition_is_allowed_or_refused_as_in_the_table(current, target, dispatcher):
    table = DISPATCHER if dispatcher else CREW
    if target in table[current]:
        assert check_transition(current, target, dispatcher=dispatcher) is None
    else:
        with pytest.raises(Conflict) as refused:
            check_transition(current, target, dispatcher=dispatcher)
        assert refused.value.status_code == 409
        assert set(refused.value.extra["allowed"]) == table[current]
        label = lambda value: value.replace("_", " ")  # noqa: E731  (the label shown)
        assert label(current) in refused.value.message
        assert label(target) in refused.value.message


@pytest.mark.parametrize("current", ["available", "cancelled", "redirected"])
def test_an_ended_assignment_says_nothing_is_allowed(current):
    with pytest.raises(Conflict) as refused:
        check_transition(current, "acknowledged", dispatcher=True)
    assert "has ended" in refused.value.message
    assert refused.value.extra["allowed"] == []


def test_an_unknown_status_is_refused_with_the_allowed_ones():
    with pytest.raises(Conflict) as refused:
        check_transition("alerted", "teleported", dispatcher=False)
    assert "teleported" in refused.value.message
    assert refused.value.extra["allowed"] == ["acknowledged"]


@pytest.mark.parametrize("dispatcher", [True, False], ids=["dispatcher", "crew"])
def test_only_a_dispatcher_may_cancel_or_redirect(dispatcher):
    for current in ("alerted", "acknowledged", "en_route", "at_staging"):
        allowed = set(allowed_next(current, dispatcher=dispatcher))
        assert ({"cancelled", "redirected"} <= allowed) is dispatcher
    for current in ("on_scene", "transporting", "at_hospital"):
        assert not {"cancelled", "redirected"} & set(allowed_next(current, dispatcher=True))


@pytest.mark.parametrize("current", STATUSES)
def test_next_step_is_the_crews_forward_button(current):
    assert next_step(current) == NEXT_STEP[current]
    if NEXT_STEP[current]:
        assert NEXT_STEP[current] in CREW[current]


def test_every_status_has_a_timestamp_field_on_the_assignment():
    from dispatch.models import Assignment

    fields = {f.name for f in Assignment._meta.get_fields()}
    for status in STATUSES:
        assert TIMESTAMP_FIELD[status] in fields


def test_an_ordered_staging_point_bends_en_route_to_at_staging_and_waits_there():
    # The table above is for an assignment without a staging point (or a released one).
    ordered = dict(staging="ordered")
    assert allowed_next("en_route", dispatcher=False, **ordered) == ("at_staging",)
    assert next_step("en_route", **ordered) == "at_staging"
    assert allowed_next("at_staging", dispatcher=False, **ordered) == ()
    assert next_step("at_staging", **ordered) is None
    assert set(allowed_next("at_staging", dispatcher=True, **ordered)) == {
        "cancelled", "redirected"}
    with pytest.raises(Conflict) as refused:
        check_transition("en_route", "on_scene", dispatcher=True, **ordered)
    assert "staging point" in refused.value.message
    with pytest.raises(Conflict) as refused:
        check_transition("at_staging", "on_scene", dispatcher=False, **ordered)
    assert "lets you in" in refused.value.message
    released = dict(staging="released")
    assert next_step("at_staging", **released) == "on_scene"
    assert next_step("en_route", **released) == "on_scene"
    with pytest.raises(Conflict):
        check_transition("en_route", "at_staging", dispatcher=False, **released)


def test_status_ranks_follow_the_machine():
    # The screens merge crossing views of an assignment by these ranks (frontend/tables.py
    # hands them to the page): every move goes up, and the ends share the last rank.
    from dispatch.models import ACTIVE_STATUSES
    from dispatch.statemachine import STATUS_RANK

    assert STATUS_RANK == {
        "alerted": 0, "acknowledged": 1, "en_route": 2, "at_staging": 3, "on_scene": 4,
        "transporting": 5, "at_hospital": 6, "available": 7, "cancelled": 7, "redirected": 7,
    }
    for current in STATUSES:
        for target in allowed_next(current, dispatcher=True, staging="ordered"):
            assert STATUS_RANK[target] > STATUS_RANK[current], (current, target)
        for target in allowed_next(current, dispatcher=True):
            assert STATUS_RANK[target] > STATUS_RANK[current], (current, target)
    # An assignment is active exactly while it has a move out.
    assert {s for s in STATUSES if allowed_next(s, dispatcher=False)} == set(ACTIVE_STATUSES)
