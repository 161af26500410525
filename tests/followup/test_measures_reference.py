"""The tertial report over the hand-computed reference world (tests/followup/reference.py):
every figure below is written out by hand, with its arithmetic, and must come out exactly so
on SQLite and on PostgreSQL."""

import pytest

from followup.selectors import tertial_report
from tests.followup.reference import reference_world

VML, UPP, SRM = "vml", "upp", "srm"


@pytest.fixture
def world(demo):
    return reference_world(demo)


@pytest.fixture
def report(world):
    return tertial_report(year=2026, tertial=1)


def measure(report, number):
    return next(m for m in report["measures"] if m["measure"] == number)


def region_row(report, number, region):
    return next(r for r in measure(report, number)["regions"] if r["region"] == region.pk)


def figures(report, number, demo):
    """(value, count, numerator) per region, Västmanland, Uppsala, Sörmland."""
    return [tuple(region_row(report, number, r)[k] for k in ("value", "count", "numerator"))
            for r in (demo.vml, demo.upp, demo.srm)]


def trend(report, number, region):
    return [(t["label"], t["value"], t["count"]) for t in region_row(report, number,
                                                                      region)["trend"]]


def test_the_period_and_its_regions(report, demo):
    assert (report["year"], report["tertial"], report["label"]) == (2026, 1, "T1 2026")
    assert (report["from"], report["to"]) == ("2026-01-01", "2026-04-30")
    assert report["no_data"] is False
    assert report["alpha"] == 0.01
    assert [r["code"] for r in report["regions"]] == ["VML", "UPP", "SRM"]
    assert [m["measure"] for m in report["measures"]] == [1, 2, 3, 4, 5, 6, 7]
    assert [m["unit"] for m in report["measures"]] == ["seconds"] * 2 + ["share"] * 5


def test_measure_1_median_answer_to_alert_at_1a(report, demo):
    # Västmanland: V1 60, V2 90, V3 100 (from its linked call's answer, not the case's 30),
    # V4 120 (imported, no first_alert_priority: its priority 1A); not V7 (alerted at 1B),
    # V8 (never alerted), F1 (1B). Sorted 60, 90, 100, 120: (90 + 100) / 2 = 95.
    # Uppsala: 50, 50, 50, 80 (U4 at local midnight on 1 January): (50 + 50) / 2 = 50.
    # Sörmland: S1 45 (in Västerås, registered to Sörmland).
    assert figures(report, 1, demo) == [(95.0, 4, None), (50.0, 4, None), (45.0, 1, None)]
    # The centre: 45, 50, 50, 50, 60, 80, 90, 100, 120: the fifth of nine, 60.
    assert measure(report, 1)["centre"] == {"value": 60.0, "count": 9, "numerator": None,
                                            "source": "calls_and_cases"}
    # Trend of Västmanland: P1 70 (T1 2025), nothing in T2 2025, P3 80 (one second before
    # 2026 local time: T3 2025), then T1 2026.
    assert trend(report, 1, demo.vml) == [("T1 2025", 70.0, 1), ("T2 2025", None, 0),
                                          ("T3 2025", 80.0, 1), ("T1 2026", 95.0, 4)]


def test_measure_1_says_where_its_start_came_from(report, demo):
    # Västmanland: V3 starts at its linked call's answer, V1, V2 and V4 at the cases' own
    # call_answered_at (no call linked): both. Uppsala and Sörmland: no call linked, the
    # cases' times only. The centre: both.
    assert [region_row(report, 1, r)["source"] for r in (demo.vml, demo.upp, demo.srm)] == [
        "calls_and_cases", "cases", "cases"]
    assert measure(report, 1)["centre"]["source"] == "calls_and_cases"


def test_measure_1_from_calls_only_when_every_case_has_its_call(world, demo):
    from dispatch.models import Call

    for i, case in enumerate((world.u1, world.u2, world.u3, world.u4)):
        case.call = Call.objects.create(call_id=f"ref-u{i}", region=demo.upp, prioritised=True,
                                        queued_at=case.call_received_at,
                                        answered_at=case.call_answered_at)
        case.save()
    report = tertial_report(year=2026, tertial=1)
    assert region_row(report, 1, demo.upp)["source"] == "calls"
    assert region_row(report, 1, demo.upp)["value"] == 50.0


