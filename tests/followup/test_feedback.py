"""Each dispatcher's monthly feedback against a month computed by hand.

November 2026 in Stockholm (CET, UTC+1): [1 Nov 00:00, 1 Dec 00:00). Times are Stockholm's.
The 1A figure runs from the call's answer (the linked call's, else the case's) to the first
alert.

anna:
| case | registered | MBS → chosen (at registration) | dispatched | answer → alert |
|---|---|---|---|---|
| A1 | 2/11 10:00 | 1A → 1A | 1A | 60 s |
| A2 | 3/11 10:00 | 1A → 1A | (no alert priority; 1A) | its call 09:59:30 → 10:01:30: 120 s |
| A3 | 4/11 10:00 | 1B → 1B, anna changes it to 1A (reason) | 1B | not 1A |
| A4 | 5/11 10:00 | 1A → 1A | not dispatched | not counted as 1A |
| A5 | 10/11 12:00 | 2B → referral (reason), person P | | |
| A6 | 12/11 12:00 | 2B → referral (no reason), person Q | | |
| A7 | 14/11 09:00 | 1A → 1A | 1A | 60 s (a tie with A1) |
| A8 | 15/11 09:00 | 1A → 1A, MBS changed to 1B later | 1A | 150 s |
| A9 | 16/11 09:00 | referral → referral, no identity number: no referral counted | | |
A5's person P is dispatched at 1A on 11/11 12:00, 24 h exactly after: a recontact. A6's person
Q is dispatched at 1B on 13/11 12:00:01 (too late) and at 1A on 12/11 12:00, the referral's own
moment (not after it): no recontact.
anna also changes erik's E2 from 2A to 2B with a blank reason (20/11: no reason), A1's priority on 1
December 00:00 (another month) and A8's MBS priority (not a priority change; A8 was registered
as MBS said, so it is no change at registration either).

anna: cases 9; 1A 4, median of 60 60 120 150 = (60 + 120) / 2 = 90; changes A5 (reason), A6
(none), A3's (reason), E2's (none) = 4, with a reason 0.5; referrals A5 A6 = 2, recontact 0.5.

erik:
| case | registered | MBS → chosen | dispatched | answer → alert |
|---|---|---|---|---|
| E1 | 6/11 08:00 | 2A → 2B (reason) | | |
| E2 | 6/11 09:00 | 2A → 2A (anna changes it) | | |
| E3 | 11/11 12:00 | 1A → 1A (P) | 1A | 45 s |
| E4 | 13/11 12:00:01 | 1B → 1B (Q) | 1B | |
| E5 | 12/11 12:00 | 1A → 1A (Q) | 1A | 75 s |
| E7 | 1/11 00:30 (31/10 23:30 UTC) | 3 → 3 | | |
| E6 | 1/12 00:30 (30/11 23:30 UTC): December, left out | | | |

erik: cases 6; 1A 2, median (45 + 75) / 2 = 60; changes 1, with a reason 1.0; referrals 0,
recontact null. The administrator's case counts for nobody (not a dispatcher).

Centre (median over anna and erik): cases 7.5, 1A 3, median 75, changes 2.5, share 0.75,
referrals 1, recontact 0.5 (erik has none: left out).
"""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from openpyxl import load_workbook

from accounts.models import Role, User
from dispatch.models import Call, Case, CaseChange
from followup.feedback import month_feedback
from followup.models import DispatcherReport
from followup.services import dispatcher_report_read, dispatcher_reports_make
from followup.streams import may_follow_feedback
from followup.timers import (
    MONTHLY_FEEDBACK,
    ensure_monthly_feedback_scheduled,
    month_before,
    next_feedback_due,
)
from frontend.strings import strings_for
from realtime.models import Event
from realtime.registry import may_subscribe, streams_followed
from timers.models import Timer, TimerState
from timers.services import fire_due_timers, timer_schedule

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOVEMBER = date(2026, 11, 1)
URL = "/api/followup/feedback/"
P = "19121212-1212"
Q = "19700101-0008"

