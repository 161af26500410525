"""Dispatch services: the status machine applied to stored assignments, and who may do what."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import Conflict, Forbidden, Invalid
from crews.models import Unit
from crews.services import crew_join
from crews.streams import unit_stream
from dispatch import services
from dispatch.models import Assignment, Case
from dispatch.services import ACK_TIMER, STATUS_TIMER
from realtime.models import Event
from timers.models import Timer, TimerState

from .helpers import PATH_TO, db_state

# The unit status each assignment status puts the unit in (written out by hand).
UNIT_STATUS = {
    "alerted": "alerted", "acknowledged": "acknowledged", "en_route": "en_route",
    "on_scene": "on_scene", "transporting": "transporting", "at_hospital": "at_hospital",
    "available": "available", "cancelled": "available", "redirected": "alerted",
}
CREW_STEPS = [
    ("alerted", "acknowledged"), ("acknowledged", "en_route"), ("en_route", "on_scene"),
    ("on_scene", "transporting"), ("on_scene", "available"), ("transporting", "at_hospital"),
    ("at_hospital", "available"),
]
DISPATCHER_STEPS = CREW_STEPS + [
    ("alerted", "cancelled"), ("acknowledged", "cancelled"), ("en_route", "cancelled"),
]
ALL = ["alerted", "acknowledged", "en_route", "on_scene", "transporting", "at_hospital",
       "available", "cancelled", "redirected"]
CREW_ALLOWED = {
    "alerted": {"acknowledged"}, "acknowledged": {"en_route"}, "en_route": {"on_scene"},
    "on_scene": {"transporting", "available"}, "transporting": {"at_hospital"},
    "at_hospital": {"available"},
}
DISPATCHER_ALLOWED = {
    **CREW_ALLOWED,
    "alerted": {"acknowledged", "cancelled"}, "acknowledged": {"en_route", "cancelled"},
    "en_route": {"on_scene", "cancelled"},
}


def pending(kind, assignment):
    return Timer.objects.filter(kind=kind, key=str(assignment.pk), state=TimerState.PENDING)


def events(type_=None, stream=None):
    qs = Event.objects.all()
    if type_:
        qs = qs.filter(type=type_)
    if stream:
        qs = qs.filter(stream=stream)
    return qs


def redirected_assignment(demo, new_case, dispatched):
    """An assignment that was redirected: 2A case, then a new 1A case."""
    old = dispatched(priority="2A", priority_change_reason="Stabil enligt inringare")
    new = services.assignment_redirect(assignment=old, to_case=new_case(), by=demo.anna)
    old.refresh_from_db()
    return old, new


# --- allowed transitions -------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["sara", "anna"])
@pytest.mark.parametrize(("current", "target"), DISPATCHER_STEPS,
                         ids=[f"{a}->{b}" for a, b in DISPATCHER_STEPS])
def test_an_allowed_transition_moves_assignment_and_unit_together(
    demo, dispatched, current, target, actor
):
    if actor == "sara" and (current, target) not in CREW_STEPS:
        # A dispatcher-only step (cancel): the crew is refused and nothing changes.
        return _assert_crew_refused(demo, dispatched, current, target)
    assignment = dispatched(current)
    before = timezone.now()
    updated = services.assignment_status_change(
        assignment=assignment, status=target, by=getattr(demo, actor)
    )
    stored = Assignment.objects.get(pk=assignment.pk)
    unit = Unit.objects.get(pk=demo.amb1010.pk)
    assert updated.status == stored.status == target
    stamp = getattr(stored, f"{target}_at")
    assert stamp is not None and stamp >= before
    assert stored.status_changed_at == stamp
    assert unit.status == UNIT_STATUS[target]
    assert unit.status_changed_at == stamp
    sent = events("assignment.status").order_by("pk")
    assert {e.stream for e in sent.filter(data__status=target)} == {
        "dispatch", f"unit.{demo.amb1010.pk}"}


def _assert_crew_refused(demo, dispatched, current, target):
    assignment = dispatched(current)
    before = db_state()
    with pytest.raises(Conflict) as refused:
        services.assignment_status_change(assignment=assignment, status=target, by=demo.sara)
    assert refused.value.extra["allowed"] == sorted(
        CREW_ALLOWED[current], key=lambda s: ALL.index(s))
    assert db_state() == before


# --- refused transitions -------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["sara", "anna"])
@pytest.mark.parametrize("current", ALL)
def test_every_other_transition_is_refused_and_changes_nothing(
    demo, new_case, dispatched, current, actor
):
    if current == "redirected":
        assignment, _ = redirected_assignment(demo, new_case, dispatched)
    else:
        assignment = dispatched(current)
    allowed = (DISPATCHER_ALLOWED if actor == "anna" else CREW_ALLOWED).get(current, set())
    refused_targets = [t for t in ALL if t not in allowed]
    assert "redirected" in refused_targets  # a redirect needs the redirect action
    before = db_state()
    for target in refused_targets:
        with pytest.raises(Conflict) as refused:
            services.assignment_status_change(
                assignment=assignment, status=target, by=getattr(demo, actor)
            )
        assert refused.value.status_code == 409, target
        assert db_state() == before, target


def test_crew_of_another_unit_may_not_move_the_assignment(demo, dispatched):
    assignment = dispatched("alerted")
    before = db_state()
    for user in (demo.johan, demo.maria):
        with pytest.raises(Forbidden):
            services.assignment_status_change(
                assignment=assignment, status="acknowledged", by=user
            )
    assert db_state() == before


def test_crew_may_not_cancel(demo, dispatched):
    assignment = dispatched("en_route")
    before = db_state()
    with pytest.raises(Conflict) as refused:
        services.assignment_status_change(assignment=assignment, status="cancelled",
                                          by=demo.sara)
    assert refused.value.extra["allowed"] == ["on_scene"]
    assert db_state() == before


def test_a_cancelled_unit_is_available_again_and_its_timers_are_cancelled(demo, dispatched):
    assignment = dispatched("acknowledged")
    assert pending(STATUS_TIMER, assignment).exists()
    services.assignment_status_change(assignment=assignment, status="cancelled", by=demo.anna)
    assert Unit.objects.get(pk=demo.amb1010.pk).status == "available"
    assert not pending(STATUS_TIMER, assignment).exists()
    assert not pending(ACK_TIMER, assignment).exists()
    # ...and may be sent again at once.
    again = services.assignment_dispatch(case=assignment.case, units=[demo.amb1010],
                                         by=demo.anna)
    assert again[0].status == "alerted"


# --- timestamps from the device ------------------------------------------------------------


def test_a_status_time_in_the_future_is_refused(demo, dispatched):
    assignment = dispatched("alerted")
    before = db_state()
    with pytest.raises(Invalid) as refused:
        services.assignment_status_change(
            assignment=assignment, status="acknowledged", by=demo.sara,
            at=timezone.now() + timedelta(minutes=5),
        )
    assert "future" in refused.value.message
    assert db_state() == before


def test_a_status_time_before_the_current_status_is_refused(demo, dispatched):
    assignment = dispatched("acknowledged")
    before = db_state()
    with pytest.raises(Conflict) as refused:
        services.assignment_status_change(
            assignment=assignment, status="en_route", by=demo.sara,
            at=assignment.acknowledged_at - timedelta(seconds=1),
        )
    assert "before" in refused.value.message
    assert db_state() == before


def test_a_status_time_from_the_device_is_stored_on_assignment_and_unit(demo, dispatched):
    assignment = dispatched("alerted")
    at = timezone.now() - timedelta(milliseconds=1)
    # Back-dated into the assignment's own past is fine as long as it is not before alerted.
    at = max(at, assignment.alerted_at)
    services.assignment_status_change(assignment=assignment, status="acknowledged",
                                      by=demo.sara, at=at)
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.acknowledged_at == at == stored.status_changed_at
    assert Unit.objects.get(pk=demo.amb1010.pk).status_changed_at == at


# --- dispatching units ---------------------------------------------------------------------


def test_dispatch_alerts_the_unit_and_starts_the_acknowledgement_timer(demo, new_case):
    case = new_case()
    [assignment] = services.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    assert assignment.status == "alerted"
    assert Unit.objects.get(pk=demo.amb1010.pk).status == "alerted"
    ack = pending(ACK_TIMER, assignment).get()
    assert ack.due_at == pytest.approx(assignment.alerted_at + timedelta(seconds=30),
                                       abs=timedelta(seconds=2))
    assert not pending(STATUS_TIMER, assignment).exists()  # no warning limit for "alerted"
    created = events("assignment.created")
    assert {e.stream for e in created} == {"dispatch", f"unit.{demo.amb1010.pk}"}


def test_events_about_assignments_carry_no_patient_data(demo, dispatched):
    assignment = dispatched("acknowledged")
    case = assignment.case
    for event in Event.objects.filter(type__startswith="assignment."):
        text = str(event.data)
        for secret in (case.personal_identity_number, case.patient_name, case.address,
                       case.complaint, case.caller_number):
            assert secret not in text, (event.type, secret)


def test_dispatching_a_busy_unit_is_refused_and_changes_nothing(demo, dispatched, new_case):
    dispatched("en_route")
    other = new_case(address="Vasagatan 2, Västerås")
    before = db_state()
    with pytest.raises(Conflict) as refused:
        services.assignment_dispatch(case=other, units=[demo.amb1010], by=demo.anna)
    assert "AMB 1010" in refused.value.message and "not available" in refused.value.message
    assert db_state() == before
    assert Case.objects.get(pk=other.pk).first_alert_at is None


def test_a_multi_unit_dispatch_is_all_or_none(demo, dispatched, new_case):
    dispatched("alerted", unit=demo.amb3010)
    case = new_case()
    before = db_state()
    with pytest.raises(Conflict):
        services.assignment_dispatch(case=case, units=[demo.amb1010, demo.amb1020,
                                                       demo.amb3010], by=demo.anna)
    assert db_state() == before
    assert Unit.objects.get(pk=demo.amb1010.pk).status == "available"
    assert Unit.objects.get(pk=demo.amb1020.pk).status == "available"
    assert not Assignment.objects.filter(case=case).exists()


def test_a_multi_unit_dispatch_sends_every_unit(demo, new_case):
    case = new_case()
    sent = services.assignment_dispatch(case=case, units=[demo.amb1010, demo.amb1020],
                                        by=demo.anna)
    assert {a.unit_id for a in sent} == {demo.amb1010.pk, demo.amb1020.pk}
    assert set(Unit.objects.filter(pk__in=[demo.amb1010.pk, demo.amb1020.pk])
               .values_list("status", flat=True)) == {"alerted"}
    case.refresh_from_db()
    assert case.first_alert_at == sent[0].alerted_at == sent[1].alerted_at


def test_dispatch_refuses_the_same_unit_twice_and_an_empty_list(demo, new_case):
    case = new_case()
    before = db_state()
    with pytest.raises(Invalid, match="twice"):
        services.assignment_dispatch(case=case, units=[demo.amb1010, demo.amb1010],
                                     by=demo.anna)
    with pytest.raises(Invalid, match="at least one"):
        services.assignment_dispatch(case=case, units=[], by=demo.anna)
    assert db_state() == before


def test_dispatch_refuses_a_closed_case_a_referral_and_an_out_of_service_unit(demo, new_case):
    closed = new_case()
    services.case_close(case=closed, by=demo.anna)
    referral = new_case(priority="referral", mbs_priority="referral",
                        referred_to="Vårdcentralen Skultuna")
    Unit.objects.filter(pk=demo.amb1020.pk).update(in_service=False)
    open_case = new_case()
    before = db_state()
    with pytest.raises(Conflict, match="closed"):
        services.assignment_dispatch(case=closed, units=[demo.amb1010], by=demo.anna)
    with pytest.raises(Conflict, match="referral"):
        services.assignment_dispatch(case=referral, units=[demo.amb1010], by=demo.anna)
    with pytest.raises(Invalid, match="out of service"):
        services.assignment_dispatch(case=open_case, units=[demo.amb1020], by=demo.anna)
    assert db_state() == before


def test_first_alert_is_set_once(demo, new_case):
    case = new_case()
    services.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    first = timezone.now() - timedelta(minutes=3)
    Case.objects.filter(pk=case.pk).update(first_alert_at=first)
    services.assignment_dispatch(case=case, units=[demo.amb1020], by=demo.anna)
    assert Case.objects.get(pk=case.pk).first_alert_at == first


def test_acknowledging_stops_the_ack_timer_and_starts_the_status_warning(demo, dispatched):
    assignment = dispatched("alerted")
    acked = services.assignment_acknowledge(assignment=assignment, by=demo.sara)
    assert acked.status == "acknowledged" and acked.acknowledged_at is not None
    assert not pending(ACK_TIMER, assignment).exists()
    warning = pending(STATUS_TIMER, assignment).get()
    assert warning.payload == {"status": "acknowledged"}
    assert warning.due_at == acked.status_changed_at + timedelta(seconds=120)


def test_a_second_acknowledgement_is_refused(demo, dispatched):
    assignment = dispatched("acknowledged")
    before = db_state()
    with pytest.raises(Conflict, match="Already acknowledged"):
        services.assignment_acknowledge(assignment=assignment, by=demo.sara)
    assert db_state() == before


def test_an_ended_assignment_cannot_be_acknowledged(demo, dispatched):
    assignment = dispatched("cancelled")
    with pytest.raises(Conflict, match="nothing to acknowledge"):
        services.assignment_acknowledge(assignment=assignment, by=demo.sara)


def test_unit_is_free_for_a_new_case_once_the_assignment_is_done(demo, dispatched, new_case):
    dispatched("available")
    assert Unit.objects.get(pk=demo.amb1010.pk).status == "available"
    [again] = services.assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)
    assert again.status == "alerted"


# --- redirect ------------------------------------------------------------------------------


@pytest.mark.parametrize("current", ["alerted", "acknowledged", "en_route"])
def test_a_unit_is_redirected_to_a_new_priority_one_case(demo, dispatched, new_case, current):
    old = dispatched(current, priority="2A", priority_change_reason="Stabil enligt inringare")
    urgent = new_case(complaint="Medvetslös")
    new = services.assignment_redirect(assignment=old, to_case=urgent, by=demo.anna)
    old.refresh_from_db()
    urgent.refresh_from_db()
    assert old.status == "redirected" and old.redirected_to_id == new.pk
    assert old.redirected_at == new.alerted_at == urgent.first_alert_at
    assert new.status == "alerted" and new.case_id == urgent.pk and new.unit_id == old.unit_id
    assert Unit.objects.get(pk=demo.amb1010.pk).status == "alerted"
    assert not pending(ACK_TIMER, old).exists() and not pending(STATUS_TIMER, old).exists()
    assert pending(ACK_TIMER, new).exists()


def test_redirect_keeps_an_existing_first_alert_of_the_new_case(demo, dispatched, new_case):
    old = dispatched(priority="1B", priority_change_reason="Lugnare enligt SOS")
    urgent = new_case()
    services.assignment_dispatch(case=urgent, units=[demo.amb1020], by=demo.anna)
    first = timezone.now() - timedelta(minutes=1)
    Case.objects.filter(pk=urgent.pk).update(first_alert_at=first)
    services.assignment_redirect(assignment=old, to_case=urgent, by=demo.anna)
    assert Case.objects.get(pk=urgent.pk).first_alert_at == first


@pytest.mark.parametrize(
    ("old_priority", "new_priority", "message"),
    [("2A", "2A", "1A or 1B"), ("2A", "3", "1A or 1B"), ("1A", "1A", "not higher"),
     ("1A", "1B", "not higher"), ("1B", "1B", "not higher"), ("2B", "referral", "1A or 1B")],
)
def test_redirect_only_to_a_priority_one_case_of_higher_priority(
    demo, dispatched, new_case, old_priority, new_priority, message
):
    reason = {"priority_change_reason": "Bedömning"}
    old = dispatched(priority=old_priority, **reason)
    target = new_case(priority=new_priority, **reason)
    before = db_state()
    with pytest.raises(Conflict, match=message):
        services.assignment_redirect(assignment=old, to_case=target, by=demo.anna)
    assert db_state() == before


def test_redirect_is_refused_to_the_same_or_a_closed_case_and_once_on_scene(
    demo, dispatched, new_case
):
    reason = {"priority_change_reason": "Bedömning", "priority": "2A"}
    old = dispatched(**reason)
    closed = new_case()
    services.case_close(case=closed, by=demo.anna)
    on_scene = dispatched("on_scene", unit=demo.amb1020, **reason)
    urgent = new_case()
    before = db_state()
    with pytest.raises(Conflict, match="already on this case"):
        services.assignment_redirect(assignment=old, to_case=old.case, by=demo.anna)
    with pytest.raises(Conflict, match="closed"):
        services.assignment_redirect(assignment=old, to_case=closed, by=demo.anna)
    with pytest.raises(Conflict, match="Cannot go from on scene"):
        services.assignment_redirect(assignment=on_scene, to_case=urgent, by=demo.anna)
    assert db_state() == before


def test_only_a_dispatcher_redirects(demo, dispatched, new_case):
    old = dispatched(priority="2A", priority_change_reason="Bedömning")
    urgent = new_case()
    before = db_state()
    with pytest.raises(Forbidden):
        services.assignment_redirect(assignment=old, to_case=urgent, by=demo.sara)
    assert db_state() == before


# --- cases ---------------------------------------------------------------------------------


def test_a_registered_case_gets_a_reference_and_is_announced(demo, new_case):
    case = new_case()
    assert case.reference == f"VML-{timezone.now():%y%m%d}-{case.pk:06d}"
    assert case.call_received_at == case.call_answered_at
    assert case.first_alert_at is None
    announced = Event.objects.get(stream="dispatch", type="case.created")
    assert announced.data["id"] == case.pk and "personal_identity_number" not in announced.data


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_priority_other_than_mbs_needs_a_reason(demo, new_case, reason):
    with pytest.raises(Invalid, match="priority_change_reason"):
        new_case(priority="2A", mbs_priority="1A", priority_change_reason=reason)
    assert not Case.objects.exists()


def test_a_priority_change_on_a_case_needs_a_reason(demo, new_case):
    case = new_case()
    before = db_state()
    with pytest.raises(Invalid, match="priority_change_reason"):
        services.case_update(case=case, by=demo.anna, priority="2B")
    assert db_state() == before
    services.case_update(case=case, by=demo.anna, priority="2B",
                         priority_change_reason="Vaken och orienterad")
    case.refresh_from_db()
    assert (case.priority, case.priority_change_reason) == ("2B", "Vaken och orienterad")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"latitude": 91}, "Latitude"),
        ({"longitude": -181}, "longitude"),
        ({"latitude": "north"}, "numbers"),
        ({"priority": "0", "mbs_priority": "0"}, "mbs_priority must be one of"),
        ({"call_received_at": "later"}, "call_received_at"),
        ({"call_answered_at": "future"}, "future"),
    ],
)
def test_case_registration_refuses_bad_fields(demo, new_case, fields, message):
    now = timezone.now()
    fields = dict(fields)
    if fields.get("call_received_at") == "later":
        fields["call_answered_at"] = now - timedelta(seconds=10)
        fields["call_received_at"] = now - timedelta(seconds=5)
    if fields.get("call_answered_at") == "future":
        fields["call_answered_at"] = now + timedelta(minutes=5)
    with pytest.raises(Invalid, match=message):
        new_case(**fields)
    assert not Case.objects.exists()


def test_a_case_closes_only_when_no_unit_is_on_it(demo, dispatched):
    assignment = dispatched("on_scene")
    case = assignment.case
    with pytest.raises(Conflict, match="still on assignment"):
        services.case_close(case=case, by=demo.anna)
    services.assignment_status_change(assignment=assignment, status="available", by=demo.sara)
    closed = services.case_close(case=case, by=demo.anna)
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(Conflict, match="already closed"):
        services.case_close(case=case, by=demo.anna)
    with pytest.raises(Conflict, match="closed"):
        services.case_update(case=case, by=demo.anna, notes="efterhand")


def test_the_path_helper_reaches_every_status(demo, dispatched):
    for status in PATH_TO:
        unit = Unit.objects.filter(status="available", kind="ambulance").first()
        crew_join(user=demo.maria, unit=unit)  # manned: dispatchable without a reason
        assert dispatched(status, unit=unit).status == status


def test_status_times_never_go_backwards_after_a_fast_device_clock(demo, dispatched):
    """A device clock a little ahead (within the allowed skew) stamps the acknowledgement;
    the next status without a time from the device must not be stamped before it."""
    assignment = dispatched("alerted")
    ahead = timezone.now() + timedelta(seconds=45)
    services.assignment_status_change(assignment=assignment, status="acknowledged",
                                      by=demo.sara, at=ahead)
    services.assignment_status_change(assignment=assignment, status="cancelled", by=demo.anna)
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.acknowledged_at == ahead
    assert stored.cancelled_at >= stored.acknowledged_at
    assert stored.status_changed_at == stored.cancelled_at


def streams_locked(action) -> list[str]:
    """The event streams whose rows `action` locks (reserving event numbers), in the order it
    first locks each. Two transactions that both lock in name order never wait crosswise."""
    with CaptureQueriesContext(connection) as queries:
        action()
    order: list[str] = []
    for query in queries:
        if query["sql"].startswith('UPDATE "realtime_stream"'):
            found = re.search(r"WHERE name (?:= '([^']+)'|IN \(([^)]*)\))", query["sql"])
            names = [found[1]] if found[1] else re.findall(r"'([^']+)'", found[2])
            order += [name for name in sorted(names) if name not in order]
    return order


def test_a_status_change_locks_its_streams_in_name_order_as_a_dispatch_does(demo, dispatched):
    """The unit's events and the assignment's in one batch (one statement locks the streams
    in name order). In two batches, the units stream before the dispatch stream, a status
    change deadlocked against a dispatch taking them in name order: the dispatch answered
    500."""
    assignment = dispatched("acknowledged")
    locked = streams_locked(lambda: services.assignment_status_change(
        assignment=assignment, status="en_route", by=demo.sara))
    unit = unit_stream(demo.amb1010.pk)
    assert locked == sorted(locked) == sorted(["dispatch", unit, "units"])


def test_a_redirect_locks_its_streams_in_name_order(demo, new_case, dispatched):
    old = dispatched(priority="2A", priority_change_reason="Stabil enligt inringare")
    locked = streams_locked(lambda: services.assignment_redirect(
        assignment=old, to_case=new_case(), by=demo.anna))
    assert locked == sorted(locked) and {"dispatch", "units"} <= set(locked)


def test_a_dispatch_locks_its_streams_in_name_order(demo, new_case):
    case = new_case()
    locked = streams_locked(lambda: services.assignment_dispatch(
        case=case, units=[demo.amb1010, demo.amb3010], by=demo.anna))
    assert locked == sorted(locked) and {"dispatch", "units"} <= set(locked)


def test_a_case_change_told_to_two_crews_locks_its_streams_in_name_order(demo, new_case,
                                                                        dispatched):
    case = new_case()
    dispatched(unit=demo.amb1010, case=case)
    dispatched(unit=demo.amb3010, case=Case.objects.get(pk=case.pk))
    locked = streams_locked(lambda: services.case_update(
        case=Case.objects.get(pk=case.pk), by=demo.anna, door_code="4711"))
    units = {unit_stream(demo.amb1010.pk), unit_stream(demo.amb3010.pk)}
    assert locked == sorted(locked) and units | {"dispatch"} <= set(locked)
