"""NEWS2 against the Royal College of Physicians' chart (2017), and the vectors the browser's
evaluator (frontend/src/js/news2.js, tests/js/news2.test.mjs) must pass as well."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from referrals import news2 as n

VECTORS = json.loads(
    (Path(__file__).resolve().parents[1] / "vectors" / "news2.json").read_text(encoding="utf-8"))

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


def test_scale_2_on_air_at_95_scores_less_than_scale_1():
    assert score(spo2=95, spo2_scale=2).score == 0
    assert score(spo2=95, spo2_scale=1).score == 1
    # On oxygen at 97 % on scale 2: 3 for SpO2, 2 for oxygen.
    assert score(spo2=97, spo2_scale=2, on_oxygen=True).score == 5


def test_a_missing_parameter_makes_a_partial_score_marked_incomplete():
    result = n.news2(respiratory_rate=26, pulse=115)
    assert result.score == 5 and not result.complete and result.risk is None
    assert result.single_three
    assert set(result.missing) == {"spo2", "on_oxygen", "systolic_bp", "consciousness",
                                   "temperature"}


def test_the_vectors_carry_the_chart_the_server_scores_with():
    # The JavaScript test evaluates the vectors with this chart: a change to the server's
    # chart fails here until the vectors (chart and expectations) are brought along.
    assert json.loads(json.dumps(n.chart_table())) == VECTORS["chart"]


@pytest.mark.parametrize("vector", VECTORS["points"],
                         ids=lambda v: f"{v['parameter']}={v['value']}")
def test_points_vectors(vector):
    assert n.parameter_points(vector["parameter"], vector["value"],
                              spo2_scale=vector.get("spo2_scale", 1),
                              on_oxygen=vector.get("on_oxygen")) == vector["points"]


@pytest.mark.parametrize("vector", VECTORS["scores"], ids=lambda v: v["name"])
def test_score_vectors(vector):
    result = n.news2(**vector["vitals"])
    assert (result.score, result.complete, result.single_three, result.risk) == \
        (vector["score"], vector["complete"], vector["single_three"], vector["risk"])
    assert result.points == vector["points"] and list(result.missing) == vector["missing"]


def test_every_band_edge_of_the_chart_has_a_vector():
    # Each band's highest value and the next value up are in the points vectors, so neither
    # evaluator can move an edge unnoticed.
    given = {(v["parameter"], v.get("spo2_scale"), v.get("on_oxygen"), Decimal(str(v["value"])))
             for v in VECTORS["points"] if v["parameter"] in n.RANGES}
    for name, bands in n.BANDS.items():
        parameter = "spo2" if name.startswith("spo2") else name
        scale = {"spo2_scale_1": 1, "spo2_scale_2_air": 2, "spo2_scale_2_oxygen": 2}.get(name)
        oxygen = {"spo2_scale_1": False, "spo2_scale_2_air": False,
                  "spo2_scale_2_oxygen": True}.get(name)
        step = n.RANGES[parameter].step
        for top, _points in bands[:-1]:
            for value in (Decimal(str(top)), Decimal(str(top)) + step):
                assert (parameter, scale, oxygen, value) in given, (name, value)


def test_the_form_shows_the_chart_s_zero_band_as_normal():
    ranges = n.chart_table()["ranges"]
    assert ranges["respiratory_rate"]["normal"] == {"min": 12, "max": 20}
    assert ranges["spo2"]["normal"] == {"min": 96, "max": None}
    assert ranges["temperature"]["normal"] == {"min": 36.1, "max": 38.0}
    assert ranges["temperature"]["step"] == 0.1 and ranges["pulse"]["min"] == 20
