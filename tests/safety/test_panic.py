"""The crew's panic alarm (*överfallslarm*): who may raise it, the tablet's replay, positions,
two dispatchers acknowledging at once, cancelling with a reason, the escalation by SMS when
nobody acknowledges, the events on both streams and the case's history."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from audit.models import AccessLogEntry
from crews.streams import unit_stream
from dispatch.history import case_history
from dispatch.services import assignment_dispatch
from dispatch.streams import DISPATCH_STREAM
from push import sender
from push.models import SmsMessage
from realtime.models import Event
from safety.models import PanicAlarm, PanicPosition, PanicState
from safety.services.panic import PANIC_ESCALATE, panic_raise
from timers.models import Timer, TimerState
from timers.services import fire_due_timers

ONDUTY = ["+46701110001", "+46701110002"]


@pytest.fixture(autouse=True)
def panic_settings(settings, tmp_path):
    settings.PANIC_ACK_SECONDS = 30
    settings.PANIC_ONDUTY_NUMBERS = ONDUTY
    settings.SMS_BACKEND = "console"
    settings.SMS_OUTBOX_PATH = tmp_path / "sms-outbox.log"
    settings.PUSH_SEND_THREADS = 0
    # The assignment's own timers (unacknowledged, status overdue) are not these tests'.
    settings.ASSIGNMENT_ACK_TIMEOUT_SECONDS = 3600
    yield settings
    assert sender.wait_idle(10)


@pytest.fixture
def on_case(demo, new_case):
    """AMB 1010 (sara) dispatched to a case."""
    case = new_case()
    [assignment] = assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    return case, assignment


def key() -> str:
    return f"panic-{uuid.uuid4().hex[:16]}"


def raise_alarm(api, user, **body):
    return api(user).post("/api/safety/panic/", {"idempotency_key": key(), **body},
                          format="json")


def events(stream, type_):
    return list(Event.objects.filter(stream=stream, type=type_).order_by("seq"))


# --- raising -------------------------------------------------------------------------------


def test_the_crew_raises_the_alarm_with_its_case_and_position(demo, api, on_case):
    case, assignment = on_case
    response = raise_alarm(api, demo.sara, latitude=59.61, longitude=16.55, accuracy_m=12)
    assert response.status_code == 201, response.data
    alarm = response.data
    assert (alarm["state"], alarm["unit_call_sign"], alarm["assignment"], alarm["case"]) == (
        "raised", "AMB 1010", assignment.pk, case.pk)
    assert alarm["state_label"] == "Raised"
    assert alarm["address"] == case.address and alarm["case_reference"] == case.reference
    assert (alarm["latitude"], alarm["longitude"], alarm["accuracy_m"]) == (59.61, 16.55, 12)
    assert alarm["raised_by_name"] == str(demo.sara)
    demo.amb1010.refresh_from_db()
    assert (demo.amb1010.latitude, demo.amb1010.longitude) == (59.61, 16.55)
    timer = Timer.objects.get(kind=PANIC_ESCALATE, key=str(alarm["id"]))
    assert timer.state == TimerState.PENDING
    assert abs((timer.due_at - PanicAlarm.objects.get().received_at).total_seconds() - 30) < 1
    # The answer shows the case's address: a recorded read.
    assert AccessLogEntry.objects.filter(user=demo.sara, object_id=str(case.pk)).exists()


def test_an_alarm_without_an_assignment_still_goes_out(demo, api):
    response = raise_alarm(api, demo.sara)
    assert response.status_code == 201
    assert (response.data["case"], response.data["address"], response.data["latitude"]) == (
        None, "", None)


@pytest.mark.parametrize("who, words", [
    ("anna", "Only crew and mobile care staff"),
    ("lars", "Your role may not do this"),
    ("maria", "Join your unit"),
    ("admin", "Only crew and mobile care staff"),
])
def test_only_crew_joined_to_a_unit_raise_it(demo, api, who, words):
    response = raise_alarm(api, getattr(demo, who))
    assert response.status_code == 403
    assert words in response.data["detail"]
    assert not PanicAlarm.objects.exists()


def test_mobile_care_staff_on_their_unit_raise_it(demo, api):
    from crews.models import Unit, UnitKind
    from crews.services import crew_join

    unit = Unit.objects.filter(kind=UnitKind.MOBILE_CARE).first()
    crew_join(user=demo.karin, unit=unit)
    response = raise_alarm(api, demo.karin)
    assert response.status_code == 201
    assert response.data["unit"] == unit.pk


def test_a_replay_from_the_outbox_is_the_same_alarm(demo, api, on_case):
    body = {"idempotency_key": key(), "latitude": 59.61, "longitude": 16.55}
    first = api(demo.sara).post("/api/safety/panic/", body, format="json")
    again = api(demo.sara).post("/api/safety/panic/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.data["id"] == first.data["id"]
    assert PanicAlarm.objects.count() == 1
    assert len(events(DISPATCH_STREAM, "panic.raised")) == 1


def test_another_users_key_is_refused(demo, api, on_case):
    body = {"idempotency_key": key()}
    assert api(demo.sara).post("/api/safety/panic/", body, format="json").status_code == 201
    response = api(demo.johan).post("/api/safety/panic/", body, format="json")
    assert response.status_code == 400
    assert "already used" in response.data["detail"]


def test_the_devices_time_is_kept_within_bounds(demo, api):
    now = timezone.now()
    queued = (now - timedelta(minutes=4)).isoformat()
    response = raise_alarm(api, demo.sara, raised_at=queued)
    alarm = PanicAlarm.objects.get(pk=response.data["id"])
    assert abs((alarm.raised_at - (now - timedelta(minutes=4))).total_seconds()) < 1
    assert alarm.received_at >= now
    future = raise_alarm(api, demo.sara, raised_at=(now + timedelta(hours=2)).isoformat())
    assert PanicAlarm.objects.get(pk=future.data["id"]).raised_at <= timezone.now()
    ancient = raise_alarm(api, demo.sara, raised_at=(now - timedelta(days=2)).isoformat())
    assert PanicAlarm.objects.get(pk=ancient.data["id"]).raised_at >= now - timedelta(hours=1,
                                                                                         minutes=1)


def test_an_alarm_queued_offline_gives_the_dispatchers_their_full_time(demo, api):
    received = timezone.now()
    queued = (received - timedelta(minutes=5)).isoformat()
    alarm = raise_alarm(api, demo.sara, raised_at=queued).data
    assert PanicAlarm.objects.get(pk=alarm["id"]).raised_at < received - timedelta(minutes=4)
    fire_due_timers(now=received + timedelta(seconds=29))
    assert not panic_sms()
    assert PanicAlarm.objects.get(pk=alarm["id"]).escalated_at is None
    fire_due_timers(now=timezone.now() + timedelta(seconds=31))
    assert PanicAlarm.objects.get(pk=alarm["id"]).escalated_at is not None


@pytest.mark.parametrize("body", [
    {"latitude": 59.6},
    {"longitude": 16.5},
    {"latitude": 95, "longitude": 16},
    {"latitude": 123, "longitude": 16},
    {"latitude": "inf", "longitude": 16},
    {"latitude": "north", "longitude": 16},
    {"latitude": [59.6], "longitude": {"x": 1}},
])
def test_an_unusable_position_is_dropped_and_the_alarm_still_goes_out(demo, api, body):
    response = raise_alarm(api, demo.sara, **body)
    assert response.status_code == 201, response.data
    assert (response.data["latitude"], response.data["longitude"],
            response.data["position_at"]) == (None, None, None)
    assert PanicAlarm.objects.get().state == PanicState.RAISED
    assert len(events(DISPATCH_STREAM, "panic.raised")) == 1


@pytest.mark.parametrize("accuracy", [-3, 100_000, 1e9, "about ten", "nan"])
def test_an_unusable_accuracy_is_dropped_and_the_position_kept(demo, api, accuracy):
    response = raise_alarm(api, demo.sara, latitude=59.6, longitude=16.5, accuracy_m=accuracy)
    assert response.status_code == 201, response.data
    assert (response.data["latitude"], response.data["longitude"],
            response.data["accuracy_m"]) == (59.6, 16.5, None)


@pytest.mark.parametrize("raised_at", ["yesterday", "2026-02-30T10:00:00Z", 12345, True])
def test_an_unreadable_raised_at_is_taken_as_now(demo, api, raised_at):
    before = timezone.now()
    response = raise_alarm(api, demo.sara, raised_at=raised_at)
    assert response.status_code == 201, response.data
    alarm = PanicAlarm.objects.get()
    assert before <= alarm.raised_at <= timezone.now()


@pytest.mark.parametrize("at", ["yesterday", "2026-02-30T10:00:00Z"])
def test_a_position_with_an_unreadable_time_is_refused_in_words(demo, api, on_case, at):
    alarm = raise_alarm(api, demo.sara).data
    response = api(demo.sara).post(f"/api/safety/panic/{alarm['id']}/positions/",
                                   {"latitude": 59.6, "longitude": 16.5, "at": at},
                                   format="json")
    assert response.status_code == 400
    assert "ISO 8601" in response.data["detail"]
    assert not PanicPosition.objects.exists()


def test_a_missing_key_is_refused_in_words(demo, api):
    response = api(demo.sara).post("/api/safety/panic/", {}, format="json")
    assert response.status_code == 400
    assert "idempotency key is required" in response.data["detail"]


# --- positions -----------------------------------------------------------------------------


def test_positions_follow_the_alarm_on_the_console(demo, api, on_case):
    alarm = raise_alarm(api, demo.sara, latitude=59.61, longitude=16.55).data
    at = timezone.now().isoformat()
    response = api(demo.sara).post(f"/api/safety/panic/{alarm['id']}/positions/",
                                   {"latitude": 59.62, "longitude": 16.56, "accuracy_m": 8,
                                    "at": at}, format="json")
    assert response.status_code == 204
    stored = PanicAlarm.objects.get(pk=alarm["id"])
    assert (stored.latitude, stored.longitude, stored.accuracy_m) == (59.62, 16.56, 8)
    assert PanicPosition.objects.filter(alarm=stored).count() == 1
    [event] = events(DISPATCH_STREAM, "panic.position")
    assert event.data["alarm"] == alarm["id"] and event.data["latitude"] == 59.62
    assert not events(unit_stream(demo.amb1010.pk), "panic.position")


def test_another_units_crew_cannot_send_positions(demo, api, on_case):
    alarm = raise_alarm(api, demo.sara).data
    response = api(demo.johan).post(f"/api/safety/panic/{alarm['id']}/positions/",
                                    {"latitude": 59.62, "longitude": 16.56}, format="json")
    assert response.status_code == 404


def test_a_closed_alarm_takes_no_positions(demo, api, on_case):
    alarm = raise_alarm(api, demo.sara).data
    api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/close/", {}, format="json")
    response = api(demo.sara).post(f"/api/safety/panic/{alarm['id']}/positions/",
                                   {"latitude": 59.62, "longitude": 16.56}, format="json")
    assert response.status_code == 409
    assert "no longer open" in response.data["detail"]


# --- acknowledging -------------------------------------------------------------------------


def test_a_dispatcher_acknowledges_and_the_crew_is_told(demo, api, on_case):
    alarm = raise_alarm(api, demo.sara).data
    response = api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/")
    assert response.status_code == 200
    assert response.data["state"] == "acknowledged"
    assert response.data["acknowledged_by_name"] == str(demo.anna)
    [event] = events(unit_stream(demo.amb1010.pk), "panic.acknowledged")
    assert event.data["alarm"]["acknowledged_by_name"] == str(demo.anna)
    assert len(events(DISPATCH_STREAM, "panic.acknowledged")) == 1
    assert Timer.objects.get(kind=PANIC_ESCALATE).state == TimerState.CANCELLED


def test_the_second_dispatcher_is_told_who_took_it(demo, api, on_case):
    erik = demo.users["erik"]
    alarm = raise_alarm(api, demo.sara).data
    assert api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/"
                               ).status_code == 200
    response = api(erik).post(f"/api/safety/panic/{alarm['id']}/acknowledge/")
    assert response.status_code == 409
    assert response.data["detail"].startswith(f"Already acknowledged by {demo.anna} at ")
    assert response.data["alarm"]["acknowledged_by_name"] == str(demo.anna)
    assert len(events(DISPATCH_STREAM, "panic.acknowledged")) == 1


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_racing_one_wins(demo, api, on_case):
    """A real race on PostgreSQL (two connections); on SQLite, which has one writer, the same
    calls one after the other."""
    erik = demo.users["erik"]
    alarm = raise_alarm(api, demo.sara).data
    url = f"/api/safety/panic/{alarm['id']}/acknowledge/"
    answers = {}
    start = threading.Barrier(2)

    def acknowledge(user):
        try:
            start.wait(timeout=60)
            answers[user.username] = api(user).post(url)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=acknowledge, args=(u,)) for u in (demo.anna, erik)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    else:
        start = threading.Barrier(1)
        for user in (demo.anna, erik):
            answers[user.username] = api(user).post(url)
    codes = sorted(a.status_code for a in answers.values())
    assert codes == [200, 409]
    winner = next(a for a in answers.values() if a.status_code == 200)
    loser = next(a for a in answers.values() if a.status_code == 409)
    assert loser.data["detail"].startswith(
        f"Already acknowledged by {winner.data['acknowledged_by_name']} at ")
    assert len(events(DISPATCH_STREAM, "panic.acknowledged")) == 1


def test_the_crew_may_not_acknowledge(demo, api, on_case):
    alarm = raise_alarm(api, demo.sara).data
    assert api(demo.sara).post(f"/api/safety/panic/{alarm['id']}/acknowledge/"
                               ).status_code == 403


# --- cancelling and closing ----------------------------------------------------------------


def test_cancelling_needs_a_reason(demo, api, on_case):
    alarm = raise_alarm(api, demo.sara).data
    response = api(demo.sara).post(f"/api/safety/panic/{alarm['id']}/cancel/",
                                   {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert "Say why" in response.data["detail"]
    assert PanicAlarm.objects.get().state == PanicState.RAISED


def test_the_crew_cancels_with_a_reason_and_the_escalation_is_called_off(demo, api, on_case):
    alarm = raise_alarm(api, demo.sara).data
    response = api(demo.sara).post(f"/api/safety/panic/{alarm['id']}/cancel/",
                                   {"reason": "Tryckte av misstag"}, format="json")
    assert response.status_code == 200
    assert (response.data["state"], response.data["cancel_reason"]) == (
        "cancelled", "Tryckte av misstag")
    assert Timer.objects.get(kind=PANIC_ESCALATE).state == TimerState.CANCELLED
    assert len(events(DISPATCH_STREAM, "panic.cancelled")) == 1
    # A dispatcher acknowledging it now is told the crew called it off.
    late = api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/")
    assert late.status_code == 409 and "cancelled" in late.data["detail"]


def test_another_unit_cannot_cancel(demo, api, on_case):
    alarm = raise_alarm(api, demo.sara).data
    response = api(demo.johan).post(f"/api/safety/panic/{alarm['id']}/cancel/",
                                    {"reason": "x"}, format="json")
    assert response.status_code == 404


def test_a_dispatcher_closes_it_with_a_note(demo, api, on_case):
    alarm = raise_alarm(api, demo.sara).data
    api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/")
    response = api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/close/",
                                   {"note": "Polis på plats"}, format="json")
    assert response.status_code == 200
    assert (response.data["state"], response.data["close_note"]) == ("closed", "Polis på plats")
    assert len(events(unit_stream(demo.amb1010.pk), "panic.closed")) == 1
    again = api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/close/", {}, format="json")
    assert again.status_code == 409 and "closed by" in again.data["detail"]


# --- listing -------------------------------------------------------------------------------


def test_the_lists(demo, api, on_case):
    mine = raise_alarm(api, demo.sara).data
    other = raise_alarm(api, demo.johan).data
    api(demo.anna).post(f"/api/safety/panic/{other['id']}/close/", {}, format="json")
    assert [a["id"] for a in api(demo.anna).get("/api/safety/panic/").data] == [mine["id"]]
    assert {a["id"] for a in api(demo.anna).get("/api/safety/panic/?all=1").data} == {
        mine["id"], other["id"]}
    assert [a["id"] for a in api(demo.sara).get("/api/safety/panic/").data] == [mine["id"]]
    assert api(demo.johan).get("/api/safety/panic/").data == []
    assert api(demo.lars).get("/api/safety/panic/").status_code == 403


# --- escalation ----------------------------------------------------------------------------


def panic_sms():
    """The alarm's SMS (the crew's own wake-ups by SMS are push's)."""
    return SmsMessage.objects.filter(tag__startswith="panic-escalation-")