ANNA = {"cases": 9, "p1a_cases": 4, "p1a_median_answer_to_alert_s": 90.0,
        "priority_changes": 4, "priority_changes_with_reason_share": 0.5, "referrals": 2,
        "referral_recontact_24h_share": 0.5}
ERIK = {"cases": 6, "p1a_cases": 2, "p1a_median_answer_to_alert_s": 60.0,
        "priority_changes": 1, "priority_changes_with_reason_share": 1.0, "referrals": 0,
        "referral_recontact_24h_share": None}
CENTRE = {"cases": 7.5, "p1a_cases": 3.0, "p1a_median_answer_to_alert_s": 75.0,
          "priority_changes": 2.5, "priority_changes_with_reason_share": 0.75,
          "referrals": 1.0, "referral_recontact_24h_share": 0.5}


def at(month: int, day: int, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(2026, month, day, hh, mm, ss, tzinfo=STOCKHOLM)


def case_make(demo, by, registered, *, mbs="2A", priority=None, alert_after=None,
              alerted_at_priority=None, pin="", reason="", call_answered=None) -> Case:
    """A case registered at `registered`, answered at the same moment; alerted
    `alert_after` seconds later at `alerted_at_priority` ("" for a record without it)."""
    priority = priority or mbs
    call = None
    if call_answered is not None:
        call = Call.objects.create(call_id=f"c-{registered.timestamp()}",
                                   queued_at=call_answered - timedelta(seconds=5),
                                   answered_at=call_answered)
    return Case.objects.create(
        region=demo.vml, caller_number="+46701234567", address="Stora torget 1, Västerås",
        latitude=59.6099, longitude=16.5448, complaint="Test", mbs_priority=mbs,
        priority=priority, priority_change_reason=reason, personal_identity_number=pin,
        call=call, call_received_at=registered - timedelta(seconds=10),
        call_answered_at=registered, registered_at=registered,
        first_alert_at=registered + timedelta(seconds=alert_after)
        if alert_after is not None else None,
        first_alert_priority=(priority if alerted_at_priority is None else alerted_at_priority)
        if alert_after is not None else "",
        created_by=by)


def change(case, by, when, *, field="priority", old, new, reason=""):
    """An edit of the case after registration: its history row, and the case's next version."""
    CaseChange.objects.create(case=case, field=field, old_value=old, new_value=new,
                              reason=reason, changed_at=when, changed_by=by)
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)


@pytest.fixture
def month(demo):
    """November 2026 as the table above has it."""
    anna, erik = demo.anna, demo.users["erik"]
    a1 = case_make(demo, anna, at(11, 2, 10), mbs="1A", alert_after=60)
    case_make(demo, anna, at(11, 3, 10), mbs="1A", alert_after=90, alerted_at_priority="",
              call_answered=at(11, 3, 9, 59, 30))
    a3 = case_make(demo, anna, at(11, 4, 10), mbs="1B", priority="1A", alert_after=30,
                   alerted_at_priority="1B")
    change(a3, anna, at(11, 4, 10, 5), old="1B", new="1A", reason="Andas inte normalt")
    case_make(demo, anna, at(11, 5, 10), mbs="1A")
    case_make(demo, anna, at(11, 10, 12), mbs="2B", priority="referral", pin=P,
              reason="Egenvård räcker")
    case_make(demo, anna, at(11, 12, 12), mbs="2B", priority="referral", pin=Q)
    case_make(demo, anna, at(11, 14, 9), mbs="1A", alert_after=60)
    a8 = case_make(demo, anna, at(11, 15, 9), mbs="1B", priority="1A", alert_after=150)
    change(a8, anna, at(11, 15, 9, 10), field="mbs_priority", old="1A", new="1B")
    case_make(demo, anna, at(11, 16, 9), mbs="referral")
    change(a1, anna, at(12, 1, 0), old="1A", new="1B")  # 1 December 00:00: another month

    case_make(demo, erik, at(11, 6, 8), mbs="2A", priority="2B", reason="Stabil")
    e2 = case_make(demo, erik, at(11, 6, 9), mbs="2A")
    change(e2, anna, at(11, 20, 8), old="2A", new="2B", reason="  ")  # blank: no reason
    case_make(demo, erik, at(11, 11, 12), mbs="1A", pin=P, alert_after=45)
    case_make(demo, erik, at(11, 13, 12, 0, 1), mbs="1B", pin=Q, alert_after=40)
    case_make(demo, erik, at(11, 12, 12), mbs="1A", pin=Q, alert_after=75)
    case_make(demo, erik, at(11, 1, 0, 30), mbs="3")
    case_make(demo, erik, at(12, 1, 0, 30), mbs="1A", alert_after=10)
    case_make(demo, demo.admin, at(11, 7, 8), mbs="1A", alert_after=500)
    return anna, erik


