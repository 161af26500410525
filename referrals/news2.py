"""NEWS2 (National Early Warning Score 2, Royal College of Physicians 2017) from a handover's
vital signs, and the ranges a vital sign must be within to be believed at all.

The score is the sum of the seven parameters' points. Scale 2 of SpO2 is for patients with a
prescribed target of 88–92 % (hypercapnic respiratory failure): on it, 93 % or more scores
only on oxygen. A score of 3 in any single parameter is flagged on its own: the chart asks for
an urgent response to it whatever the sum. With a parameter missing the sum is partial and
marked incomplete, never passed off as the score.

The chart is data (BANDS and the tables beside it), not code: the server scores with it, and
a page that scores a preview gets it as JSON (chart_table) for frontend/src/js/news2.js to
evaluate the same way. tests/vectors/news2.json holds the cases both must agree on.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class VitalRange:
    """Physiologically possible values; outside them a number is a typing error, not a patient.
    `step` is the precision the handover keeps (and the form offers)."""

    low: int | Decimal
    high: int | Decimal
    unit: str
    step: int | Decimal = 1


RANGES = {
    "respiratory_rate": VitalRange(0, 80, "/min"),
    "spo2": VitalRange(50, 100, "%"),
    "systolic_bp": VitalRange(40, 300, "mmHg"),
    "pulse": VitalRange(20, 300, "/min"),
    "temperature": VitalRange(Decimal("25.0"), Decimal("45.0"), "°C", Decimal("0.1")),
}
PARAMETERS = ("respiratory_rate", "spo2", "on_oxygen", "systolic_bp", "pulse",
              "consciousness", "temperature")

# The chart, as data: the server scores with these tables and the pages that score or check
# vital signs get them (chart_table), so the browser's preview never has its own copy.
# A band is (its highest value, points), lowest band first; the last band is open (None).
BANDS = {
    "respiratory_rate": ((8, 3), (11, 1), (20, 0), (24, 2), (None, 3)),
    "spo2_scale_1": ((91, 3), (93, 2), (95, 1), (None, 0)),
    # Scale 2 (a prescribed target of 88–92 %): 93 % or more scores only on oxygen.
    "spo2_scale_2_air": ((83, 3), (85, 2), (87, 1), (None, 0)),
    "spo2_scale_2_oxygen": ((83, 3), (85, 2), (87, 1), (92, 0), (94, 1), (96, 2), (None, 3)),
    "systolic_bp": ((90, 3), (100, 2), (110, 1), (219, 0), (None, 3)),
    "pulse": ((40, 3), (50, 1), (90, 0), (110, 1), (130, 2), (None, 3)),
    "temperature": ((Decimal("35.0"), 3), (Decimal("36.0"), 1), (Decimal("38.0"), 0),
                    (Decimal("39.0"), 1), (None, 2)),
}
ON_OXYGEN = {"air": 0, "oxygen": 2}
ACVPU = {"A": 0, "C": 3, "V": 3, "P": 3, "U": 3}
# A single parameter scoring this much is flagged on its own (the chart's "red score").
RED = 3
# The clinical risk by the sum (bands as above), and what a red score makes of a low sum.
RISK = ((4, "low"), (6, "medium"), (None, "high"))
RED_RAISES = {"low": "low_medium"}


def band_of(bands, value):
    """What the band holding value gives (points, or a risk for RISK)."""
    number = Decimal(str(value))
    for top, given in bands:
        if top is None or number <= Decimal(str(top)):
            return given
    raise ValueError(value)  # pragma: no cover - every table ends with an open band


def spo2_bands(scale, on_oxygen) -> str:
    """Which SpO2 table scores: scale 1, or scale 2 on air (an unknown supply counts as air)
    or on oxygen."""
    if int(scale or 1) != 2:
        return "spo2_scale_1"
    return "spo2_scale_2_oxygen" if on_oxygen else "spo2_scale_2_air"


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
        risk = band_of(RISK, self.score)
        return RED_RAISES.get(risk, risk) if self.single_three else risk


def parameter_points(parameter: str, value, *, spo2_scale=1, on_oxygen=None) -> int | None:
    """One parameter's points on the chart; None for an ACVPU level the chart does not know."""
    if parameter == "spo2":
        return band_of(BANDS[spo2_bands(spo2_scale, on_oxygen)], value)
    if parameter == "on_oxygen":
        return ON_OXYGEN["oxygen" if value else "air"]
    if parameter == "consciousness":
        return ACVPU.get(str(value).upper())
    return band_of(BANDS[parameter], value)


def news2(*, respiratory_rate=None, spo2=None, spo2_scale: int = 1, on_oxygen=None,
          systolic_bp=None, pulse=None, consciousness="", temperature=None) -> News2:
    given = {"respiratory_rate": respiratory_rate, "spo2": spo2, "on_oxygen": on_oxygen,
             "systolic_bp": systolic_bp, "pulse": pulse, "consciousness": consciousness or None,
             "temperature": temperature}
    points = {}
    for name, value in given.items():
        if value is not None:
            scored = parameter_points(name, value, spo2_scale=spo2_scale, on_oxygen=on_oxygen)
            if scored is not None:
                points[name] = scored
    missing = tuple(p for p in PARAMETERS if p not in points)
    return News2(score=sum(points.values()), complete=not missing,
                 single_three=any(v == RED for v in points.values()), missing=missing,
                 points=points)


def _plain(number):
    """A number as JSON carries it (a Decimal would become a string)."""
    return float(number) if isinstance(number, Decimal) else number


def _normal(name: str, bands) -> dict:
    """The values scoring 0 (what the form calls normal): None where the band is open."""
    step = RANGES[name].step
    previous = None
    for top, given in bands:
        if given == 0:
            return {"min": None if previous is None else _plain(previous + step),
                    "max": _plain(top)}
        previous = top
    raise ValueError(name)  # pragma: no cover - every parameter has a 0 band


def chart_table() -> dict:
    """The chart and the accepted ranges as plain data, for a page (json_script) and for
    tests/vectors/news2.json: the numbers the server scores and checks with, nothing else."""
    return {
        "parameters": list(PARAMETERS),
        "bands": {name: [[_plain(top), given] for top, given in bands]
                  for name, bands in BANDS.items()},
        "on_oxygen": dict(ON_OXYGEN),
        "consciousness": dict(ACVPU),
        "red": RED,
        "risk": [[top, risk] for top, risk in RISK],
        "red_raises": dict(RED_RAISES),
        "ranges": {
            name: {"min": _plain(r.low), "max": _plain(r.high), "step": _plain(r.step),
                   "unit": r.unit,
                   "normal": _normal(name, BANDS["spo2_scale_1" if name == "spo2" else name])}
            for name, r in RANGES.items()
        },
    }
