"""The structured handover: checking what the dispatcher typed before it reaches a unit."""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid
from core.phones import PhoneNumberInvalid, phone_normalise

from .models import Consciousness
from .news2 import RANGES, News2, news2

VITALS = ("respiratory_rate", "spo2", "spo2_scale", "on_oxygen", "systolic_bp", "pulse",
          "consciousness", "temperature")
HANDOVER_FIELDS = ("reason", "assessment", *VITALS)


def callback_normalise(raw) -> str:
    """070-123 45 67 → +46701234567 (core.phones: 0046…, +46 (0)70… too). The unit calls
    the patient back on it, so it is required."""
    if not str(raw or "").strip():
        raise Invalid(_("Give the callback number the unit can reach the patient on, e.g. "
                        "070-123 45 67 or +46701234567."), field="callback_number")
    try:
        return phone_normalise(raw)
    except PhoneNumberInvalid:
        raise Invalid(_("The callback number %(number)s is not a phone number; give it as "
                        "070-123 45 67 or +46701234567.") % {"number": raw},
                      field="callback_number") from None


def deadline_check(deadline: datetime | None, *, now: datetime) -> datetime:
    if deadline is None:
        raise Invalid(_("Give the latest time the patient must be seen (deadline)."),
                      field="deadline")
    if deadline <= now:
        raise Invalid(_("The latest time to be seen (%(time)s) has already passed; give a "
                        "time in the future.")
                      % {"time": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
                      field="deadline")
    limit = settings.REFERRAL_MAX_DEADLINE_HOURS
    if deadline > now + timedelta(hours=limit):
        raise Invalid(_("The latest time to be seen is more than %(hours)s hours away; a "
                        "referral is for care within that time.") % {"hours": limit},
                      field="deadline")
    return deadline


def _number(name: str, value, *, decimal: bool = False):
    if value is None or value == "":
        return None
    low, high, unit = RANGES[name].low, RANGES[name].high, RANGES[name].unit
    try:
        if isinstance(value, bool | list | dict):  # true is not 1 breath a minute
            raise TypeError
        number = Decimal(str(value)) if decimal else int(value)
        if decimal:
            if not number.is_finite():  # "NaN", "Infinity"
                raise ValueError
            number = number.quantize(Decimal("0.1"))
        elif isinstance(value, float) and value != int(value):
            raise ValueError
    except (InvalidOperation, TypeError, ValueError, OverflowError):
        raise Invalid(_("%(name)s must be a number.") % {"name": name}, field=name) from None
    if not low <= number <= high:
        raise Invalid(_("%(name)s %(value)s is out of range: it must be between %(low)s and "
                        "%(high)s %(unit)s.")
                      % {"name": name, "value": value, "low": low, "high": high, "unit": unit},
                      field=name)
    return number


def handover_clean(data: dict) -> tuple[dict, News2]:
    """The handover's fields, checked: the reason is required; each vital sign is optional
    but must be physiologically possible. Returns the clean fields and the NEWS2."""
    unknown = set(data) - set(HANDOVER_FIELDS)
    if unknown:
        raise Invalid(_("Unknown handover field %(name)s.") % {"name": sorted(unknown)[0]})
    reason = str(data.get("reason") or "").strip()
    if not reason:
        raise Invalid(_("Give the reason for the referral in the handover."), field="reason")
    clean = {
        "reason": reason[:300],
        "assessment": str(data.get("assessment") or "").strip()[:2000],
        "respiratory_rate": _number("respiratory_rate", data.get("respiratory_rate")),
        "spo2": _number("spo2", data.get("spo2")),
        "systolic_bp": _number("systolic_bp", data.get("systolic_bp")),
        "pulse": _number("pulse", data.get("pulse")),
        "temperature": _number("temperature", data.get("temperature"), decimal=True),
    }
    scale = data.get("spo2_scale") or 1
    if isinstance(scale, bool) or scale not in (1, 2, "1", "2"):
        raise Invalid(_("spo2_scale is 1, or 2 for a patient with a target of 88–92 %."),
                      field="spo2_scale")
    clean["spo2_scale"] = int(scale)
    on_oxygen = data.get("on_oxygen")
    if on_oxygen is not None and not isinstance(on_oxygen, bool):
        raise Invalid(_("on_oxygen is true (supplemental oxygen) or false (air)."),
                      field="on_oxygen")
    clean["on_oxygen"] = on_oxygen
    consciousness = str(data.get("consciousness") or "").strip().upper()
    if consciousness and consciousness not in Consciousness.values:
        raise Invalid(_("consciousness is one of A, C, V, P, U (ACVPU)."),
                      field="consciousness")
    clean["consciousness"] = consciousness
    score = news2(**{k: clean[k] for k in VITALS})
    return clean, score
