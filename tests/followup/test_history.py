"""`manage.py seed_history`: the demo's past is drawn the same way from the same seed, made
again with --replace, left alone without it, and holds together (calls, pins, times, units)."""

import io
from collections import defaultdict
from datetime import date, timedelta
from statistics import median

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import User
from core.identity_numbers import pin_is_valid, pin_key
from dispatch.models import Assignment, Call, Case, CaseChange, Priority
from followup.history import history_generate
from followup.history.pins import luhn_digit, luhn_valid, pin_draw, pin_retyped
from followup.models import HospitalVisit, ImportRun

END = "2026-11-30"
SMALL = ("--days", "10", "--per-day", "20", "--end", END)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_history", *args, stdout=out)
    return out.getvalue()


def figures() -> dict:
    """What two runs of one seed must agree on (ids aside)."""
    cases = Case.objects.filter(reference__startswith="H-")
    return {
        "cases": list(cases.order_by("reference").values_list(
            "reference", "priority", "mbs_priority", "case_type", "pin_key", "registered_at",
            "first_alert_at", "call__call_id", "call__answered_at", "region__code")),
        "calls": Call.objects.filter(call_id__startswith="H-").count(),
        "assignments": list(Assignment.objects.filter(case__in=cases).order_by(
            "case__reference", "alerted_at").values_list(
            "case__reference", "unit__call_sign", "status", "alerted_at", "on_scene_at",
            "available_at")),
        "changes": list(CaseChange.objects.filter(case__in=cases).order_by(
            "case__reference").values_list("case__reference", "old_value", "new_value",
                                           "reason")),
        "visits": list(HospitalVisit.objects.order_by("person_key", "arrived_at").values_list(
            "person_key", "arrived_at", "admitted")),
    }


@pytest.mark.django_db
def test_the_same_seed_draws_the_same_history_and_replace_makes_it_again(demo):
    out = seed(*SMALL)
    first = figures()
    assert len(first["cases"]) > 150 and first["assignments"] and "cases" in out
    assert seed(*SMALL, "--replace").startswith("Removed the earlier history")
    assert figures() == first
    assert ImportRun.objects.filter(file_name="seed_history").count() == 1
    seed(*SMALL, "--replace", "--seed", "7")
    assert figures()["cases"] != first["cases"]


@pytest.mark.django_db
def test_a_second_run_without_replace_changes_nothing_and_says_so(demo):
    seed(*SMALL)
    before = Case.objects.count(), Call.objects.count(), Assignment.objects.count()
    out = seed(*SMALL)
    assert "already there" in out and "nothing done" in out
    assert (Case.objects.count(), Call.objects.count(), Assignment.objects.count()) == before


@pytest.mark.django_db
def test_the_history_ends_on_the_day_asked_and_spans_the_days_asked(demo):
    seed(*SMALL)
    times = Case.objects.filter(reference__startswith="H-").order_by("call_received_at")
    first, last = times.first().call_received_at, times.last().call_received_at
    assert date(2026, 11, 20) <= first.date() <= date(2026, 11, 22)
    assert last.date() <= date(2026, 11, 30)
    assert last - first > timedelta(days=8)


@pytest.mark.django_db
def test_every_case_has_its_call_and_its_times_in_order(demo):
    seed(*SMALL)
    cases = Case.objects.filter(reference__startswith="H-").select_related("call")
    for case in cases:
        call = case.call
        assert call is not None and call.call_id.startswith("H-")
        assert call.queued_at == case.call_received_at <= call.answered_at
        assert call.answered_at == case.call_answered_at <= case.registered_at
        assert call.prioritised == case.is_prioritised_line and call.operator_id
        assert case.created_by_id == call.operator_id
        assert case.closed_at > case.registered_at
        if case.priority == Priority.REFERRAL:
            assert case.first_alert_at is None and not case.assignments.exists()
        else:
            assert case.first_alert_at >= case.registered_at
            assert case.first_alert_at == min(a.alerted_at for a in case.assignments.all())
    # A call hung up before it was answered has no case.
    assert not Call.objects.filter(answered_at__isnull=True, case__isnull=False).exists()


@pytest.mark.django_db
def test_assignment_times_are_ordered_and_no_unit_is_on_two_at_once(demo):
    seed(*SMALL)
    names = ["alerted_at", "acknowledged_at", "en_route_at", "on_scene_at", "transporting_at",
             "at_hospital_at", "available_at"]
    by_unit = defaultdict(list)
    for row in Assignment.objects.filter(case__reference__startswith="H-").values(
            "unit_id", "status", "cancelled_at", *names):
        stamps = [row[n] for n in names if row[n] is not None]
        assert stamps == sorted(stamps)
        if row["status"] == "cancelled":
            assert row["available_at"] is None and row["cancelled_at"] >= stamps[-1]
            end = row["cancelled_at"]
        else:
            assert row["status"] == "available" and row["on_scene_at"] and row["available_at"]
            assert (row["transporting_at"] is None) == (row["at_hospital_at"] is None)
            end = row["available_at"]
        by_unit[row["unit_id"]].append((row["alerted_at"], end))
    for spans in by_unit.values():
        spans.sort()
        for (_, ended), (started, _) in zip(spans, spans[1:], strict=False):
            assert started >= ended


