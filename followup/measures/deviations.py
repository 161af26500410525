"""The stated tests of a deviation (*avvikelse*): a region against the other two pooled, and a
tertial against the previous three pooled.

- Shares: the two-proportion z-test with the pooled proportion, two-sided:
  z = (p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)), p = erfc(|z| / √2).
- Medians: Mood's median test: each group's values above / not above the median of both
  together, a 2×2 table, Pearson's chi-square with 1 degree of freedom and no continuity
  correction, p = erfc(√(χ²/2)).

A deviation is flagged when p < FOLLOWUP_DEVIATION_ALPHA and each group holds at least
FOLLOWUP_DEVIATION_MIN_COUNT values."""

import math
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

TWO_PROPORTIONS = "two_proportions"
MEDIAN_TEST = "median_test"
HIGHER = "higher"
LOWER = "lower"


def two_proportions_p(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p of the pooled two-proportion z-test; None when a group is empty."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 1.0  # both all or both none: no difference
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return math.erfc(abs(z) / math.sqrt(2))


def chi_square_2x2(a: int, b: int, c: int, d: int) -> float | None:
    """Pearson's chi-square of [[a, b], [c, d]] without continuity correction; None when a
    margin is zero."""
    n = a + b + c + d
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    if margins == 0:
        return None
    return n * (a * d - b * c) ** 2 / margins


def median_test_p(above1: int, n1: int, above2: int, n2: int) -> float | None:
    """Two-sided p of Mood's median test from each group's count above the pooled median and
    its size; None when the table has an empty margin (e.g. every value equal)."""
    if n1 <= 0 or n2 <= 0:
        return None
    x = chi_square_2x2(above1, n1 - above1, above2, n2 - above2)
    return None if x is None else math.erfc(math.sqrt(x / 2))


@dataclass(frozen=True)
class Comparison:
    """One group (a region in the tertial) against another (the others, the previous
    tertials): their figures and sizes, and the test's p."""

    kind: str
    test: str
    value: float | None
    compared_with: float | None
    count: int
    compared_count: int
    p_value: float | None

    def flagged(self) -> bool:
        minimum = settings.FOLLOWUP_DEVIATION_MIN_COUNT
        return (self.p_value is not None and self.value is not None
                and self.compared_with is not None and self.value != self.compared_with
                and self.p_value < settings.FOLLOWUP_DEVIATION_ALPHA
                and self.count >= minimum and self.compared_count >= minimum)

    @property
    def direction(self) -> str:
        return HIGHER if self.value > self.compared_with else LOWER


def p_words(p: float) -> str:
    """p as a person reads it, in the active language's decimals: "p = 0,003", "p < 0,001"."""
    if p < 0.001:
        return _("p < %(p)s") % {"p": formats.number_format(0.001, 3)}
    return _("p = %(p)s") % {"p": formats.number_format(round(p, 3), 3)}


def deviation_words(kind: str, direction: str, p: float) -> str:
    sentences = {
        ("region", HIGHER): _("Higher than the other regions (%(p)s)"),
        ("region", LOWER): _("Lower than the other regions (%(p)s)"),
        ("trend", HIGHER): _("Higher than the previous three tertials (%(p)s)"),
        ("trend", LOWER): _("Lower than the previous three tertials (%(p)s)"),
    }
    return sentences[(kind, direction)] % {"p": p_words(p)}
