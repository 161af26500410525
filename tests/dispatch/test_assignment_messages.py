"""Messages between a unit's crew and the dispatch centre on an assignment (*meddelanden*):
sent by either side, replayed from the tablet's outbox without a second message, acknowledged
by the other side only (the first acknowledgement stands), refused on an ended assignment and
for another unit's crew, live to both sides without their words, every read logged, and part
of the case's history."""

import uuid

import pytest

from audit.models import AccessLogEntry
from dispatch import services
from dispatch.models import AssignmentMessage
from dispatch.selectors import assignment_messages_for_case
from realtime.models import Event

from .helpers import assert_detail


def url(assignment, mid=None):
    base = f"/api/assignments/{assignment.pk}/messages/"
    return f"{base}{mid}/acknowledge/" if mid else base


def message_events(type):
    return list(Event.objects.filter(type=type).order_by("pk"))


def test_the_centre_writes_and_the_crew_acknowledges(demo, api, dispatched):
    assignment = dispatched("en_route")
    sent = api(demo.anna).post(url(assignment), {"text": "  Polis på väg,\nvänta vid  porten "},
                               format="json")
    assert sent.status_code == 201, sent.json()
    body = sent.json()
    assert body["text"] == "Polis på väg, vänta vid porten"
    assert body["from_crew"] is False and body["author_name"] == str(demo.anna)
    assert body["acknowledged_at"] is None

    listed = api(demo.sara).get(url(assignment))
    assert listed.status_code == 200
    assert [m["id"] for m in listed.json()] == [body["id"]]

    acked = api(demo.sara).post(url(assignment, body["id"]), format="json")
    assert acked.status_code == 200, acked.json()
    assert acked.json()["acknowledged_by_name"] == str(demo.sara)
    assert acked.json()["acknowledged_at"]
    message = AssignmentMessage.objects.get(pk=body["id"])
    assert message.acknowledged_by == demo.sara


def test_the_crew_writes_and_a_dispatcher_acknowledges_once(demo, api, dispatched):
    assignment = dispatched("on_scene")
    sent = api(demo.sara).post(url(assignment), {"text": "Behöver en till enhet"},
                               format="json")
    assert sent.status_code == 201
    mid = sent.json()["id"]
    assert sent.json()["from_crew"] is True
    first = api(demo.anna).post(url(assignment, mid), format="json")
    assert first.status_code == 200
    # A second dispatcher's (here: the administrator's) acknowledgement changes nothing.
    second = api(demo.admin).post(url(assignment, mid), format="json")
    assert second.status_code == 200
    assert second.json()["acknowledged_by_name"] == str(demo.anna)
    assert second.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    assert len(message_events("message.acknowledged")) == 2  # unit + console, once


def test_a_side_does_not_acknowledge_its_own_message(demo, api, dispatched):
    assignment = dispatched("en_route")
    mid = api(demo.sara).post(url(assignment), {"text": "Framme om 2 min"},
                              format="json").json()["id"]
    refused = api(demo.sara).post(url(assignment, mid), format="json")
    assert refused.status_code == 403
    assert_detail(refused, "other side")
    assert AssignmentMessage.objects.get(pk=mid).acknowledged_at is None


def test_a_replay_from_the_outbox_gives_the_same_message(demo, api, dispatched):
    assignment = dispatched("en_route")
    key = str(uuid.uuid4())
    payload = {"text": "Vi är framme", "idempotency_key": key}
    first = api(demo.sara).post(url(assignment), payload, format="json")
    again = api(demo.sara).post(url(assignment), payload, format="json")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replay"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert AssignmentMessage.objects.filter(assignment=assignment).count() == 1
    assert len(message_events("message.created")) == 2  # once to the unit, once to the console


def test_the_same_key_on_the_service_twice_makes_one_message(demo, dispatched):
    from dispatch.services.messages import assignment_message_send

    assignment = dispatched("en_route")
    first = assignment_message_send(assignment=assignment, by=demo.sara, text="Hej",
                                    idempotency_key="k-12345678")
    again = assignment_message_send(assignment=assignment, by=demo.sara, text="Hej",
                                    idempotency_key="k-12345678")
    assert first.pk == again.pk
    assert AssignmentMessage.objects.count() == 1


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "write the message"), ("   ", "write the message"), ("x" * 501, "500 characters")])
def test_an_empty_or_too_long_message_is_refused_with_a_reason(demo, api, dispatched, text,
                                                                fragment):
    assignment = dispatched("en_route")
    refused = api(demo.sara).post(url(assignment), {"text": text}, format="json")
    assert refused.status_code == 400
    assert fragment in str(refused.json()).lower()
    assert not AssignmentMessage.objects.exists()