def test_each_dispatchers_figures_and_the_centres_median_equal_the_hand_computed(demo, month):
    anna, erik = month
    found = month_feedback(month=NOVEMBER, dispatcher_ids=[anna.pk, erik.pk])
    assert found == {anna.pk: {"figures": ANNA, "centre": CENTRE},
                     erik.pk: {"figures": ERIK, "centre": CENTRE}}


def test_a_month_without_cases_has_no_reports(demo, month):
    assert dispatcher_reports_make(month=date(2026, 9, 1)) == 0
    assert not DispatcherReport.objects.exists()


def test_making_the_month_again_changes_nothing_and_tells_nobody_again(demo, month):
    anna, erik = month
    assert dispatcher_reports_make(month=NOVEMBER) == 2
    first = {r.dispatcher_id: (r.pk, r.made_at) for r in DispatcherReport.objects.all()}
    events = Event.objects.filter(type="feedback.ready").count()
    assert events == 2
    assert dispatcher_reports_make(month=date(2026, 11, 17)) == 2  # any day names its month
    assert {r.dispatcher_id: (r.pk, r.made_at) for r in DispatcherReport.objects.all()} == first
    assert Event.objects.filter(type="feedback.ready").count() == events
    report = DispatcherReport.objects.get(dispatcher=anna)
    assert report.figures == {"figures": ANNA, "centre": CENTRE}


def test_new_figures_update_the_report_and_tell_again(demo, month):
    anna, _ = month
    dispatcher_reports_make(month=NOVEMBER)
    case_make(demo, anna, at(11, 20, 9), mbs="3")
    dispatcher_reports_make(month=NOVEMBER)
    assert DispatcherReport.objects.filter(dispatcher=anna).count() == 1
    assert DispatcherReport.objects.get(dispatcher=anna).figures["figures"]["cases"] == 10
    assert Event.objects.filter(stream=f"feedback.{anna.pk}").count() == 2


def test_the_timer_makes_the_month_before_and_schedules_the_next_first(demo, month):
    anna, erik = month
    due = at(12, 1, 6)
    timer_schedule(kind=MONTHLY_FEEDBACK, key="all", due_at=due)
    assert fire_due_timers(now=due - timedelta(seconds=1)) == 0
    assert not DispatcherReport.objects.exists()
    fire_due_timers(now=due + timedelta(seconds=1))
    assert Timer.objects.get(kind=MONTHLY_FEEDBACK, state=TimerState.FIRED).due_at == due
    reports = {r.dispatcher_id: r for r in DispatcherReport.objects.all()}
    assert set(reports) == {anna.pk, erik.pk}
    assert {r.month for r in reports.values()} == {NOVEMBER}
    assert reports[erik.pk].figures == {"figures": ERIK, "centre": CENTRE}
    pending = Timer.objects.get(kind=MONTHLY_FEEDBACK, state=TimerState.PENDING)
    assert pending.due_at == datetime(2027, 1, 1, 6, tzinfo=STOCKHOLM)
    event = Event.objects.get(stream=f"feedback.{anna.pk}", type="feedback.ready")
    assert event.data == {"id": reports[anna.pk].pk, "month": "2026-11"}
    assert Event.objects.get(stream=f"feedback.{erik.pk}").data["id"] == reports[erik.pk].pk