def outbox(settings) -> str:
    path = settings.SMS_OUTBOX_PATH
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_nobody_acknowledging_in_time_texts_the_on_duty_phones(demo, api, on_case, settings,
                                                              django_capture_on_commit_callbacks):
    case, _assignment = on_case
    alarm = raise_alarm(api, demo.sara, latitude=59.61, longitude=16.55, accuracy_m=12).data
    fire_due_timers(now=timezone.now() + timedelta(seconds=29))
    assert not panic_sms()
    with django_capture_on_commit_callbacks(execute=True):
        fire_due_timers(now=timezone.now() + timedelta(seconds=31))
    assert Timer.objects.get(kind=PANIC_ESCALATE).state == TimerState.FIRED
    texts = list(SmsMessage.objects.filter(tag=f"panic-escalation-{alarm['id']}"))
    assert sorted(s.to for s in texts) == ONDUTY
    text = texts[0].message
    assert "ÖVERFALLSLARM" in text and "AMB 1010" in text and str(demo.sara) in text
    assert case.address in text and "59.61000,16.55000" in text
    # No patient data: the patient's name, identity number, complaint.
    for patient in (case.patient_name, case.personal_identity_number, case.complaint):
        assert not patient or patient not in text
    assert sender.wait_idle(10)
    assert outbox(settings).count("ÖVERFALLSLARM") == 2
    assert PanicAlarm.objects.get().escalated_at is not None
    assert len(events(DISPATCH_STREAM, "panic.escalated")) == 1
    assert len(events(unit_stream(demo.amb1010.pk), "panic.escalated")) == 1
    # Still raised: a dispatcher acknowledges it afterwards as before.
    assert api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/"
                               ).status_code == 200


