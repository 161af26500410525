"""The stated tests of a deviation against textbook values, and the tertials' bounds."""

import math
from datetime import UTC, datetime

import pytest

from core.errors import Invalid
from followup.measures.deviations import (
    Comparison,
    chi_square_2x2,
    median_test_p,
    p_words,
    two_proportions_p,
)
from followup.measures.periods import Tertial, tertial_of, tertial_parse


def test_two_proportions_textbook_example():
    # 45/100 against 30/100: p̂ = 0.375, se = √(0.375 · 0.625 · 0.02) = 0.068465,
    # z = 0.15 / 0.068465 = 2.1909, two-sided p = 0.0285.
    assert two_proportions_p(45, 100, 30, 100) == pytest.approx(0.028460, abs=1e-6)
    # Symmetric, and equal shares give p = 1.
    assert two_proportions_p(30, 100, 45, 100) == pytest.approx(0.028460, abs=1e-6)
    assert two_proportions_p(10, 50, 20, 100) == pytest.approx(1.0)


def test_two_proportions_degenerate_groups():
    assert two_proportions_p(0, 0, 3, 10) is None
    assert two_proportions_p(0, 10, 0, 20) == 1.0  # both none
    assert two_proportions_p(10, 10, 20, 20) == 1.0  # both all


def test_chi_square_critical_values_give_their_p():
    # χ²(1) = 3.841 is the 5 % critical value and 6.635 the 1 %: p = erfc(√(χ²/2)).
    assert math.erfc(math.sqrt(3.841459 / 2)) == pytest.approx(0.05, abs=1e-6)
    assert math.erfc(math.sqrt(6.634897 / 2)) == pytest.approx(0.01, abs=1e-6)


def test_chi_square_2x2_without_continuity_correction():
    # [[10, 20], [30, 40]]: N = 100, (10·40 − 20·30)² = 40,000, margins 30·70·40·60 =
    # 5,040,000: χ² = 100 · 40,000 / 5,040,000 = 0.79365.
    assert chi_square_2x2(10, 20, 30, 40) == pytest.approx(0.793651, abs=1e-6)
    assert chi_square_2x2(0, 0, 3, 4) is None


def test_mood_median_test():
    # 15 of 20 above the pooled median against 5 of 20: [[15, 5], [5, 15]], χ² = 40 · 200² /
    # (20 · 20 · 20 · 20) = 10.0, p = erfc(√5) = 0.001565.
    assert median_test_p(15, 20, 5, 20) == pytest.approx(0.0015654, abs=1e-7)
    # Every value equal: nothing above, an empty margin: no test.
    assert median_test_p(0, 20, 0, 20) is None


def test_a_deviation_is_flagged_below_alpha_with_enough_values(settings):
    settings.FOLLOWUP_DEVIATION_ALPHA = 0.01
    settings.FOLLOWUP_DEVIATION_MIN_COUNT = 20

    def comparison(p, n=30, m=30):
        return Comparison(kind="region", test="two_proportions", value=0.4, compared_with=0.2,
                          count=n, compared_count=m, p_value=p)

    assert comparison(0.009).flagged()
    assert not comparison(0.01).flagged()
    assert not comparison(0.001, n=19).flagged()
    assert not comparison(0.001, m=19).flagged()
    assert not comparison(None).flagged()
    assert comparison(0.009).direction == "higher"


def test_p_in_words():
    assert p_words(0.0031) == "p = 0.003"
    assert p_words(0.0004) == "p < 0.001"


def test_tertial_bounds_at_local_midnight():
    t2 = Tertial(2026, 2)
    assert (t2.first_day.isoformat(), t2.last_day.isoformat()) == ("2026-05-01", "2026-08-31")
    # Midnight in Stockholm is 22:00 UTC the day before in summer time.
    assert t2.start.astimezone(UTC) == datetime(2026, 4, 30, 22, tzinfo=UTC)
    assert Tertial(2026, 3).end.astimezone(UTC) == datetime(2026, 12, 31, 23, tzinfo=UTC)
    assert [t.label for t in Tertial(2026, 1).with_previous(3)] == [
        "T1 2025", "T2 2025", "T3 2025", "T1 2026"]
    assert tertial_of(datetime(2026, 4, 30, 22, 30, tzinfo=UTC)) == t2


@pytest.mark.parametrize(("year", "tertial"), [("x", 1), (2026, 4), (2026, 0), (None, 1),
                                               (1999, 1), (2026, "1.5")])
def test_a_bad_year_or_tertial_is_invalid(year, tertial):
    with pytest.raises(Invalid):
        tertial_parse(year, tertial)


def test_year_and_tertial_as_text():
    assert tertial_parse(" 2026", "3") == Tertial(2026, 3)
