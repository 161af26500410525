"""Calls from the telephony system and each case's link to its call (dispatch/services/calls.py):
idempotent by call id, linked at registration (the id the console sends, else the dispatcher's
latest answered call in the window) or when a call arrives after its case."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import Invalid
from dispatch.models import Call, CallSource, Case
from dispatch.services.calls import (
    CREATED,
    UNCHANGED,
    UPDATED,
    CallRecord,
    call_record,
    calls_record,
)
from tests.conftest import case_payload


def ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def record(call_id="C-1", *, queued=120, answered=100, operator=None, **fields):
    return call_record(call_id=call_id, queued_at=ago(queued) if queued is not None else None,
                       answered_at=ago(answered) if answered is not None else None,
                       operator=operator, **fields)


# -- recording -------------------------------------------------------------------------------

def test_a_call_is_recorded_once_and_a_resent_record_changes_nothing(demo):
    queued, answered = ago(60), ago(50)
    call, outcome = call_record(call_id="C-1", queued_at=queued, answered_at=answered,
                                line="112", prioritised=True, region=demo.vml,
                                operator=demo.anna, operator_name="anna")
    assert outcome == CREATED and call.source == CallSource.INTEGRATION
    again, outcome = call_record(call_id="C-1", queued_at=queued, answered_at=answered,
                                 line="112", prioritised=True, region=demo.vml,
                                 operator=demo.anna, operator_name="anna")
    assert (again.pk, outcome) == (call.pk, UNCHANGED)
    assert Call.objects.count() == 1


def test_a_later_record_adds_the_answer_and_the_operator(demo):
    queued = ago(60)
    call_record(call_id="C-1", queued_at=queued, region=demo.vml)
    call, outcome = call_record(call_id="C-1", answered_at=ago(30), operator=demo.users["erik"])
    assert outcome == UPDATED
    call.refresh_from_db()
    assert call.queued_at == queued and call.region == demo.vml
    assert call.operator == demo.users["erik"]


def test_a_different_queued_time_is_refused_with_both_times(demo):
    call_record(call_id="C-1", queued_at=ago(60))
    with pytest.raises(Invalid, match="queued time does not change"):
        call_record(call_id="C-1", queued_at=ago(10))


def test_a_different_answer_time_is_refused(demo):
    call_record(call_id="C-1", queued_at=ago(60), answered_at=ago(50))
    with pytest.raises(Invalid, match="answer time does not change"):
        call_record(call_id="C-1", answered_at=ago(40))


def test_an_answer_for_an_unknown_call_is_refused(demo):
    with pytest.raises(Invalid, match="No call with the id C-9 is known"):
        call_record(call_id="C-9", answered_at=ago(40))
    assert not Call.objects.exists()


def test_an_answer_before_the_queue_is_refused(demo):
    with pytest.raises(Invalid, match="answered before it was queued"):
        call_record(call_id="C-1", queued_at=ago(10), answered_at=ago(20))


# -- the link at registration ----------------------------------------------------------------

def test_a_case_takes_its_dispatchers_latest_answered_call(demo, new_case):
    record("OLD", queued=300, answered=290, operator=demo.anna)
    latest, _ = record("NEW", queued=80, answered=60, operator=demo.anna, prioritised=True)
    record("ERIKS", queued=20, answered=10, operator=demo.users["erik"])
    record("QUEUED", queued=5, answered=None, operator=demo.anna)
    case = new_case()
    assert case.call == latest
    assert case.call_received_at == latest.queued_at
    assert case.call_answered_at == latest.answered_at
    assert case.is_prioritised_line is True


def test_a_call_answered_before_the_window_is_not_linked(demo, new_case, settings):
    settings.CALL_LINK_WINDOW_MINUTES = 15
    record("C-1", queued=16 * 60 + 10, answered=16 * 60, operator=demo.anna)
    case = new_case()
    assert case.call is None
    assert case.call_answered_at > ago(5)


def test_a_call_linked_to_another_case_is_passed_over(demo, new_case):
    older, _ = record("OLDER", queued=200, answered=190, operator=demo.anna)
    first, _ = record("FIRST", queued=100, answered=90, operator=demo.anna)
    assert new_case().call == first
    assert new_case().call == older
    assert new_case().call is None


def test_the_console_may_name_the_call(demo, new_case):
    eriks, _ = record("ERIKS", queued=100, answered=90, operator=demo.users["erik"])
    record("ANNAS", queued=50, answered=40, operator=demo.anna)
    case = new_case(call_id="ERIKS")
    assert case.call == eriks and case.call_answered_at == eriks.answered_at


def test_registration_reads_the_calls_once(demo, new_case):
    record("C-1", operator=demo.anna)
    with CaptureQueriesContext(connection) as queries:
        new_case()
    on_calls = [q["sql"] for q in queries.captured_queries
                if "dispatch_call" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(on_calls) == 1, on_calls


def test_an_unknown_call_id_in_the_payload_is_a_400_in_words(demo, api):
    response = api(demo.anna).post("/api/cases/", case_payload(demo.vml, call_id="NOPE"),
                                   format="json")
    assert response.status_code == 400
    assert "No call with the id NOPE is known" in response.json()["detail"]
    assert not Case.objects.exists()


def test_a_call_id_already_linked_is_a_400_naming_the_case(demo, api, new_case):
    record("C-1", operator=demo.users["erik"])
    first = new_case(call_id="C-1")
    response = api(demo.anna).post("/api/cases/", case_payload(demo.vml, call_id="C-1"),
                                   format="json")
    assert response.status_code == 400
    assert first.reference in response.json()["detail"]


def test_the_api_links_the_named_call(demo, api):
    call, _ = record("C-7", operator=demo.users["erik"], prioritised=True)
    response = api(demo.anna).post("/api/cases/", case_payload(demo.vml, call_id="C-7"),
                                   format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.call == call and case.is_prioritised_line


# -- a call that arrives after its case ------------------------------------------------------

def test_a_call_logged_after_its_case_is_linked_when_it_arrives(demo, new_case):
    case = new_case()
    assert case.call is None
    call, _ = record("LATE", queued=100, answered=80, operator=demo.anna, prioritised=True)
    case.refresh_from_db()
    assert case.call == call
    assert (case.call_received_at, case.call_answered_at) == (call.queued_at, call.answered_at)
    assert case.is_prioritised_line


def test_a_late_answer_links_the_case_when_the_answer_arrives(demo, new_case):
    record("LATE", queued=100, answered=None)
    case = new_case()
    call, outcome = record("LATE", queued=None, answered=80, operator=demo.anna)
    assert outcome == UPDATED
    case.refresh_from_db()
    assert case.call == call


def test_a_late_call_is_not_linked_when_another_call_was_answered_in_between(demo, new_case):
    record("BETWEEN", queued=50, answered=40, operator=demo.anna)
    case = new_case()
    assert case.call.call_id == "BETWEEN"
    case.call = None
    case.save(update_fields=["call"])
    record("EARLIER", queued=100, answered=80, operator=demo.anna)
    case.refresh_from_db()
    assert case.call is None


def test_a_late_call_of_another_operator_or_outside_the_window_is_not_linked(demo, new_case,
                                                                             settings):
    settings.CALL_LINK_WINDOW_MINUTES = 15
    case = new_case()
    record("ERIKS", queued=100, answered=80, operator=demo.users["erik"])
    record("LONG AGO", queued=20 * 60, answered=16 * 60, operator=demo.anna)
    case.refresh_from_db()
    assert case.call is None


def test_a_late_call_takes_the_first_case_after_its_answer(demo, new_case):
    first, second = new_case(), new_case()
    call, _ = record("LATE", queued=100, answered=80, operator=demo.anna)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.call, second.call) == (call, None)


def test_a_linked_case_follows_an_answer_added_to_its_call(demo, new_case):
    record("C-1", queued=100, answered=None)
    case = new_case(call_id="C-1")
    answered = ago(70)
    call_record(call_id="C-1", answered_at=answered, operator=demo.anna)
    case.refresh_from_db()
    assert case.call_answered_at == answered


def test_a_batch_of_late_calls_links_each_case_to_its_own_call(demo, new_case, clock):
    first = new_case()
    clock.advance(120)
    second = new_case()
    answers = [first.registered_at - timedelta(seconds=30),
               second.registered_at - timedelta(seconds=30)]
    records = [CallRecord(call_id=f"L-{i}", queued_at=at - timedelta(seconds=5),
                          answered_at=at, operator=demo.anna)
               for i, at in enumerate(reversed(answers))]
    calls_record(records=records)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.call.call_id, second.call.call_id) == ("L-1", "L-0")
