"""NEWS2 (National Early Warning Score 2, Royal College of Physicians 2017) from a handover's
vital signs, and the ranges a vital sign must be within to be believed at all.

The score is the sum of the seven parameters' points. Scale 2 of SpO2 is for patients with a
prescribed target of 88–92 % (hypercapnic respiratory failure): on it, 93 % or more scores
only on oxygen. A score of 3 in any single parameter is flagged on its own: the chart asks for
an urgent response to it whatever the sum. With a parameter missing the sum is partial and
marked incomplete, never passed off as the score.
"""

from dataclasses import dataclass
from decimal import Decimal

# Physiologically possible values; outside them a number is a typing error, not a patient.
RANGES = {
    "respiratory_rate": (0, 80, "/min"),
    "spo2": (50, 100, "%"),
    "systolic_bp": (40, 300, "mmHg"),
    "pulse": (20, 300, "/min"),
    "temperature": (Decimal("25.0"), Decimal("45.0"), "°C"),
}
PARAMETERS = ("respiratory_rate", "spo2", "on_oxygen", "systolic_bp", "pulse",
              "consciousness", "temperature")


@dataclass(frozen=True)
class News2:
    score: int
    complete: bool
    single_three: bool
    missing: tuple[str, ...]
    points: dict

    @property
    def risk(self) -> str | None:
        """The chart's clinical risk: low (0–4), low-medium (a single 3), medium (5–6), high
        (7 or more); None while incomplete."""
        if not self.complete:
            return None
        if self.score >= 7:
            return "high"
        if self.score >= 5:
            return "medium"
        if self.single_three:
            return "low_medium"
        return "low"


def respiratory_rate_points(rate: int) -> int:
    if rate <= 8:
        return 3
    if rate <= 11:
        return 1
    if rate <= 20:
        return 0
    if rate <= 24:
        return 2
    return 3


def spo2_points(spo2: int, *, scale: int, on_oxygen: bool | None) -> int:
    if scale == 2:
        if spo2 <= 83:
            return 3
        if spo2 <= 85:
            return 2
        if spo2 <= 87:
            return 1
        if spo2 <= 92 or not on_oxygen:  # 88–92, or ≥93 on air
            return 0
        if spo2 <= 94:
            return 1
        if spo2 <= 96:
            return 2
        return 3
    if spo2 <= 91:
        return 3
    if spo2 <= 93:
        return 2
    if spo2 <= 95:
        return 1
    return 0


def oxygen_points(on_oxygen: bool) -> int:
    return 2 if on_oxygen else 0


def systolic_bp_points(sbp: int) -> int:
    if sbp <= 90:
        return 3
    if sbp <= 100:
        return 2
    if sbp <= 110:
        return 1
    if sbp <= 219:
        return 0
    return 3


def pulse_points(pulse: int) -> int:
    if pulse <= 40:
        return 3
    if pulse <= 50:
        return 1
    if pulse <= 90:
        return 0
    if pulse <= 110:
        return 1
    if pulse <= 130:
        return 2
    return 3


def consciousness_points(acvpu: str) -> int:
    return 0 if acvpu == "A" else 3


def temperature_points(temperature) -> int:
    t = Decimal(str(temperature))
    if t <= Decimal("35.0"):
        return 3
    if t <= Decimal("36.0"):
        return 1
    if t <= Decimal("38.0"):
        return 0
    if t <= Decimal("39.0"):
        return 1
    return 2


def news2(*, respiratory_rate=None, spo2=None, spo2_scale: int = 1, on_oxygen=None,
          systolic_bp=None, pulse=None, consciousness="", temperature=None) -> News2:
    points: dict[str, int] = {}
    if respiratory_rate is not None:
        points["respiratory_rate"] = respiratory_rate_points(respiratory_rate)
    if spo2 is not None:
        points["spo2"] = spo2_points(spo2, scale=spo2_scale, on_oxygen=on_oxygen)
    if on_oxygen is not None:
        points["on_oxygen"] = oxygen_points(on_oxygen)
    if systolic_bp is not None:
        points["systolic_bp"] = systolic_bp_points(systolic_bp)
    if pulse is not None:
        points["pulse"] = pulse_points(pulse)
    if consciousness:
        points["consciousness"] = consciousness_points(consciousness)
    if temperature is not None:
        points["temperature"] = temperature_points(temperature)
    missing = tuple(p for p in PARAMETERS if p not in points)
    return News2(score=sum(points.values()), complete=not missing,
                 single_three=any(v == 3 for v in points.values()), missing=missing,
                 points=points)
