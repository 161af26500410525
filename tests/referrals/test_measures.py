"""Measure 5 on a hand-made history, and the statistics per unit."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from dispatch.models import Case
from referrals import services
from referrals.measures import measure5, referral_stats
from referrals.models import Referral

TZ = ZoneInfo("Europe/Stockholm")
T0 = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


def at(case_or_referral, when, **more):
    """Move a record into the hand-made history."""
    model = type(case_or_referral)
    if model is Case:
        model.objects.filter(pk=case_or_referral.pk).update(
            registered_at=when, call_received_at=when, call_answered_at=when, **more)
    else:
        model.objects.filter(pk=case_or_referral.pk).update(sent_at=when, **more)


def test_measure_5_counts_referred_patients_back_at_priority_1_within_24_hours(
        demo, care, send, new_case, referral_case):
    from referrals.models import MobileCareProfile

    MobileCareProfile.objects.filter(unit=care.mve1500).update(capacity=20)

    def referred(pin, when):
        case = referral_case(personal_identity_number=pin)
        at(case, when)
        referral = send(case=case)
        at(referral, when)
        return referral

    def contact(pin, when, priority="1A", dispatched=True):
        case = new_case(personal_identity_number=pin, priority=priority,
                        mbs_priority=priority)
        at(case, when, first_alert_at=when + timedelta(minutes=1) if dispatched else None)

    referred("19400101-0001", T0)                     # back at 1A after 5 h: counts
    contact("19400101-0001", T0 + timedelta(hours=5))
    referred("19400101-0002", T0)                     # back after 30 h: too late
    contact("19400101-0002", T0 + timedelta(hours=30))
    referred("19400101-0003", T0)                     # back at 2A: not priority 1
    contact("19400101-0003", T0 + timedelta(hours=2), priority="2A")
    referred("19400101-0004", T0)                     # 1B registered, never dispatched
    contact("19400101-0004", T0 + timedelta(hours=3), priority="1B", dispatched=False)
    referred("", T0)                                  # no identity number: cannot be followed
    contact("19400101-0005", T0 + timedelta(hours=1))  # a patient never referred
    before = referred("19400101-0006", T0)            # the new contact came before
    contact("19400101-0006", T0 - timedelta(hours=1))
    assert before

    result = measure5(start=T0 - timedelta(days=1), end=T0 + timedelta(days=1))
    assert result == {"m5_referral_recontact_p1_24h_share": 0.2, "m5_referred_cases": 5,
                      "m5_recontacted_cases": 1, "m5_without_identity_number": 1}
    # Outside the period: nothing referred.
    assert measure5(start=T0 + timedelta(days=2), end=T0 + timedelta(days=3))[
        "m5_referral_recontact_p1_24h_share"] is None


def test_measure_5_at_the_edges_of_the_window_and_of_the_number(
        demo, care, send, new_case, referral_case):
    from referrals.models import MobileCareProfile

    MobileCareProfile.objects.filter(unit=care.mve1500).update(capacity=20)

    def referred(pin):
        case = referral_case(personal_identity_number=pin)
        at(case, T0)
        at(send(case=case), T0)

    def contact(pin, when, priority="1A"):
        case = new_case(personal_identity_number=pin, priority=priority,
                        mbs_priority=priority)
        at(case, when, first_alert_at=when + timedelta(minutes=1))

    referred("19400101-0011")                         # 24 h exactly: counts
    contact("19400101-0011", T0 + timedelta(hours=24))
    referred("19400101-0012")                         # 24 h and a second: does not
    contact("19400101-0012", T0 + timedelta(hours=24, seconds=1))
    referred("19400101-0013")                         # typed without the hyphen: counts
    contact("194001010013", T0 + timedelta(hours=6))
    referred("400101-0014")                           # without the century: counts
    contact("19400101-0014", T0 + timedelta(hours=6))
    referred("19400101-0015")                         # another person at 1A, this one at 2B
    contact("19400101-0016", T0 + timedelta(hours=1))
    contact("19400101-0015", T0 + timedelta(hours=1), priority="2B")
    referred("")                                      # no identity number: left out
    contact("", T0 + timedelta(hours=1))

    assert measure5(start=T0 - timedelta(hours=1), end=T0 + timedelta(hours=1)) == {
        "m5_referral_recontact_p1_24h_share": 0.6, "m5_referred_cases": 5,
        "m5_recontacted_cases": 3, "m5_without_identity_number": 1}


def test_measure_5_counts_the_priority_a_case_was_dispatched_at_not_a_later_one(
        demo, care, send, new_case, referral_case):
    """A re-contact dispatched at 1B and lowered to 2A afterwards still counts; one dispatched
    at 2A and raised to 1A afterwards does not."""
    from referrals.models import MobileCareProfile

    MobileCareProfile.objects.filter(unit=care.mve1500).update(capacity=20)
    for pin, dispatched_at, now in (("19400101-0021", "1B", "2A"),
                                    ("19400101-0022", "2A", "1A")):
        case = referral_case(personal_identity_number=pin)
        at(case, T0)
        at(send(case=case), T0)
        contact = new_case(personal_identity_number=pin, priority=now, mbs_priority=now)
        at(contact, T0 + timedelta(hours=2), first_alert_at=T0 + timedelta(hours=2, minutes=1),
           first_alert_priority=dispatched_at)

    assert measure5(start=T0 - timedelta(hours=1), end=T0 + timedelta(hours=1)) == {
        "m5_referral_recontact_p1_24h_share": 0.5, "m5_referred_cases": 2,
        "m5_recontacted_cases": 1, "m5_without_identity_number": 0}


def test_a_needs_ambulance_case_dispatched_at_priority_1_counts(demo, care, send):
    from django.utils import timezone

    from dispatch.services import assignment_dispatch

    referral = send()
    referral = services.referral_accept(referral=referral, by=care.karin,
                                        expected_visit_at=timezone.now() + timedelta(hours=1))
    referral = services.referral_record_outcome(referral=referral, by=care.karin,
                                                outcome="needs_ambulance")
    assignment_dispatch(case=referral.new_case, units=[demo.amb1020], by=demo.anna)
    now = timezone.now()
    result = measure5(start=now - timedelta(hours=1), end=now + timedelta(hours=1))
    assert result["m5_referral_recontact_p1_24h_share"] == 1.0


def test_a_case_referred_twice_counts_once(demo, care, send):
    from django.utils import timezone

    first = send()
    services.referral_decline(referral=first, by=care.karin, reason="Fullt")
    send(case=first.case)
    now = timezone.now()
    assert measure5(start=now - timedelta(hours=1), end=now + timedelta(hours=1))[
        "m5_referred_cases"] == 1


def test_stats_per_unit(demo, care, send, referral_case):
    from referrals.models import MobileCareProfile

    MobileCareProfile.objects.filter(unit=care.mve1500).update(capacity=10)
    rows = []
    for minutes_to_accept, outcome in ((10, "treated_at_home"), (30, "needs_ambulance"),
                                       (None, None)):
        referral = send(case=referral_case())
        at(referral, T0)
        rows.append((referral, minutes_to_accept, outcome))
    declined = send(case=referral_case())
    at(declined, T0)
    services.referral_decline(referral=declined, by=care.karin, reason="Ingen tid")
    for referral, minutes, outcome in rows:
        if minutes is None:
            continue
        Referral.objects.filter(pk=referral.pk).update(
            state="visited", responsible="unit" if outcome == "treated_at_home" else "centre",
            accepted_at=T0 + timedelta(minutes=minutes),
            expected_visit_at=T0 + timedelta(hours=1), visited_at=T0 + timedelta(minutes=2 *
                                                                                 minutes + 60),
            outcome=outcome)
    stats = referral_stats(start=T0 - timedelta(hours=1), end=T0 + timedelta(hours=1))
    assert stats["referrals"] == 4
    [row] = stats["units"]
    assert row["call_sign"] == "MVE 1500"
    assert (row["referrals"], row["accepted"], row["declined"], row["open"]) == (4, 2, 1, 1)
    assert row["acceptance_rate"] == round(2 / 3, 4)
    assert row["median_s_to_accept"] == 20 * 60.0
    assert row["median_s_to_visit"] == 100 * 60.0
    assert row["outcomes"] == {"treated_at_home": 1, "referred_on": 0, "needs_ambulance": 1}


def test_stats_over_the_api(demo, care, api, send):
    send()
    body = api(demo.anna).get("/api/referrals/stats/").json()
    assert body["referrals"] == 1 and body["units"][0]["call_sign"] == "MVE 1500"
    assert "m5_referral_recontact_p1_24h_share" in body
    assert api(care.karin).get("/api/referrals/stats/").status_code == 403


def test_stats_dates_include_the_to_day_and_bad_dates_are_refused(demo, api, send):
    send()
    today = timezone.localdate().isoformat()
    body = api(demo.anna).get(f"/api/referrals/stats/?from={today}&to={today}").json()
    assert body["referrals"] == 1
    response = api(demo.anna).get("/api/referrals/stats/?to=2026-02-31")
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["detail"]