def test_measure_1_targets_region_own_beats_all_regions(report, demo):
    m = measure(report, 1)
    assert m["target"] == {"comparison": "at_most", "comparison_words": "at most",
                           "value": 80.0, "valid_from": "2022-01-01",
                           "changed_in_period": False}
    # 95 > 80: not met; Uppsala's own 60: 50 ≤ 60 met; Sörmland 45 ≤ 80 met.
    assert [region_row(report, 1, r)["meets_target"] for r in (demo.vml, demo.upp, demo.srm)
            ] == [False, True, True]
    assert region_row(report, 1, demo.upp)["target"]["value"] == 60.0


def test_measure_2_calls_where_logged_else_cases(report, demo):
    # Västmanland has a call log: prioritised and answered 5, 10, 10, 30 (the unanswered one
    # and the ordinary line's 100 left out; V1's prioritised 3 s is not used): 10.
    # Uppsala has none: U1–U3 on prioritised lines, 4, 6, 8: 6. Sörmland: nothing (S2's
    # console registration, received = answered, is no measured answer time).
    assert figures(report, 2, demo) == [(10.0, 4, None), (6.0, 3, None), (None, 0, None)]
    assert [region_row(report, 2, r)["source"] for r in (demo.vml, demo.upp, demo.srm)] == [
        "calls", "cases", "cases"]
    # The centre pools both: 4, 5, 6, 8, 10, 10, 30: 8.
    assert measure(report, 2)["centre"] == {"value": 8.0, "count": 7, "numerator": None,
                                            "source": "calls_and_cases"}
    # Target at most 8: 10 no, 6 yes, no data: None.
    assert [region_row(report, 2, r)["meets_target"] for r in (demo.vml, demo.upp, demo.srm)
            ] == [False, True, None]
    # T1 2025 from P1's prioritised line (12, no call log), T3 2025 from the call log (14,
    # not P3's 99).
    assert trend(report, 2, demo.vml) == [("T1 2025", 12.0, 1), ("T2 2025", None, 0),
                                          ("T3 2025", 14.0, 1), ("T1 2026", 10.0, 4)]


def test_measure_3_priority_one_out_as_two(report, demo):
    # Västmanland, MBS 1A/1B: V1–V10 and F1, 11; out at 2: V5 (alerted 2B) and V6 (never
    # alerted, chosen 2A), 2; not V3 (alerted 1A, changed to 2A later): 2/11 = 0.1818.
    # Uppsala U1–U4 0/4; Sörmland S1, F2 0/2. Centre 2/17 = 0.1176.
    assert figures(report, 3, demo) == [(0.1818, 11, 2), (0.0, 4, 0), (0.0, 2, 0)]
    assert measure(report, 3)["centre"] == {"value": 0.1176, "count": 17, "numerator": 2}


def test_a_region_with_its_own_target_is_not_told_of_an_all_regions_change(world, demo):
    from followup.models import MeasureTarget

    # The all-regions target of measure 1 changes on 1 March 2026; Uppsala's own 60 s (since
    # 2025) stays in force there: its figure was measured against one target only.
    MeasureTarget.objects.create(measure=1, comparison="at_most", value=70,
                                 valid_from=world.r_day.date().replace(day=1))
    report = tertial_report(year=2026, tertial=1)
    assert measure(report, 1)["target"]["changed_in_period"] is True
    assert region_row(report, 1, demo.vml)["target"]["changed_in_period"] is True
    upp = region_row(report, 1, demo.upp)["target"]
    assert (upp["value"], upp["changed_in_period"]) == (60.0, False)


def test_measure_3_target_changed_mid_period(report, demo):
    # 0.30 since 2022, 0.15 from 1 March 2026 (in force at the end), 0.5 from 1 May (later).
    target = measure(report, 3)["target"]
    assert (target["value"], target["valid_from"], target["changed_in_period"]) == (
        0.15, "2026-03-01", True)
    assert [region_row(report, 3, r)["meets_target"] for r in (demo.vml, demo.upp, demo.srm)
            ] == [False, True, True]