def test_an_acknowledgement_before_the_deadline_sends_no_sms(demo, api, on_case, settings):
    alarm = raise_alarm(api, demo.sara).data
    api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/")
    fire_due_timers(now=timezone.now() + timedelta(seconds=60))
    assert not panic_sms()
    assert "ÖVERFALLSLARM" not in outbox(settings)
    assert PanicAlarm.objects.get().escalated_at is None


def test_the_escalation_happens_once(demo, on_case):
    from safety.services.panic import panic_escalate

    alarm, _ = panic_raise(user=demo.sara, idempotency_key=key())
    assert panic_escalate(alarm_id=alarm.pk) == 2
    assert panic_escalate(alarm_id=alarm.pk) == 0
    assert panic_sms().count() == 2


# --- events and history --------------------------------------------------------------------


def test_every_step_is_on_both_streams_and_in_the_case_history(demo, api, on_case):
    case, _assignment = on_case
    alarm = raise_alarm(api, demo.sara).data
    fire_due_timers(now=timezone.now() + timedelta(seconds=31))
    api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/")
    api(demo.sara).post(f"/api/safety/panic/{alarm['id']}/cancel/", {"reason": "Lugnt nu"},
                        format="json")
    api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/close/", {}, format="json")
    steps = ["panic.raised", "panic.escalated", "panic.acknowledged", "panic.cancelled",
             "panic.closed"]
    for stream in (DISPATCH_STREAM, unit_stream(demo.amb1010.pk)):
        got = list(Event.objects.filter(stream=stream, type__startswith="panic.")
                   .order_by("seq").values_list("type", flat=True))
        assert got == steps, stream
    history = [e for e in case_history(case) if e["kind"].startswith("panic_")]
    assert [e["kind"] for e in history] == [
        "panic_raised", "panic_escalated", "panic_acknowledged", "panic_cancelled",
        "panic_closed"]
    assert all(e["text"] and "AMB 1010" in e["text"] for e in history)
    assert history[3]["reason"] == "Lugnt nu" and history[3]["by"] == str(demo.sara)
    assert history[2]["by"] == str(demo.anna)


