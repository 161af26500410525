"""Units and crews: joining and leaving, unit status, claims, positions."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import Conflict, Invalid
from crews import selectors, services
from crews.models import CrewShift, Unit
from realtime.models import Event


def unit_events(unit, type_=None):
    qs = Event.objects.filter(stream=f"unit.{unit.pk}").order_by("seq")
    return qs.filter(type=type_) if type_ else qs


def test_joining_a_unit_leaves_the_previous_one_and_is_announced(demo):
    old = CrewShift.objects.get(user=demo.sara, left_at__isnull=True)
    shift = services.crew_join(user=demo.sara, unit=demo.amb1020)
    old.refresh_from_db()
    assert old.unit_id == demo.amb1010.pk and old.left_at is not None
    assert shift.unit_id == demo.amb1020.pk and shift.left_at is None
    assert selectors.unit_of_user(user=demo.sara) == demo.amb1020
    [joined] = [e for e in unit_events(demo.amb1020, "crew.joined")
                if e.data["user"] == demo.sara.pk]
    assert joined.data == {"unit": demo.amb1020.pk, "user": demo.sara.pk,
                           "name": "Sara Nilsson"}
    assert list(selectors.unit_crew(unit=demo.amb1010)) == []


def test_joining_the_same_unit_again_changes_nothing(demo):
    shift = CrewShift.objects.get(user=demo.sara, left_at__isnull=True)
    events = Event.objects.count()
    assert services.crew_join(user=demo.sara, unit=demo.amb1010) == shift
    assert Event.objects.count() == events
    assert CrewShift.objects.filter(user=demo.sara).count() == 1


@pytest.mark.parametrize("who", ["anna", "lars", "karin", "admin"])
def test_only_crew_members_join_units(demo, who):
    with pytest.raises(Conflict, match="Only crew members"):
        services.crew_join(user=getattr(demo, who), unit=demo.amb1020)
    assert not CrewShift.objects.filter(user=getattr(demo, who)).exists()


def test_a_user_has_at_most_one_open_shift(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        CrewShift.objects.create(user=demo.sara, unit=demo.amb1020, joined_at=timezone.now())


def test_leaving_ends_the_shift_and_is_announced(demo):
    shift = services.crew_leave(user=demo.sara)
    assert shift.left_at is not None
    assert selectors.unit_of_user(user=demo.sara) is None
    assert unit_events(demo.amb1010, "crew.left").get().data["user"] == demo.sara.pk
    with pytest.raises(Conflict, match="not on a unit"):
        services.crew_leave(user=demo.sara)


def test_the_crew_of_a_unit(demo):
    assert [s.user for s in selectors.unit_crew(unit=demo.amb1010)] == [demo.sara]
    services.crew_join(user=demo.maria, unit=demo.amb1010)
    assert {s.user for s in selectors.unit_crew(unit=demo.amb1010)} == {demo.sara, demo.maria}


def test_anonymous_has_no_shift():
    from django.contrib.auth.models import AnonymousUser

    assert selectors.crew_shift_open(user=AnonymousUser()) is None


def test_setting_a_status_is_published_to_the_console_and_the_unit(demo):
    at = timezone.now() - timedelta(seconds=5)
    unit = services.unit_status_set(unit=demo.amb1020, status="en_route", at=at)
    assert (unit.status, unit.status_changed_at) == ("en_route", at)
    for stream in ("units", f"unit.{demo.amb1020.pk}"):
        event = Event.objects.filter(stream=stream, type="unit.updated").last()
        assert event.data["status"] == "en_route"
        assert event.data["call_sign"] == "AMB 1020"


def test_an_unknown_unit_status_is_refused(demo):
    with pytest.raises(Invalid, match="Unknown unit status"):
        services.unit_status_set(unit=demo.amb1020, status="napping")
    # Out of service is Unit.in_service (unit_service_set), not a status.
    with pytest.raises(Invalid, match="Unknown unit status"):
        services.unit_status_set(unit=demo.amb1020, status="out_of_service")
    assert Unit.objects.get(pk=demo.amb1020.pk).status == "available"


def test_a_unit_is_claimed_once_in_one_statement_that_returns_it(demo):
    at = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        [claimed] = services.units_claim_for_dispatch(unit_ids=[demo.amb1020.pk], at=at,
                                                      require_in_service=True)
    assert len(queries.captured_queries) == 1
    assert (claimed.pk, claimed.status, claimed.status_changed_at) == (demo.amb1020.pk,
                                                                       "alerted", at)
    assert claimed.call_sign == "AMB 1020" and claimed.is_manned is True
    assert claimed.capabilities == demo.amb1020.capabilities
    events = Event.objects.count()
    assert services.units_claim_for_dispatch(unit_ids=[demo.amb1020.pk], at=timezone.now(),
                                             require_in_service=True) == []
    assert Event.objects.count() == events
    assert Unit.objects.get(pk=demo.amb1020.pk).status_changed_at == at
    with pytest.raises(Conflict, match="AMB 1020"):
        raise services.unit_claim_refusal(unit_id=demo.amb1020.pk, require_in_service=True)


def test_a_claim_of_several_units_returns_those_claimed_and_leaves_the_others(demo):
    services.units_claim_for_dispatch(unit_ids=[demo.amb1020.pk], at=timezone.now(),
                                      require_in_service=True)
    claimed = services.units_claim_for_dispatch(
        unit_ids=[demo.amb4010.pk, demo.amb1020.pk, demo.amb1010.pk], at=timezone.now(),
        require_in_service=True)
    assert [u.pk for u in claimed] == [demo.amb4010.pk, demo.amb1010.pk]
    assert [u.is_manned for u in claimed] == [False, True]


def test_a_claim_that_requires_service_refuses_a_unit_taken_out_of_service(demo):
    services.unit_service_set(unit=demo.amb1020, in_service=False, note="Sanering")
    assert services.units_claim_for_dispatch(unit_ids=[demo.amb1020.pk], at=timezone.now(),
                                             require_in_service=True) == []
    with pytest.raises(services.UnitOutOfService, match="AMB 1020"):
        raise services.unit_claim_refusal(unit_id=demo.amb1020.pk, require_in_service=True)
    assert Unit.objects.get(pk=demo.amb1020.pk).status == "available"
    # Without the requirement (a dispatch with an override reason) it is claimed.
    [claimed] = services.units_claim_for_dispatch(unit_ids=[demo.amb1020.pk],
                                                  at=timezone.now(), require_in_service=False)
    assert claimed.status == "alerted"


def test_a_position_report_is_stored_and_published(demo):
    at = timezone.now() - timedelta(seconds=2)
    unit = services.unit_position_report(unit=demo.amb1010, latitude="59.62",
                                         longitude=16.55, at=at)
    assert (unit.latitude, unit.longitude, unit.position_at) == (59.62, 16.55, at)
    [event] = unit_events(demo.amb1010, "unit.updated")
    assert (event.data["latitude"], event.data["position_at"]) == (59.62, at.isoformat())


def test_a_position_report_reads_whether_the_unit_is_manned_with_its_row(demo):
    """The most frequent write of all: the event's `manned` comes with the locked row, not
    from a query of its own."""
    with CaptureQueriesContext(connection) as queries:
        services.unit_position_report(unit=demo.amb1010, latitude=59.62, longitude=16.55)
    shifts = [q["sql"] for q in queries.captured_queries if "crews_crewshift" in q["sql"]]
    assert len(shifts) == 1 and '"crews_unit"' in shifts[0].split("EXISTS")[0], shifts
    [event] = unit_events(demo.amb1010, "unit.updated")
    assert event.data["manned"] is True
    unmanned = demo.units["AMB 1110"]
    services.unit_position_report(unit=unmanned, latitude=59.6, longitude=16.5)
    [event] = unit_events(unmanned, "unit.updated")
    assert event.data["manned"] is False


def test_an_older_position_does_not_overwrite_a_newer_one(demo):
    now = timezone.now()
    services.unit_position_report(unit=demo.amb1010, latitude=59.6, longitude=16.5, at=now)
    events = Event.objects.count()
    for at in (now, now - timedelta(seconds=10)):
        unit = services.unit_position_report(unit=demo.amb1010, latitude=60.0, longitude=17.0,
                                             at=at)
        assert (unit.latitude, unit.longitude, unit.position_at) == (59.6, 16.5, now)
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [(90.0001, 16, "within"), (-91, 16, "within"), (59, 180.5, "within"), (59, -181, "within"),
     ("north", 16, "numbers"), (None, 16, "numbers"), (59, [16], "numbers"),
     (float("nan"), 16, "within"), (59, float("inf"), "within")],
)
def test_a_position_outside_the_valid_range_is_refused(demo, latitude, longitude, message):
    before = list(Unit.objects.filter(pk=demo.amb1010.pk).values())
    with pytest.raises(Invalid, match=message):
        services.unit_position_report(unit=demo.amb1010, latitude=latitude,
                                      longitude=longitude)
    assert list(Unit.objects.filter(pk=demo.amb1010.pk).values()) == before


def test_a_position_from_the_future_is_refused(demo):
    with pytest.raises(Invalid, match="future"):
        services.unit_position_report(unit=demo.amb1010, latitude=59, longitude=16,
                                      at=timezone.now() + timedelta(minutes=2))
    assert Unit.objects.get(pk=demo.amb1010.pk).position_at is None


@pytest.mark.parametrize("edge", [(90, 180), (-90, -180), (0, 0)])
def test_the_edges_of_the_range_are_valid(demo, edge):
    unit = services.unit_position_report(unit=demo.amb1010, latitude=edge[0],
                                         longitude=edge[1])
    assert (unit.latitude, unit.longitude) == edge


def test_a_unit_snapshot_holds_what_the_console_needs(demo):
    snapshot = services.unit_snapshot(demo.amb1010)
    assert set(snapshot) == {"id", "call_sign", "kind", "region", "home_station", "status",
                             "status_changed_at", "latitude", "longitude", "position_at",
                             "capabilities", "in_service", "service_note", "manned"}
    assert snapshot["manned"] is True and snapshot["in_service"] is True
    assert snapshot["capabilities"] == ["als"] and snapshot["region"] == demo.vml.pk
