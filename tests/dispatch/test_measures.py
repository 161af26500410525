"""The follow-up measures of seed 000 on a hand-made history (every number worked out by
hand in the comments), and the tertial bounds."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.measures import follow_up_measures, tertial_bounds
from dispatch.models import Assignment, Case

TZ = ZoneInfo("Europe/Stockholm")
T0 = datetime(2026, 6, 10, 12, 0, tzinfo=TZ)  # inside tertial 2 of 2026
S = timedelta(seconds=1)


@pytest.fixture
def history(demo):
    def case(*, at=T0, region=demo.vml, priority="1A", mbs=None, wait=0, alert=None,
             prioritised=False, reason="", pin="", complaint="Bröstsmärta"):
        return Case.objects.create(
            region=region, caller_number="+4621000000", address="Storgatan 1",
            latitude=59.6, longitude=16.5, complaint=complaint, mbs_priority=mbs or priority,
            priority=priority, priority_change_reason=reason, is_prioritised_line=prioritised,
            personal_identity_number=pin, call_received_at=at - wait * S, call_answered_at=at,
            registered_at=at, first_alert_at=at + alert * S if alert is not None else None,
            created_by=demo.anna,
        )

    def assignment(case, *, status="available", transported=False):
        return Assignment.objects.create(
            case=case, unit=demo.amb1010, status=status, alerted_at=case.registered_at,
            status_changed_at=case.registered_at, created_by=demo.anna,
            transporting_at=case.registered_at + 600 * S if transported else None,
        )

    # m1 (1A: answer -> first alert): 60, 100, 90 -> median 90; c4 never alerted, c5 is 1B.
    c1 = case(alert=60, wait=4, prioritised=True)
    c2 = case(alert=100, wait=10, prioritised=True, complaint="Andningsbesvär")
    c3 = case(alert=90, wait=100, complaint="Hjärtstopp")
    c4 = case()
    c5 = case(priority="1B", alert=10, complaint="Fall")
    # m2 (prioritised lines: received -> answered): 4 (c1), 10 (c2), 6 (c6) -> median 6.
    case(priority="2A", wait=6, prioritised=True)
    # m3 (came in as P1, went out as P2): P1 by MBS are c1-c5, c7, c8, c9 = 8; P2 c7, c8.
    c7 = case(mbs="1A", priority="2A", reason="Talar obehindrat")
    case(mbs="1B", priority="2B")  # c8: no reason given
    case(mbs="1A", priority="3", reason="Redan på väg till akuten")  # c9
    # m4 (P1 done without transport, cardiac arrest left out): a1, a2, a4 count; a2 only
    # without transport -> 1/3. a3 is a cardiac arrest, a5 was cancelled, a6 is a 2A case.
    assignment(c1, transported=True)
    assignment(c2)
    assignment(c3)
    assignment(c5, transported=True)
    assignment(c4, status="cancelled")
    assignment(c7)
    # m5 (referrals with an identity number, re-contact as an alerted P1 within 24 h):
    # r1 yes (5 h later, in another region); r2 no (30 h; and a 2A at 2 h); r3 no (never
    # alerted). r4 has no identity number and is left out -> 1/3.
    r1 = case(at=T0 + timedelta(days=1), priority="referral", pin="19121212-1212")
    case(at=r1.registered_at + timedelta(hours=5), region=demo.upp, pin="19121212-1212",
         alert=50)
    r2 = case(at=T0 + timedelta(days=2), priority="referral", pin="19790101-2385")
    case(at=r2.registered_at + timedelta(hours=30), region=demo.upp, pin="19790101-2385",
         alert=50)
    case(at=r2.registered_at + timedelta(hours=2), region=demo.upp, pin="19790101-2385",
         priority="2A", alert=50)
    r3 = case(at=T0 + timedelta(days=3), priority="referral", pin="20010101-0007")
    case(at=r3.registered_at + timedelta(hours=1), region=demo.upp, pin="20010101-0007")
    case(at=T0 + timedelta(days=4), priority="referral")
    # m7 (reason given when priority differs from MBS): c7, c9 of c7, c8, c9 -> 2/3.
    # Boundaries: the first instant of the tertial counts, the first of the next does not.
    start, end = tertial_bounds(2026, 2)
    case(at=start, priority="3")
    case(at=end, alert=1000, wait=1000, prioritised=True)
    case(at=start - S, alert=1000, wait=1000, prioritised=True)
    return demo


def test_follow_up_measures_on_a_hand_made_history(history):
    start, end = tertial_bounds(2026, 2)
    measures = follow_up_measures(region=history.vml, start=start, end=end)
    assert measures == {
        "cases": 14,  # c1-c9, r1-r4, and the one at the first instant
        "m1_p1a_median_answer_to_alert_s": 90.0,
        "m1_target_s": 80,
        "m1_count": 3,
        "m2_prioritised_median_answer_s": 6.0,
        "m2_target_s": 8,
        "m2_count": 3,
        "m3_p1_to_p2_share": 0.25,
        "m4_p1_without_transport_share": 0.3333,
        "m5_referral_recontact_p1_24h_share": 0.3333,
        "m6": "needs hospital data (import); not computed",
        "m7_reason_given_share": 0.6667,
        "m7_target_share": 0.95,
    }


def test_a_region_without_cases_has_no_measures(history):
    start, end = tertial_bounds(2026, 2)
    measures = follow_up_measures(region=history.srm, start=start, end=end)
    assert measures["cases"] == 0
    assert measures["m1_count"] == measures["m2_count"] == 0
    for key in ("m1_p1a_median_answer_to_alert_s", "m2_prioritised_median_answer_s",
                "m3_p1_to_p2_share", "m4_p1_without_transport_share",
                "m5_referral_recontact_p1_24h_share", "m7_reason_given_share"):
        assert measures[key] is None, key


def test_the_measures_api_answers_for_a_given_tertial(history, api):
    response = api(history.anna).get("/api/measures/",
                                     {"region": history.vml.pk, "year": 2026, "tertial": 2})
    assert response.status_code == 200
    body = response.json()
    assert (body["region"], body["year"], body["tertial"], body["cases"]) == ("VML", 2026, 2,
                                                                             14)
    assert body["m1_p1a_median_answer_to_alert_s"] == 90.0


def test_measure_1_counts_the_priority_a_case_was_dispatched_at(demo):
    """Alerted at 1A and lowered to 2A afterwards: still a 1A dispatch for measure 1. Raised to
    1A only after a 2A alert: not one."""
    def case(*, now, alerted_at, alert):
        return Case.objects.create(
            region=demo.vml, caller_number="+4621000000", address="Storgatan 1", latitude=59.6,
            longitude=16.5, complaint="Bröstsmärta", mbs_priority="1A", priority=now,
            priority_change_reason="Ändrad", call_received_at=T0, call_answered_at=T0,
            registered_at=T0, first_alert_at=T0 + alert * S, first_alert_priority=alerted_at,
            created_by=demo.anna)

    case(now="2A", alerted_at="1A", alert=70)
    case(now="1A", alerted_at="2A", alert=400)
    start, end = tertial_bounds(2026, 2)
    measures = follow_up_measures(region=demo.vml, start=start, end=end)
    assert (measures["m1_count"], measures["m1_p1a_median_answer_to_alert_s"]) == (1, 70.0)


def test_dispatching_a_case_keeps_the_priority_it_went_out_at(demo):
    from dispatch.services import assignment_dispatch, case_register, case_update
    from tests.conftest import case_payload

    data = case_payload(demo.vml, priority="1B", mbs_priority="1B")
    data["region"] = demo.vml
    case = case_register(by=demo.anna, **data)
    assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    case.refresh_from_db()
    assert case.first_alert_priority == "1B"
    case_update(case=case, by=demo.anna, priority="2A", priority_change_reason="Lugnare")
    case.refresh_from_db()
    assert (case.priority, case.first_alert_priority, case.alerted_priority) == ("2A", "1B", "1B")


@pytest.mark.parametrize(
    ("tertial", "start", "end"),
    [
        (1, datetime(2026, 1, 1, tzinfo=TZ), datetime(2026, 5, 1, tzinfo=TZ)),
        (2, datetime(2026, 5, 1, tzinfo=TZ), datetime(2026, 9, 1, tzinfo=TZ)),
        (3, datetime(2026, 9, 1, tzinfo=TZ), datetime(2027, 1, 1, tzinfo=TZ)),
    ],
)
def test_tertial_bounds(tertial, start, end):
    assert tertial_bounds(2026, tertial) == (start, end)


def test_tertials_are_local_time_and_follow_each_other():
    t1, t2, t3 = (tertial_bounds(2026, n) for n in (1, 2, 3))
    assert t1[1] == t2[0] and t2[1] == t3[0]
    assert t1[0].utcoffset() == timedelta(hours=1)   # winter time
    assert t2[0].utcoffset() == timedelta(hours=2)   # summer time
    assert tertial_bounds(2027, 1)[0] == t3[1]


@pytest.mark.parametrize("tertial", [0, 4, -1])
def test_there_are_three_tertials(tertial):
    with pytest.raises(ValueError):
        tertial_bounds(2026, tertial)