def test_another_units_crew_neither_reads_nor_writes_nor_acknowledges(demo, api, dispatched):
    assignment = dispatched("en_route")
    mid = api(demo.anna).post(url(assignment), {"text": "Hej"}, format="json").json()["id"]
    johan = api(demo.johan)
    assert johan.get(url(assignment)).status_code == 404
    assert johan.post(url(assignment), {"text": "Hej"}, format="json").status_code == 404
    assert johan.post(url(assignment, mid), format="json").status_code == 404
    assert api(demo.lars).get(url(assignment)).status_code == 403
    assert api(demo.karin).get(url(assignment)).status_code == 403
    assert api(None).get(url(assignment)).status_code == 403
    assert AssignmentMessage.objects.count() == 1
    assert AssignmentMessage.objects.get().acknowledged_at is None


def test_no_message_on_an_ended_assignment(demo, api, dispatched):
    assignment = dispatched("available")
    refused = api(demo.anna).post(url(assignment), {"text": "Hej"}, format="json")
    assert refused.status_code == 409
    assert_detail(refused, "available")
    assert not AssignmentMessage.objects.exists()


def test_a_units_crew_does_not_read_the_messages_of_its_ended_assignments(
        demo, api, dispatched):
    """The unit's next crew (another shift) opens nothing of an earlier patient's case: once
    the assignment has ended the crew gets a 404; the dispatchers still read them."""
    assignment = dispatched("on_scene")
    mid = api(demo.anna).post(url(assignment), {"text": "Dottern heter Stina"},
                              format="json").json()["id"]
    assert api(demo.sara).get(url(assignment)).status_code == 200
    services.assignment_status_change(assignment=assignment, status="available", by=demo.sara)
    read = api(demo.sara).get(url(assignment))
    assert read.status_code == 404 and "Stina" not in read.content.decode()
    assert api(demo.sara).post(url(assignment, mid), format="json").status_code == 404
    assert AssignmentMessage.objects.get().acknowledged_at is None
    assert [m["text"] for m in api(demo.anna).get(url(assignment)).json()] == [
        "Dottern heter Stina"]


def test_an_unknown_message_is_a_404_that_says_so(demo, api, dispatched):
    assignment = dispatched("en_route")
    missing = api(demo.anna).post(url(assignment, 999999), format="json")
    assert missing.status_code == 404
    assert_detail(missing, "no such message")


def test_both_sides_hear_of_a_message_live_without_its_words(demo, api, dispatched):
    assignment = dispatched("en_route")
    mid = api(demo.anna).post(url(assignment), {"text": "Hemlig portkod 1234"},
                              format="json").json()["id"]
    created = message_events("message.created")
    assert [e.stream for e in created] == [f"unit.{assignment.unit_id}", "dispatch"]
    for event in created:
        assert event.data["id"] == mid and event.data["assignment"] == assignment.pk
        assert event.data["from_crew"] is False and event.data["acknowledged_at"] is None
        assert "1234" not in str(event.data)
    api(demo.sara).post(url(assignment, mid), format="json")
    acked = message_events("message.acknowledged")
    assert {e.stream for e in acked} == {f"unit.{assignment.unit_id}", "dispatch"}
    assert all(e.data["acknowledged_at"] for e in acked)


def test_every_read_of_the_messages_is_logged(demo, api, dispatched):
    assignment = dispatched("en_route")
    before = AccessLogEntry.objects.count()
    api(demo.sara).get(url(assignment))
    [entry] = AccessLogEntry.objects.order_by("pk")[before:]
    assert entry.user == demo.sara
    assert entry.patient == assignment.case.personal_identity_number


def test_the_case_history_lists_the_messages_of_every_unit(demo, api, dispatched, new_case):
    case = new_case()
    first = dispatched("en_route", case=case)
    second = dispatched("alerted", unit=demo.amb3010, case=case)
    api(demo.sara).post(url(first), {"text": "Framme"}, format="json")
    api(demo.anna).post(url(second), {"text": "Åk till Västerås"}, format="json")
    history = list(assignment_messages_for_case(case))
    assert [(m.assignment.unit.call_sign, m.text) for m in history] == [
        ("AMB 1010", "Framme"), ("AMB 3010", "Åk till Västerås")]