def test_measure_4_priority_one_without_transport(report, demo):
    # Västmanland: completed assignments of cases dispatched at 1: V1 (transport), V2 (none;
    # its cancelled one left out), V3 (alerted 1A: none), V4 (transport; its redirected one
    # left out); not V5 (2B), V7 (cardiac arrest), V9 (allergic reaction), V10 (event):
    # 2/4 = 0.5. Uppsala, per assignment (*uppdrag*): U1's two units, one transported, one
    # not, and U2's transport: 1/3 (U2's mobile care unit never transports: left out).
    # Sörmland S1 none 1/1. Centre 4/8 = 0.5.
    assert figures(report, 4, demo) == [(0.5, 4, 2), (0.3333, 3, 1), (1.0, 1, 1)]
    assert measure(report, 4)["centre"] == {"value": 0.5, "count": 8, "numerator": 4}
    assert measure(report, 4)["target"] is None
    assert region_row(report, 4, demo.vml)["meets_target"] is None


def test_measure_5_recontact_within_24_hours(report, demo):
    # R1 → F1 exactly 24 h later at 1B: counts. R2 → F2 24 h 1 s later: not. R3 → F3 2 h
    # later at 2A: not. R4 has no identity number: not counted. 1/3 = 0.3333.
    assert figures(report, 5, demo) == [(0.3333, 3, 1), (None, 0, 0), (None, 0, 0)]
    # R0 (T1 2025) had no recontact: 0/1.
    assert trend(report, 5, demo.vml)[0] == ("T1 2025", 0.0, 1)


def test_measure_6_admitted_within_3_days(report, demo):
    # R1's person arrived exactly 72 h later, admitted: counts; R2's was not admitted; R3's
    # arrived 72 h 1 s later. 1/3 = 0.3333.
    assert figures(report, 6, demo) == [(0.3333, 3, 1), (None, 0, 0), (None, 0, 0)]
    # T1 2025: R0's visit on 2 May 2025 (within 3 days of the tertial's end) is admitted:
    # 1/1; T3 2025 has no hospital visits at all: no data.
    assert trend(report, 6, demo.vml) == [("T1 2025", 1.0, 1), ("T2 2025", None, 0),
                                          ("T3 2025", None, 0), ("T1 2026", 0.3333, 3)]


def test_measure_6_no_data_without_hospital_visits(world, demo):
    from followup.models import HospitalVisit

    HospitalVisit.objects.all().delete()
    row = region_row(tertial_report(year=2026, tertial=1), 6, demo.vml)
    assert (row["value"], row["numerator"], row["count"]) == (None, None, 3)


def test_measure_6_has_data_per_region_by_the_reporting_hospitals(world, demo):
    from followup.models import HospitalVisit

    # Only Uppsala's hospitals reported: Västmanland's referrals have no hospital data, though
    # their people's visits are on file (at Uppsala's hospitals).
    HospitalVisit.objects.update(region=demo.upp)
    report = tertial_report(year=2026, tertial=1)
    row = region_row(report, 6, demo.vml)
    assert (row["value"], row["numerator"], row["count"]) == (None, None, 3)
    assert measure(report, 6)["centre"]["value"] is None  # only Uppsala has data: 0 cases
    # Västmanland's hospitals report too: its figure is back.
    HospitalVisit.objects.filter(person_key=world.r1.pin_key).update(region=demo.vml)
    assert figures(tertial_report(year=2026, tertial=1), 6, demo)[0] == (0.3333, 3, 1)
    # A visit without a region counts for every region.
    HospitalVisit.objects.update(region=None)
    assert figures(tertial_report(year=2026, tertial=1), 6, demo)[0] == (0.3333, 3, 1)


def test_measure_7_changes_with_reason(report, demo):
    # At registration (the priority and reason before any edit): V4 1B→1A "Uppgraderad" ✓,
    # V5 1A→2B without ✗, V6 registered 2B (first change's old value) vs MBS 1B "Lugnt läge"
    # ✓, V7 registered 1B vs 1A "Osäker" (the reason's first change's old value) ✓, R4 3 →
    # referral ✓; not V3 (1A = 1A at registration). 5 changes, 4 with a reason.
    # Later changes: V3 "Bättre information" ✓, V7 "Försämring" ✓, V6 blank ✗ (V5's address
    # change is no priority change): 3, 2 with. Together 6/8 = 0.75 (target at least 0.95).
    assert figures(report, 7, demo) == [(0.75, 8, 6), (None, 0, 0), (None, 0, 0)]
    assert region_row(report, 7, demo.vml)["meets_target"] is False


def test_followups_listed_with_their_measure_and_region(report, world, demo):
    assert region_row(report, 1, demo.vml)["followups"] == [
        {"id": world.record.pk, "kind": "region", "closed": False}]
    assert region_row(report, 1, demo.upp)["followups"] == []


