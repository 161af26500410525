"""The dispatcher's MATCH carries the crews' acknowledgements (so a reloaded console still says
who read it); an acknowledgement reaches the unit's other devices; the notices API's refusals
name their fields; a notice entered or changed later finds the open cases it concerns; partners
get the notices changed since they last asked."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch import services as dispatch
from safety.models import NoticeMatch
from safety.services.matches import match_decide
from tests.safety.notice_helpers import VASAGATAN, notice_new

pytestmark = pytest.mark.django_db

AT_VASAGATAN = {"address": "Vasagatan 12, Västerås", "latitude": VASAGATAN[1] + 0.0003,
                "longitude": VASAGATAN[2]}


def _applied(demo, new_case, *, notices=1):
    for n in range(notices):
        notice_new(demo, category=["weapon", "threat", "violence"][n])
    case = new_case(personal_identity_number="", **AT_VASAGATAN)
    [assignment] = dispatch.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    matches = list(NoticeMatch.objects.filter(case=case))
    for match in matches:
        match_decide(match=match, decision="applied", by=demo.anna)
    return case, assignment, matches


def _acknowledge(api, demo, match, assignment):
    response = api(demo.sara).post(f"/api/safety/matches/{match.pk}/acknowledge/",
                                   {"assignment": assignment.pk}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_dispatchers_match_says_which_unit_acknowledged_and_when(demo, new_case, api):
    case, assignment, [match] = _applied(demo, new_case)
    before = api(demo.anna).get(f"/api/safety/notices/?case={case.pk}").json()
    assert before["matches"][0]["acknowledgements"] == []
    ack = _acknowledge(api, demo, match, assignment)
    after = api(demo.anna).get(f"/api/safety/notices/?case={case.pk}").json()
    assert after["matches"][0]["acknowledgements"] == [{
        "assignment": assignment.pk, "unit_call_sign": "AMB 1010",
        "acknowledged_at": ack["acknowledged_at"], "by_name": str(demo.sara)}]


def test_the_acknowledgements_are_read_without_a_query_per_match(demo, new_case, api):
    case, assignment, matches = _applied(demo, new_case, notices=3)
    assert len(matches) == 3
    _acknowledge(api, demo, matches[0], assignment)
    client = api(demo.anna)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/api/safety/notices/?case={case.pk}")
    for match in matches[1:]:
        _acknowledge(api, demo, match, assignment)
    with CaptureQueriesContext(connection) as three:
        answer = client.get(f"/api/safety/notices/?case={case.pk}").json()
    assert all(m["acknowledgements"] for m in answer["matches"])
    assert len(three) == len(one)


def test_an_acknowledgement_reaches_the_units_other_devices_and_the_consoles(demo, new_case,
                                                                             api):
    from crews.streams import unit_stream
    from realtime.models import Event

    case, assignment, [match] = _applied(demo, new_case)
    ack = _acknowledge(api, demo, match, assignment)
    expected = {"match": match.pk, "case": case.pk, "assignment": assignment.pk,
                "unit": demo.amb1010.pk, "unit_call_sign": "AMB 1010",
                "acknowledged_at": ack["acknowledged_at"], "by_name": str(demo.sara)}
    on_unit = Event.objects.get(stream=unit_stream(demo.amb1010.pk),
                                type="safety.notice_acknowledged")
    on_dispatch = Event.objects.get(stream="dispatch", type="safety.notice_acknowledged")
    assert on_unit.data == on_dispatch.data == expected
    _acknowledge(api, demo, match, assignment)  # the replay tells nobody again
    assert Event.objects.filter(type="safety.notice_acknowledged").count() == 2


# --- refusals by field ----------------------------------------------------------------------


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"category": ""}, "category", "Choose the risk: Threat, Violence, Weapon,"),
    ({"action": None}, "action", "Choose what the crew should do: Police first,"),
    ({"category": "ghost"}, "category", "Choose the risk: Threat,"),
    ({"valid_until": None}, "valid_until", "Say until when the notice holds"),
    ({"radius_m": 50_000}, "radius_m", "at most 2000 metres"),
    ({"latitude": "north"}, "latitude", ""),
    ({"longitude": 200}, "longitude", ""),
    ({"valid_until": "2001-01-01T00:00:00Z"}, "valid_until", "This time has passed"),
    ({"personal_identity_number": "19121212-1213"}, "personal_identity_number",
     "YYYYMMDD-NNNN"),
    ({"address": "", "personal_identity_number": ""}, "address", "an address, or a personal"),
])
def test_a_refused_notice_names_the_field_to_fix(demo, api, change, field, words):
    from tests.safety.notice_helpers import notice_payload

    payload = notice_payload(demo.vml, **change)
    payload = {k: v for k, v in payload.items() if v is not None}
    response = api(demo.anna).post("/api/safety/notices/", payload, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert set(body["errors"]) == {field}, body
    [message] = body["errors"][field]
    assert words in message and f"({field})" not in message
    assert body["detail"]


def test_a_refused_change_names_its_field_and_the_limit(demo, api):
    notice = notice_new(demo)
    response = api(demo.anna).patch(f"/api/safety/notices/{notice.pk}/",
                                    {"version": notice.version, "radius_m": 9_999},
                                    format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"radius_m": [
        "The radius is at most 2000 metres; 0 ties the notice to the address only."]}


# --- a notice that starts to match finds the open cases ---------------------------------------


STORA_TORGET = (59.6099, 16.5448)  # the world's case (tests.conftest.case_payload)


def _found_events(case):
    from realtime.models import Event

    return [e for e in Event.objects.filter(stream="dispatch", type="safety.matches_found")
            if e.data["case"] == case.pk]


def test_a_notice_entered_without_a_case_matches_the_open_cases_at_once(demo, new_case, api):
    from dispatch.services import case_close

    at_place = new_case(personal_identity_number="")
    about_person = new_case(address="Kopparbergsvägen 10, Västerås", latitude=59.6230,
                            longitude=16.5000)
    closed = new_case(personal_identity_number="")
    case_close(case=closed, by=demo.anna)
    far = new_case(personal_identity_number="", address="Kungsgatan 1, Uppsala",
                   latitude=59.8586, longitude=17.6389)
    response = api(demo.anna).post("/api/safety/notices/", {
        "address": "Stora torget 1, Västerås", "latitude": STORA_TORGET[0],
        "longitude": STORA_TORGET[1], "radius_m": 100,
        "personal_identity_number": "19121212-1212", "category": "weapon",
        "action": "police_first", "valid_until": "2099-01-01T00:00:00Z",
        "region": demo.vml.pk}, format="json")
    assert response.status_code == 201, response.json()
    notice = response.json()["id"]
    matched = {m.case_id: m for m in NoticeMatch.objects.filter(notice_id=notice)}
    assert set(matched) == {at_place.pk, about_person.pk}
    assert matched[at_place.pk].reasons == ["address", "radius"]
    assert matched[about_person.pk].reasons == ["person"]
    assert matched[at_place.pk].decision == "pending"
    [event] = _found_events(at_place)
    assert [m["notice"]["id"] for m in event.data["matches"]] == [notice]
    assert _found_events(far) == [] and _found_events(closed) == []


def test_a_case_older_than_the_open_case_window_is_not_matched(demo, new_case, clock,
                                                               settings):
    settings.SAFETY_NOTICE_OPEN_CASE_HOURS = 24
    old = new_case(personal_identity_number="")
    clock.advance(25 * 3600)
    recent = new_case(personal_identity_number="")
    notice_new(demo, address="Stora torget 1, Västerås", latitude=STORA_TORGET[0],
               longitude=STORA_TORGET[1])
    assert set(NoticeMatch.objects.values_list("case_id", flat=True)) == {recent.pk}
    assert old.pk != recent.pk


def test_a_notice_approved_at_review_matches_the_open_cases(demo, new_case, api):
    from safety.models import NoticeState

    case = new_case(personal_identity_number="", **AT_VASAGATAN)
    notice = notice_new(demo, state=NoticeState.PROPOSED)
    assert not NoticeMatch.objects.exists()  # proposed: matches nothing yet
    response = api(demo.greta).post(f"/api/safety/notices/{notice.pk}/review/",
                                    {"decision": "approve"}, format="json")
    assert response.status_code == 200, response.json()
    assert NoticeMatch.objects.get(notice=notice).case_id == case.pk
    assert len(_found_events(case)) == 1


def test_a_notice_moved_by_a_change_matches_the_open_cases_there_once(demo, new_case, api):
    case = new_case(personal_identity_number="")  # Stora torget 1, ~300 m from Vasagatan 12
    notice = notice_new(demo)
    assert not NoticeMatch.objects.exists()
    client = api(demo.anna)
    changed = client.patch(f"/api/safety/notices/{notice.pk}/",
                           {"version": 1, "radius_m": 500}, format="json")
    assert changed.status_code == 200, changed.json()
    assert NoticeMatch.objects.get(notice=notice).case_id == case.pk
    client.patch(f"/api/safety/notices/{notice.pk}/",
                 {"version": 2, "radius_m": 600}, format="json")
    assert NoticeMatch.objects.filter(notice=notice).count() == 1
    assert len(_found_events(case)) == 1


def test_the_open_cases_are_found_in_one_query(demo, new_case):
    from safety.services.matching import open_cases_matching

    for _ in range(3):
        new_case(personal_identity_number="", **AT_VASAGATAN)
    notice = notice_new(demo)
    with CaptureQueriesContext(connection) as queries:
        found = open_cases_matching(notice=notice)
    assert len(found) == 3 and len(queries) == 1


# --- partners: ?since= reads every change -----------------------------------------------------


@pytest.fixture
def police(demo):
    from rest_framework.test import APIClient

    from safety.demo_partners import partners_seed

    _partner, key = partners_seed()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_partner_asking_since_gets_the_notices_changed_after_it(demo, police, api, clock):
    from safety.services.notices import notice_update

    edited = notice_new(demo, shareable=True)
    untouched = notice_new(demo, shareable=True)
    clock.advance(1)
    first = police.get("/api/safety/notices/").json()
    assert {n["id"] for n in first["notices"]} == {edited.pk, untouched.pk}
    clock.advance(60)
    notice_update(notice=edited, version=edited.version, action="staging", by=demo.anna)
    later = police.get("/api/safety/notices/", {"since": first["as_of"]}).json()
    assert [(n["id"], n["action"], n["version"]) for n in later["notices"]] == [
        (edited.pk, "staging", 2)]
    assert later["shared_ids"] == sorted([edited.pk, untouched.pk])


def test_a_notice_withdrawn_since_leaves_the_partners_ids(demo, police, api, clock):
    withdrawn = notice_new(demo, shareable=True)
    kept = notice_new(demo, shareable=True)
    clock.advance(1)
    first = police.get("/api/safety/notices/").json()
    clock.advance(60)
    response = api(demo.anna).post(f"/api/safety/notices/{withdrawn.pk}/withdraw/",
                                   {"reason": "Personen har flyttat"}, format="json")
    assert response.status_code == 200
    withdrawn.refresh_from_db()
    assert withdrawn.changed_at > withdrawn.entered_at
    later = police.get("/api/safety/notices/", {"since": first["as_of"]}).json()
    assert later["notices"] == [] and later["shared_ids"] == [kept.pk]


@pytest.mark.parametrize("step", ["review", "update"])
def test_every_change_of_a_notice_moves_its_changed_at(demo, clock, step):
    from safety.models import NoticeState
    from safety.services.notices import notice_review, notice_update

    notice = notice_new(demo, state=NoticeState.PROPOSED)
    assert notice.changed_at == notice.entered_at
    later = clock.advance(120)
    if step == "review":
        notice_review(notice=notice, decision="approve", by=demo.greta)
    else:
        notice_update(notice=notice, version=1, background="Ny uppgift", by=demo.anna)
    notice.refresh_from_db()
    assert notice.changed_at == later


def test_the_migration_backfills_changed_at_from_the_review_or_the_entry(demo, clock):
    import importlib
    from datetime import timedelta

    from django.apps import apps

    from safety.models import NoticeState, RiskNotice
    from safety.services.notices import notice_review

    migration = importlib.import_module("safety.migrations.0003_notice_changed_at")
    entered = notice_new(demo)
    reviewed = notice_new(demo, state=NoticeState.PROPOSED)
    clock.advance(300)
    notice_review(notice=reviewed, decision="approve", by=demo.greta)
    RiskNotice.objects.update(changed_at=clock.now + timedelta(days=9))
    migration.changed_at_backfill(apps, None)
    entered.refresh_from_db()
    reviewed.refresh_from_db()
    assert entered.changed_at == entered.entered_at
    assert reviewed.changed_at == reviewed.reviewed_at != reviewed.entered_at


def test_the_records_names_in_the_admin_hold_no_patient_data(demo, new_case, api):
    from safety.models import CrewReport, NoticeAcknowledgement

    case, assignment, [match] = _applied(demo, new_case)
    _acknowledge(api, demo, match, assignment)
    report = api(demo.sara).post("/api/safety/reports/", {
        "assignment": assignment.pk, "category": "threat", "violence_happened": False,
        "description": "Tolvan hotade oss", "idempotency_key": "report-str-0001"},
        format="json")
    assert report.status_code == 201, report.json()
    names = [str(match), str(NoticeAcknowledgement.objects.get()), str(CrewReport.objects.get())]
    assert str(case.pk) in names[0] and "Threat" in names[2]
    for name in names:
        for secret in ("Tolvan", "19121212", "Vasagatan", case.address):
            assert secret not in name
