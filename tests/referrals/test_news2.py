"""NEWS2 against the Royal College of Physicians' chart (2017)."""

from decimal import Decimal

import pytest

from referrals import news2 as n

NORMAL = {"respiratory_rate": 16, "spo2": 97, "on_oxygen": False, "systolic_bp": 120,
          "pulse": 70, "consciousness": "A", "temperature": Decimal("37.0")}


def score(**overrides):
    return n.news2(**{**NORMAL, **overrides})


def test_a_well_patient_scores_zero_and_is_low_risk():
    result = score()
    assert (result.score, result.complete, result.single_three, result.risk) == \
        (0, True, False, "low")


def test_a_sick_patient_adds_up_every_parameter():
    # RR 24: 2, SpO2 93: 2, oxygen: 2, SBP 105: 1, pulse 115: 2, A: 0, 38.5 °C: 1.
    result = score(respiratory_rate=24, spo2=93, on_oxygen=True, systolic_bp=105, pulse=115,
                   temperature=Decimal("38.5"))
    assert result.score == 10 and result.risk == "high" and not result.single_three
    assert result.points == {"respiratory_rate": 2, "spo2": 2, "on_oxygen": 2,
                             "systolic_bp": 1, "pulse": 2, "consciousness": 0,
                             "temperature": 1}


def test_a_single_three_is_flagged_even_with_a_low_sum():
    result = score(respiratory_rate=26)
    assert result.score == 3 and result.single_three and result.risk == "low_medium"


def test_new_confusion_scores_three():
    result = score(consciousness="C")
    assert result.score == 3 and result.single_three


@pytest.mark.parametrize(("total", "risk"), [(5, "medium"), (6, "medium"), (7, "high")])
def test_risk_bands(total, risk):
    # pulse 115: 2, SBP 95: 2, 38.5: 1 (= 5); + RR 21: 2 (= 7); or + 35.5 instead of 38.5.
    cases = {
        5: {"pulse": 115, "systolic_bp": 95, "temperature": Decimal("38.5")},
        6: {"pulse": 115, "systolic_bp": 95, "temperature": Decimal("39.5")},
        7: {"pulse": 115, "systolic_bp": 95, "temperature": Decimal("38.5"),
            "respiratory_rate": 21},
    }
    result = score(**cases[total])
    assert result.score == total and result.risk == risk


@pytest.mark.parametrize(("rate", "points"), [
    (0, 3), (8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3), (80, 3)])
def test_respiratory_rate(rate, points):
    assert n.respiratory_rate_points(rate) == points


@pytest.mark.parametrize(("spo2", "points"), [
    (50, 3), (91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)])
def test_spo2_scale_1(spo2, points):
    assert n.spo2_points(spo2, scale=1, on_oxygen=False) == points
    assert n.spo2_points(spo2, scale=1, on_oxygen=True) == points


@pytest.mark.parametrize(("spo2", "on_oxygen", "points"), [
    (83, False, 3), (84, False, 2), (85, True, 2), (86, False, 1), (87, True, 1),
    (88, True, 0), (92, True, 0), (93, False, 0), (97, False, 0), (100, False, 0),
    (93, True, 1), (94, True, 1), (95, True, 2), (96, True, 2), (97, True, 3), (100, True, 3)])
def test_spo2_scale_2(spo2, on_oxygen, points):
    assert n.spo2_points(spo2, scale=2, on_oxygen=on_oxygen) == points


def test_scale_2_on_air_at_95_scores_less_than_scale_1():
    assert score(spo2=95, spo2_scale=2).score == 0
    assert score(spo2=95, spo2_scale=1).score == 1
    # On oxygen at 97 % on scale 2: 3 for SpO2, 2 for oxygen.
    assert score(spo2=97, spo2_scale=2, on_oxygen=True).score == 5


@pytest.mark.parametrize(("sbp", "points"), [
    (40, 3), (90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)])
def test_systolic_bp(sbp, points):
    assert n.systolic_bp_points(sbp) == points


@pytest.mark.parametrize(("pulse", "points"), [
    (20, 3), (40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2),
    (130, 2), (131, 3)])
def test_pulse(pulse, points):
    assert n.pulse_points(pulse) == points


@pytest.mark.parametrize(("temperature", "points"), [
    ("25.0", 3), ("35.0", 3), ("35.1", 1), ("36.0", 1), ("36.1", 0), ("38.0", 0),
    ("38.1", 1), ("39.0", 1), ("39.1", 2), ("45.0", 2)])
def test_temperature(temperature, points):
    assert n.temperature_points(Decimal(temperature)) == points


@pytest.mark.parametrize("level", ["C", "V", "P", "U"])
def test_anything_but_alert_scores_three(level):
    assert n.consciousness_points(level) == 3 and n.consciousness_points("A") == 0


def test_a_missing_parameter_makes_a_partial_score_marked_incomplete():
    result = n.news2(respiratory_rate=26, pulse=115)
    assert result.score == 5 and not result.complete and result.risk is None
    assert result.single_three
    assert set(result.missing) == {"spo2", "on_oxygen", "systolic_bp", "consciousness",
                                   "temperature"}