def test_the_case_history_route_shows_the_alarm(demo, api, on_case):
    case, _assignment = on_case
    raise_alarm(api, demo.sara)
    response = api(demo.anna).get(f"/api/cases/{case.pk}/history/")
    assert response.status_code == 200
    entries = response.json()
    entries = entries.get("entries", entries) if isinstance(entries, dict) else entries
    assert any(e["kind"] == "panic_raised" for e in entries)


def test_the_acknowledgement_wakes_the_crew_without_patient_data(demo, api, on_case):
    from realtime.registry import _notifications

    render = _notifications[("unit", "panic.acknowledged")]
    alarm = raise_alarm(api, demo.sara).data
    api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/")
    [event] = events(unit_stream(demo.amb1010.pk), "panic.acknowledged")
    note = render({"stream": event.stream, "seq": event.seq, "type": event.type,
                   "data": event.data})
    assert note["body"] == "Hjälp är på väg — AMB 1010"
    assert alarm["address"] not in str(note)


def test_a_number_the_escalation_cannot_text_fails_the_checks(settings):
    from safety.panic_checks import panic_onduty_numbers_valid

    assert panic_onduty_numbers_valid(None) == []
    settings.PANIC_ONDUTY_NUMBERS = ["+46701110001", "070-111 00 02"]
    [error] = panic_onduty_numbers_valid(None)
    assert error.id == "safety.E001" and "1 number(s)" in error.msg


