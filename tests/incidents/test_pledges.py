"""Pledges (*utlovade resurser*) against the rule (at least INCIDENT_PLEDGE_MINIMUM secondary
transports per region), their bad input, replays and withdrawal, and the units of this
centre's own regions held for the incident: not recommended for other cases and sent there
only with an override reason, but free to go to the incident's own cases."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dispatch.holds import units_held as dispatch_units_held
from dispatch.models import Assignment
from incidents.models import (
    AlarmRegion,
    IncidentLogEntry,
    IncidentState,
    MajorIncident,
    Pledge,
)
from incidents.selectors.log import log_text
from incidents.selectors.pledges import pledges_by_region, units_held
from incidents.services.pledges import RULE_MET_LOG, pledge_record
from incidents.streams import INCIDENTS_STREAM
from realtime.models import Event


@pytest.fixture(autouse=True)
def pledge_settings(settings):
    settings.INCIDENT_PLEDGE_MINIMUM = 5
    settings.ASSIGNMENT_ACK_TIMEOUT_SECONDS = 3600


def alarm_region_for(region, *, code: str) -> AlarmRegion:
    """The alarm region of one of this centre's regions (the demo's, when it has one)."""
    return AlarmRegion.objects.filter(region=region).first() or AlarmRegion.objects.create(
        code=code, name=f"Region {region.name}", region=region)


@pytest.fixture
def world(demo, new_case):
    """A confirmed incident (a bus crash on E18) with one case, Västmanland (this centre's
    own, AMB 1010's) and Dalarna (another centre's: counts only) among the regions."""
    now = timezone.now()
    tove = demo.users["tove"]
    incident = MajorIncident.objects.create(
        title="Bussolycka E18", state=IncidentState.CONFIRMED, region=demo.vml,
        raised_by=demo.anna, raised_at=now, confirmed_by=tove, confirmed_at=now)
    own_case = new_case(complaint="Buss i diket, många skadade")
    incident.cases.add(own_case)
    vml = alarm_region_for(demo.vml, code="TVML")
    dal = AlarmRegion.objects.filter(region__isnull=True).first() or AlarmRegion.objects.create(
        code="TDAL", name="Region Dalarna")
    return type("World", (), dict(incident=incident, own_case=own_case, vml=vml, dal=dal,
                                  tove=tove))


def pledge(api, user, incident, **body):
    return api(user).post(f"/api/incidents/{incident.pk}/pledges/", body, format="json")


def region_row(api, user, incident, alarm_region) -> dict:
    response = api(user).get(f"/api/incidents/{incident.pk}/pledges/")
    assert response.status_code == 200, response.content
    return next(r for r in response.json()["regions"] if r["id"] == alarm_region.pk)


# --- the rule -------------------------------------------------------------------------------


def test_three_ambulances_and_two_ambulance_buses_meet_the_rule(demo, api, world):
    first = pledge(api, demo.anna, world.incident, alarm_region=world.dal.pk, kind="ambulance",
                   count=3, report_to="Brytpunkt Avesta", by_name="TiB Dalarna")
    assert first.status_code == 201, first.content
    assert (first.json()["kind_text"], first.json()["via"], first.json()["pledged_by"]) == (
        "Ambulance", "phone", "TiB Dalarna")
    row = region_row(api, demo.anna, world.incident, world.dal)
    assert (row["pledged"], row["rule_met"]) == (3, False)

    second = pledge(api, world.tove, world.incident, alarm_region=world.dal.pk,
                    kind="ambulance_bus", count=2, via="app")
    assert second.status_code == 201, second.content
    row = region_row(api, world.tove, world.incident, world.dal)
    assert (row["pledged"], row["rule_met"], len(row["pledges"])) == (5, True, 2)
    reached = IncidentLogEntry.objects.get(incident=world.incident, kind=RULE_MET_LOG)
    assert reached.alarm_region == world.dal and reached.data["reached"] is True
    assert log_text(reached) == "Region Dalarna has reached at least 5 secondary transports"

    # A sixth changes nothing in the log: the time it was first reached stays.
    pledge(api, demo.anna, world.incident, alarm_region=world.dal.pk, kind="intensive_care",
           count=1)
    assert IncidentLogEntry.objects.filter(kind=RULE_MET_LOG).count() == 1
    assert region_row(api, demo.anna, world.incident, world.dal)["pledged"] == 6
    events = Event.objects.filter(stream=INCIDENTS_STREAM, type="incident.pledge")
    assert events.count() == 3
    assert events.first().data["incident"]["id"] == world.incident.pk


def test_helicopters_and_material_do_not_count_toward_the_rule(demo, api, world):
    for kind, count in (("ambulance", 4), ("helicopter", 2), ("material", 3)):
        assert pledge(api, demo.anna, world.incident, alarm_region=world.dal.pk, kind=kind,
                      count=count).status_code == 201
    row = pledges_by_region(incident=world.incident)[world.dal.pk]
    assert (row["pledged"], row["rule_met"], len(row["pledges"])) == (4, False, 3)
    assert not IncidentLogEntry.objects.filter(kind=RULE_MET_LOG).exists()
    # Every configured region is listed, those that pledged nothing too.
    assert pledges_by_region(incident=world.incident)[world.vml.pk] == {
        "pledged": 0, "rule_met": False, "pledges": []}


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "words"), [
    ({"alarm_region": 999999, "kind": "ambulance", "count": 2}, "Unknown region"),
    ({"alarm_region": "Gotland", "kind": "ambulance", "count": 2}, "Unknown region"),
    ({"kind": "ambulance", "count": -2}, "at least 1"),
    ({"kind": "ambulance", "count": 0}, "at least 1"),
    ({"kind": "ambulance", "count": 2.5}, "whole number"),
    ({"kind": "ambulance"}, "how many"),
    ({"kind": "tank", "count": 2}, "ambulance bus (ambulance_bus)"),
    ({"kind": "ambulance", "count": 2, "via": "api"}, "via"),
])
def test_bad_input_is_a_400_that_says_what_is_wrong(demo, api, world, body, words):
    response = pledge(api, demo.anna, world.incident, **{"alarm_region": world.dal.pk, **body})
    assert response.status_code == 400, response.content
    assert words in response.json()["detail"]
    assert not Pledge.objects.exists()


def test_a_region_pledges_only_its_own_units(demo, api, world):
    foreign = pledge(api, demo.anna, world.incident, alarm_region=world.vml.pk,
                     kind="ambulance", units=[demo.amb3010.pk])  # Uppsala's
    assert foreign.status_code == 400
    assert "AMB 3010: not a unit of Region" in foreign.json()["detail"]
    not_ours = pledge(api, demo.anna, world.incident, alarm_region=world.dal.pk,
                      kind="ambulance", units=[demo.amb1010.pk])
    assert not_ours.status_code == 400
    assert "not one of this centre's regions" in not_ours.json()["detail"]
    named = pledge(api, demo.anna, world.incident, alarm_region=world.vml.pk,
                   kind="ambulance", units=[demo.amb1010.pk, demo.amb1020.pk])
    assert named.status_code == 201, named.content
    assert named.json()["count"] == 2  # no count: the units named
    assert [u["call_sign"] for u in named.json()["units"]] == ["AMB 1010", "AMB 1020"]
    again = pledge(api, demo.anna, world.incident, alarm_region=world.vml.pk,
                   kind="ambulance", units=[demo.amb1010.pk])
    assert again.status_code == 400 and "Already pledged" in again.json()["detail"]


@pytest.mark.parametrize("state", [IncidentState.RAISED, IncidentState.STOOD_DOWN,
                                   IncidentState.REJECTED])
def test_an_incident_not_confirmed_takes_no_pledge(demo, api, world, state):
    MajorIncident.objects.filter(pk=world.incident.pk).update(state=state)
    response = pledge(api, demo.anna, world.incident, alarm_region=world.dal.pk,
                      kind="ambulance", count=5)
    assert response.status_code == 409
    assert "pledge" in response.json()["detail"]
    assert not Pledge.objects.exists()


def test_the_crew_may_not_record_a_pledge(demo, api, world):
    response = pledge(api, demo.sara, world.incident, alarm_region=world.dal.pk,
                      kind="ambulance", count=5)
    assert response.status_code == 403
    assert not Pledge.objects.exists()


# --- replay and withdrawal ------------------------------------------------------------------


def test_a_replay_with_the_same_key_answers_the_first_pledge(demo, api, world):
    key = f"pledge-{uuid.uuid4().hex[:16]}"
    body = {"alarm_region": world.dal.pk, "kind": "ambulance", "count": 3,
            "idempotency_key": key}
    first = pledge(api, demo.anna, world.incident, **body)
    replay = pledge(api, demo.anna, world.incident, **body)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json()["id"] == first.json()["id"]
    assert Pledge.objects.count() == 1
    assert IncidentLogEntry.objects.filter(kind="pledge").count() == 1


def test_a_withdrawn_pledge_no_longer_counts_and_is_kept(demo, api, world):
    pledge(api, demo.anna, world.incident, alarm_region=world.dal.pk, kind="ambulance",
           count=3)
    buses = pledge(api, demo.anna, world.incident, alarm_region=world.dal.pk,
                   kind="ambulance_bus", count=2).json()
    assert region_row(api, demo.anna, world.incident, world.dal)["rule_met"] is True
    url = f"/api/incidents/{world.incident.pk}/pledges/{buses['id']}/withdraw/"
    response = api(world.tove).post(url, {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["withdrawn_at"] is not None
    row = region_row(api, demo.anna, world.incident, world.dal)
    assert (row["pledged"], row["rule_met"]) == (3, False)
    assert [p["withdrawn_at"] is not None for p in row["pledges"]] == [False, True]
    assert IncidentLogEntry.objects.filter(kind="pledge_withdrawn").count() == 1
    # Another incident's pledge is not found under this one.
    other = api(world.tove).post(
        f"/api/incidents/{world.incident.pk + 1}/pledges/{buses['id']}/withdraw/")
    assert other.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_pledges_at_once_are_one_per_key_and_the_rule_is_logged_once(demo, api, world):
    """A real race on PostgreSQL (three connections); on SQLite, which has one writer, the
    same calls one after the other."""
    same, other = f"pledge-{uuid.uuid4().hex[:16]}", f"pledge-{uuid.uuid4().hex[:16]}"
    keys = {"first": same, "replay": same, "other": other}
    answers = {}
    start = threading.Barrier(len(keys) if connection.vendor == "postgresql" else 1)

    def send(name):
        try:
            start.wait(timeout=60)
            answers[name] = pledge(api, demo.anna, world.incident, alarm_region=world.dal.pk,
                                   kind="ambulance", count=3, idempotency_key=keys[name])
        finally:
            if connection.vendor == "postgresql":
                connections.close_all()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=send, args=(name,)) for name in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    else:
        for name in keys:
            send(name)
    assert sorted(a.status_code for a in answers.values()) == [200, 201, 201]
    assert answers["first"].json()["id"] == answers["replay"].json()["id"]
    assert Pledge.objects.count() == 2
    assert pledges_by_region(incident=world.incident)[world.dal.pk]["pledged"] == 6
    assert IncidentLogEntry.objects.filter(kind=RULE_MET_LOG).count() == 1


# --- held units -----------------------------------------------------------------------------


def recommended(api, user, case) -> dict[str, dict]:
    response = api(user).get(f"/api/cases/{case.pk}/recommendations/")
    assert response.status_code == 200, response.content
    return {r["call_sign"]: r for r in response.json()}


def dispatch(api, user, case, unit, **extra):
    return api(user).post(f"/api/cases/{case.pk}/dispatch/", {"units": [unit.pk], **extra},
                          format="json")


def test_a_pledged_unit_is_not_recommended_elsewhere_and_needs_an_override(
        demo, api, world, new_case):
    pledge_record(incident=world.incident, alarm_region=world.vml, kind="ambulance", count=None,
                  units=[demo.amb1010], via="phone", by=demo.anna)
    elsewhere = new_case(priority="1A", address="Vasagatan 2, Västerås")
    row = recommended(api, demo.anna, elsewhere)["AMB 1010"]
    assert row["selectable"] is False and row["fastest"] is False
    assert row["why_not"] == [{"code": "held",
                               "text": "Pledged to the major incident: Bussolycka E18"}]

    refused = dispatch(api, demo.anna, elsewhere, demo.amb1010)
    assert refused.status_code == 400
    assert "AMB 1010: Pledged to the major incident" in refused.json()["detail"]
    assert not Assignment.objects.filter(case=elsewhere).exists()
    sent = dispatch(api, demo.anna, elsewhere, demo.amb1010,
                    override_reason="Enda enheten inom 30 minuter")
    assert sent.status_code == 201, sent.content
    assert Assignment.objects.get(case=elsewhere).override_reason == (
        "Enda enheten inom 30 minuter")


def test_a_pledged_unit_goes_to_the_incidents_own_case_without_a_reason(demo, api, world):
    pledge_record(incident=world.incident, alarm_region=world.vml, kind="ambulance", count=1,
                  units=[demo.amb1010], via="phone", by=demo.anna)
    row = recommended(api, demo.anna, world.own_case)["AMB 1010"]
    assert row["selectable"] is True and row["why_not"] == []
    sent = dispatch(api, demo.anna, world.own_case, demo.amb1010)
    assert sent.status_code == 201, sent.content
    assert Assignment.objects.get(case=world.own_case).override_reason == ""


def test_standing_down_or_withdrawing_releases_the_held_units(demo, api, world, new_case):
    held, _ = pledge_record(incident=world.incident, alarm_region=world.vml, kind="ambulance",
                            count=1, units=[demo.amb1010], via="phone", by=demo.anna)
    pledge_record(incident=world.incident, alarm_region=world.vml, kind="ambulance", count=1,
                  units=[demo.amb1020], via="phone", by=demo.anna)
    assert set(units_held()) == {demo.amb1010.pk, demo.amb1020.pk}
    assert set(dispatch_units_held(unit_ids=[demo.amb1010.pk, demo.amb3010.pk])) == {
        demo.amb1010.pk}

    api(demo.anna).post(f"/api/incidents/{world.incident.pk}/pledges/{held.pk}/withdraw/")
    assert set(units_held()) == {demo.amb1020.pk}

    MajorIncident.objects.filter(pk=world.incident.pk).update(
        state=IncidentState.STOOD_DOWN, stood_down_at=timezone.now(), stood_down_by=world.tove)
    assert units_held() == {}
    elsewhere = new_case(priority="1A")
    assert recommended(api, demo.anna, elsewhere)["AMB 1020"]["selectable"] is True


def test_the_hold_lookup_of_a_ranking_is_one_query(demo, world):
    pledge_record(incident=world.incident, alarm_region=world.vml, kind="ambulance", count=2,
                  units=[demo.amb1010, demo.amb1020], via="phone", by=demo.anna)
    with CaptureQueriesContext(connection) as queries:
        held = dispatch_units_held(case_id=world.own_case.pk + 1)
    assert set(held) == {demo.amb1010.pk, demo.amb1020.pk}
    assert len(queries.captured_queries) == 1


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite has one writer: nothing to lock")
def test_the_named_units_are_locked_before_the_held_check(demo, api, world):
    """Two incidents' pledges of the same unit at once lock different incidents: the unit's
    own row is what makes the second wait and then find it held."""
    with CaptureQueriesContext(connection) as queries:
        answer = pledge(api, demo.anna, world.incident, alarm_region=world.vml.pk,
                        kind="ambulance", units=[demo.amb1010.pk])
    assert answer.status_code == 201, answer.content
    assert any('FROM "crews_unit"' in q["sql"] and "FOR UPDATE" in q["sql"]
               for q in queries.captured_queries)


def test_an_unknown_region_is_answered_with_the_regions_names(demo, api, world):
    answer = pledge(api, demo.anna, world.incident, alarm_region=999999, kind="ambulance",
                    count=2)
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert "/api/" not in detail
    assert world.dal.name in detail and world.vml.name in detail