def test_no_deviation_flagged_below_the_minimum_count(report):
    # Every group here is far below FOLLOWUP_DEVIATION_MIN_COUNT (20).
    assert all(not row["deviations"] for m in report["measures"] for row in m["regions"])


def test_deviations_by_mood_median_test(world, demo, settings):
    settings.FOLLOWUP_DEVIATION_MIN_COUNT = 1
    settings.FOLLOWUP_DEVIATION_ALPHA = 0.1
    report = tertial_report(year=2026, tertial=1)
    flagged = region_row(report, 1, demo.vml)["deviations"]
    # Region: Västmanland 60, 90, 100, 120 against Uppsala and Sörmland 45, 50, 50, 50, 80
    # (median 50); pooled median 60. Above 60: 3 of 4 against 1 of 5. χ² = 9·(3·4 − 1·1)² /
    # (4·5·4·5) = 1089/400 = 2.7225; p = erfc(√1.36125) = 0.0989.
    # Trend: against P1 70 and P3 80 (median 75); pooled median of 60, 70, 80, 90, 100, 120
    # is 85. Above: 3 of 4 against 0 of 2. χ² = 6·(3·2 − 1·0)² / (4·2·3·3) = 3.0;
    # p = erfc(√1.5) = 0.0833.
    assert flagged == [
        {"kind": "region", "direction": "higher", "compared_with": 50.0,
         "p_value": 0.0989429, "test": "median_test",
         "words": "Higher than the other regions (p = 0.099)"},
        {"kind": "trend", "direction": "higher", "compared_with": 75.0,
         "p_value": 0.0832645, "test": "median_test",
         "words": "Higher than the previous three tertials (p = 0.083)"}]
    # Measure 2, Västmanland 5, 10, 10, 30 (calls) against Uppsala's 4, 6, 8 (cases): pooled
    # median 8, above 3 of 4 against 0 of 3: χ² = 7·9² / (4·3·3·4) = 3.9375, p = 0.0472.
    # Trend against 12 (T1 2025) and 14 (T3 2025), median 13: pooled median 11; above 1 of 4
    # against 2 of 2: χ² = 6·(1·0 − 3·2)² / (4·2·3·3) = 3.0, p = 0.0833, lower.
    assert [(d["kind"], d["direction"], d["compared_with"], d["p_value"])
            for d in region_row(report, 2, demo.vml)["deviations"]] == [
        ("region", "higher", 6.0, 0.0472209), ("trend", "lower", 13.0, 0.0832645)]


def test_deviations_by_two_proportions(world, demo, settings):
    settings.FOLLOWUP_DEVIATION_MIN_COUNT = 1
    settings.FOLLOWUP_DEVIATION_ALPHA = 0.7
    report = tertial_report(year=2026, tertial=1)
    # Measure 4, Uppsala 1/3 against Västmanland and Sörmland pooled 3/5: p̂ = 4/8,
    # se = √(1/2 · 1/2 · (1/3 + 1/5)) = √(2/15) = 0.3651, z = (0.3333 − 0.6)/0.3651 =
    # −0.7303, p = erfc(0.7303/√2) = 0.4652. No trend: the earlier tertials have no
    # assignments. Västmanland's 2/4 equals the others' pooled 2/4: nothing flagged.
    assert region_row(report, 4, demo.upp)["deviations"] == [
        {"kind": "region", "direction": "lower", "compared_with": 0.6,
         "p_value": 0.465209, "test": "two_proportions",
         "words": "Lower than the other regions (p = 0.465)"}]
    assert region_row(report, 4, demo.vml)["deviations"] == []
    # Measure 6's trend leaves out T3 2025 (no hospital data): 1/3 against T1 2025's 1/1.
    assert [(d["kind"], d["direction"], d["compared_with"])
            for d in region_row(report, 6, demo.vml)["deviations"]] == [("trend", "lower", 1.0)]


def test_an_empty_tertial_is_no_data(world, demo):
    report = tertial_report(year=2025, tertial=2)
    assert report["no_data"] is True
    for m in report["measures"]:
        assert m["centre"]["value"] is None
        assert all(row["value"] is None and row["count"] == 0 for row in m["regions"])
        assert all(row["meets_target"] is None and not row["deviations"]
                   for row in m["regions"])