def test_the_months_and_due_times_in_the_centres_time_zone():
    # 1 January 06:00 in Stockholm is 05:00 UTC: the month before is December of last year.
    assert month_before(datetime(2027, 1, 1, 5, tzinfo=ZoneInfo("UTC"))) == date(2026, 12, 1)
    assert month_before(at(3, 1, 6)) == date(2026, 2, 1)
    # 31 October 23:30 UTC is already 1 November in Stockholm.
    assert next_feedback_due(datetime(2026, 10, 31, 23, 30, tzinfo=ZoneInfo("UTC"))) == \
        datetime(2026, 12, 1, 6, tzinfo=STOCKHOLM)
    assert next_feedback_due(at(12, 1, 6)) == datetime(2027, 1, 1, 6, tzinfo=STOCKHOLM)


def test_a_fresh_install_has_the_first_timer_once(db):
    Timer.objects.filter(kind=MONTHLY_FEEDBACK).delete()
    ensure_monthly_feedback_scheduled()
    ensure_monthly_feedback_scheduled()
    [timer] = Timer.objects.filter(kind=MONTHLY_FEEDBACK)
    assert timer.state == TimerState.PENDING
    local = timer.due_at.astimezone(STOCKHOLM)
    assert (local.day, local.hour, local.minute) == (1, 6, 0)
    assert timer.due_at - datetime.now(tz=STOCKHOLM) < timedelta(days=32)


def test_migrate_schedules_the_first_timer(db):
    Timer.objects.filter(kind=MONTHLY_FEEDBACK).delete()
    call_command("migrate", "followup", verbosity=0)
    assert Timer.objects.filter(kind=MONTHLY_FEEDBACK, state=TimerState.PENDING).count() == 1


def test_the_stream_is_the_dispatchers_own(demo):
    anna, erik = demo.anna, demo.users["erik"]
    assert f"feedback.{anna.pk}" in streams_followed(anna)
    assert may_subscribe(anna, f"feedback.{anna.pk}")
    assert not may_subscribe(anna, f"feedback.{erik.pk}")
    assert not may_subscribe(demo.greta, f"feedback.{anna.pk}")
    assert not may_follow_feedback(demo.sara, f"feedback.{anna.pk}")
    for other in (demo.greta, demo.admin):  # no monthly report of their own
        assert not [s for s in streams_followed(other) if s.startswith("feedback.")]
    assert not [s for s in streams_followed(demo.sara) if s.startswith("feedback.")]


def test_a_dispatcher_reads_only_their_own(demo, month, api):
    anna, erik = month
    dispatcher_reports_make(month=NOVEMBER)
    erik_report = DispatcherReport.objects.get(dispatcher=erik)
    answer = api(anna).get(URL).json()
    assert answer["month"] == "2026-11" and answer["months"] == ["2026-11"]
    [own] = answer["reports"]
    assert own["dispatcher"] == {"id": anna.pk, "name": str(anna)}
    assert own["figures"] == ANNA and own["centre"] == CENTRE and own["read_at"] is None
    assert api(anna).get(URL, {"dispatcher": anna.pk}).status_code == 200
    refused = api(anna).get(URL, {"dispatcher": erik.pk, "month": "2026-11"})
    assert refused.status_code == 404 and refused.json()["detail"]
    assert api(anna).post(f"{URL}{erik_report.pk}/read/").status_code == 404
    erik_report.refresh_from_db()
    assert erik_report.read_at is None
    for other in (demo.sara, demo.lars, demo.karin, demo.ulla):
        assert api(other).get(URL).status_code == 403


def test_the_manager_reads_everyones_and_narrows_to_one(demo, month, api):
    anna, erik = month
    dispatcher_reports_make(month=NOVEMBER)
    answer = api(demo.greta).get(URL, {"month": "2026-11"}).json()
    assert {r["dispatcher"]["id"]: r["figures"] for r in answer["reports"]} == {
        anna.pk: ANNA, erik.pk: ERIK}
    one = api(demo.greta).get(URL, {"dispatcher": erik.pk}).json()
    assert [r["dispatcher"]["id"] for r in one["reports"]] == [erik.pk]
    assert api(demo.admin).get(URL).json()["month"] == "2026-11"
    # The manager reads; only the dispatcher marks their report read.
    report = DispatcherReport.objects.get(dispatcher=anna)
    assert api(demo.greta).post(f"{URL}{report.pk}/read/").status_code == 404