def test_repeats_are_answered_as_they_were(demo, api, on_case):
    """The tablet's outbox sending the cancel again, a dispatcher's double click: the same
    answer, no second event."""
    alarm = raise_alarm(api, demo.sara).data
    for _ in range(2):
        ack = api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/")
        assert (ack.status_code, ack.data["acknowledged_by_name"]) == (200, str(demo.anna))
    for _ in range(2):
        cancel = api(demo.sara).post(f"/api/safety/panic/{alarm['id']}/cancel/",
                                     {"reason": "Lugnt"}, format="json")
        assert (cancel.status_code, cancel.data["state"]) == (200, "cancelled")
    assert len(events(DISPATCH_STREAM, "panic.acknowledged")) == 1
    assert len(events(DISPATCH_STREAM, "panic.cancelled")) == 1


def test_closing_withdraws_a_wake_up_not_yet_sent(demo, api, on_case):
    from realtime.registry import _withdrawals

    alarm = raise_alarm(api, demo.sara).data
    api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/acknowledge/")
    api(demo.anna).post(f"/api/safety/panic/{alarm['id']}/close/", {}, format="json")
    [closed] = events(unit_stream(demo.amb1010.pk), "panic.closed")
    tag_of = _withdrawals[("unit", "panic.closed")]
    assert tag_of({"stream": closed.stream, "data": closed.data}) == \
        f"panic-acknowledged-{alarm['id']}"