@pytest.mark.django_db
def test_1a_is_alerted_40_to_120_seconds_after_the_answer_unless_no_unit_was_free(demo):
    seed(*SMALL)
    waits = [(c.first_alert_at - c.call_answered_at).total_seconds()
             for c in Case.objects.filter(reference__startswith="H-", first_alert_priority="1A")]
    assert waits and sum(40 <= w <= 120 for w in waits) >= 0.9 * len(waits)


@pytest.mark.django_db
def test_every_referral_has_a_valid_personal_identity_number(demo):
    seed("--days", "30", "--per-day", "60", "--end", END)
    referrals = Case.objects.filter(reference__startswith="H-", priority=Priority.REFERRAL)
    assert referrals.count() > 100
    for case in referrals:
        assert pin_is_valid(case.personal_identity_number), case.personal_identity_number
        assert luhn_valid(case.personal_identity_number), case.personal_identity_number
        assert case.pin_key == pin_key(case.personal_identity_number) and len(case.pin_key) == 10
        assert case.referred_to
    for case in Case.objects.filter(reference__startswith="H-").exclude(pin_key=""):
        assert luhn_valid(case.pin_key)


@pytest.mark.django_db
def test_some_referred_people_call_again_within_24_hours_at_priority_1_and_some_go_to_hospital(
        demo):
    seed("--days", "30", "--per-day", "60", "--end", END)
    recontacts = 0
    for case in Case.objects.filter(reference__startswith="H-", priority=Priority.REFERRAL):
        recontacts += Case.objects.filter(
            pin_key=case.pin_key, registered_at__gt=case.registered_at,
            registered_at__lte=case.registered_at + timedelta(hours=24),
            first_alert_priority__in=["1A", "1B"]).exists()
    assert recontacts >= 5
    keys = set(Case.objects.filter(priority=Priority.REFERRAL).values_list("pin_key", flat=True))
    visits = HospitalVisit.objects.all()
    assert visits.exists() and visits.filter(admitted=True).exists()
    assert set(visits.values_list("person_key", flat=True)) <= keys


@pytest.mark.django_db
def test_priorities_differ_from_mbs_mostly_with_a_reason_and_some_change_later(demo):
    seed("--days", "30", "--per-day", "60", "--end", END)
    cases = Case.objects.filter(reference__startswith="H-")
    shares = dict(cases.values_list("priority").annotate(n=Count("id")))
    total = sum(shares.values())
    assert 0.06 <= shares["1A"] / total <= 0.16 and 0.12 <= shares["referral"] / total <= 0.25
    differ = [c for c in cases if c.priority != c.mbs_priority]
    assert 0.05 * total <= len(differ) <= 0.2 * total
    with_reason = sum(bool(c.priority_change_reason) for c in differ)
    assert 0.8 * len(differ) <= with_reason < len(differ)
    changes = CaseChange.objects.filter(case__in=cases, field="priority")
    assert changes.exists()
    for change in changes.select_related("case"):
        assert change.case.registered_at < change.changed_at < change.case.closed_at


@pytest.mark.django_db
def test_the_generated_dispatchers_cannot_sign_in(demo):
    seed(*SMALL)
    users = User.objects.filter(username__startswith="hist-disp-")
    assert users.count() == 8
    assert not any(u.has_usable_password() for u in users)
    assert Case.objects.filter(created_by__in=users).exists()
    assert Case.objects.filter(created_by__username="anna", reference__startswith="H-").exists()


@pytest.mark.django_db
def test_a_total_is_met_exactly(demo):
    made = history_generate(days=5, end=date(2026, 11, 30), total=300, per_day=0)
    assert made["cases"] == 300 + made["recontacts"]
    assert Case.objects.filter(reference__startswith="H-").count() == made["cases"]
    answered = Call.objects.filter(call_id__startswith="H-", answered_at__isnull=False)
    assert answered.count() == made["cases"]


@pytest.mark.django_db
def test_without_the_demo_world_it_says_what_to_run_first():
    with pytest.raises(CommandError, match="seed_demo"):
        seed(*SMALL)


@pytest.mark.django_db
def test_a_bad_end_date_is_refused_with_words(demo):
    with pytest.raises(CommandError, match="not a date"):
        seed("--end", "2026-13-01")


def test_check_digits_are_luhn():
    assert luhn_digit("811218987") == "6"  # Skatteverket's example 811218-9876
    assert luhn_valid("19811218-9876") and luhn_valid("811218-9876")
    assert not luhn_valid("19811218-9875")
    import random

    rng = random.Random(1)
    for _ in range(500):
        pin = pin_draw(rng, on=date(2026, 6, 1))
        assert pin_is_valid(pin) and luhn_valid(pin)
        assert pin_key(pin_retyped(rng, pin)) == pin_key(pin)


@pytest.mark.django_db
def test_sormland_answers_slower_in_the_summer_tertial_so_the_screen_has_a_deviation(demo):
    seed("--days", "40", "--per-day", "60", "--end", "2026-06-30")
    answers = defaultdict(list)
    for code, queued, answered in Call.objects.filter(
            call_id__startswith="H-", prioritised=True).values_list(
            "region__code", "queued_at", "answered_at"):
        answers[code].append((answered - queued).total_seconds())
    others = median(answers["VML"] + answers["UPP"])
    assert median(answers["SRM"]) > 1.4 * others