def test_reading_marks_the_report_read_once(demo, month, api, clock):
    anna, _ = month
    dispatcher_reports_make(month=NOVEMBER)
    report = DispatcherReport.objects.get(dispatcher=anna)
    first = api(anna).post(f"{URL}{report.pk}/read/")
    assert first.status_code == 200 and first.json()["read_at"]
    clock.advance(60)
    again = dispatcher_report_read(report_id=report.pk, by=anna)
    assert again.read_at.isoformat() == first.json()["read_at"]


def test_no_reports_is_no_data_not_an_error(demo, api):
    assert api(demo.greta).get(URL).json() == {"month": None, "months": [], "reports": []}
    assert api(demo.anna).get(URL, {"month": "2026-10"}).json()["reports"] == []


@pytest.mark.parametrize("query", [{"month": "2026-13"}, {"month": "november"},
                                   {"dispatcher": "anna"}, {"format": "pdf"}])
def test_bad_input_is_a_400_with_words(demo, api, query):
    answer = api(demo.greta).get(URL, query)
    assert answer.status_code == 400 and answer.json()["detail"]


def test_the_month_as_csv_and_xlsx(demo, month, api):
    anna, erik = month
    dispatcher_reports_make(month=NOVEMBER)
    text = api(demo.greta).get(URL, {"month": "2026-11", "format": "csv"}).content.decode(
        "utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3 and len(rows[0]) == 2 + 14
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[str(anna)][1:9] == ["2026-11", "9", "4", "90.0", "4", "0.5", "2", "0.5"]
    assert by_name[str(erik)][2:9] == ["6", "2", "60.0", "1", "1.0", "0", ""]
    xlsx = api(demo.anna).get(URL, {"month": "2026-11", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert len(values) == 2 and values[1][0] == str(anna) and values[1][4] == 90.0


def test_the_command_makes_a_month_and_says_how_many(demo, month):
    out = io.StringIO()
    call_command("feedback_make", "--month", "2026-11", stdout=out)
    assert DispatcherReport.objects.filter(month=NOVEMBER).count() == 2
    assert out.getvalue().strip().splitlines()[-1].startswith("2026-11: 2 dispatcher report")


def test_the_command_makes_last_month_by_default_and_refuses_a_bad_month(demo, month, clock):
    clock.now = at(12, 5, 10)
    out = io.StringIO()
    call_command("feedback_make", stdout=out)
    assert "2026-11: 2 dispatcher report" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("feedback_make", "--month", "11/2026", stdout=io.StringIO())


def test_the_consoles_strings_tell_the_report_is_ready(demo, settings):
    from django.utils import translation

    with translation.override("sv"):
        words = strings_for(["console.feedback"])["console"]["feedback"]
    assert words["month"]["11"] == "november"
    assert "{month}" in words["ready"] and words["open"]


def test_the_console_page_carries_the_feedback_strings(demo, client):
    client.force_login(demo.anna)
    page = client.get("/console/")
    assert page.status_code == 200
    assert b'"feedback"' in page.content


def test_service_accounts_and_inactive_dispatchers_get_no_report(demo, month):
    anna, erik = month
    telephony = User.objects.create(username="telefoni", role=Role.DISPATCHER,
                                    is_service_account=True)
    former = User.objects.create(username="former", role=Role.DISPATCHER, is_active=False)
    for who in (telephony, former):
        case_make(demo, who, at(11, 9, 8), mbs="1A", alert_after=1)
    assert dispatcher_reports_make(month=NOVEMBER) == 2
    reports = DispatcherReport.objects.filter(month=NOVEMBER)
    assert {r.dispatcher_id for r in reports} == {anna.pk, erik.pk}
    assert reports.get(dispatcher=anna).figures["centre"] == CENTRE
