"""Opening hours (a defibrillator, a mobile care unit) checked at a moment.

The AED register's hours follow a subset of OpenStreetMap's `opening_hours`: "24/7", or rules
separated by ";" such as "Mo-Fr 07:00-18:00", "Sa,Su 10:00-14:00", "Mo-Su 22:00-06:00" (past
midnight). Swedish "dygnet runt" means around the clock. Anything else is refused on import,
so a register row never silently turns into "always open".
"""

import re
from datetime import datetime, time

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DAYS = ["mo", "tu", "we", "th", "fr", "sa", "su"]
ALWAYS = {"24/7", "dygnet runt", "always", "alltid"}
RULE = re.compile(
    r"^(?P<days>[a-z]{2}(?:-[a-z]{2})?(?:,[a-z]{2}(?:-[a-z]{2})?)*)?\s*"
    r"(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$"
)


class HoursError(ValueError):
    pass


def _days(spec: str | None) -> set[int]:
    if not spec:
        return set(range(7))
    found: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise HoursError(f"unknown day in {part!r}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        found.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return found


def _time(text: str) -> time:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours == 24 and minutes == 0:
        return time(23, 59, 59)
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise HoursError(f"no such time {text!r}")
    return time(hours, minutes)


def parse(spec: str) -> list[tuple[set[int], time, time]] | None:
    """None means always open; else the rules (days, start, end)."""
    text = " ".join(spec.strip().lower().split())
    if not text or text in ALWAYS:
        return None
    rules = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = RULE.match(part)
        if not match:
            raise HoursError(f"cannot read opening hours {part!r}")
        rules.append((_days(match["days"]), _time(match["start"]), _time(match["end"])))
    return rules


def within(start: time | None, end: time | None, at: time) -> bool:
    """Whether `at` falls in [start, end), a window that may pass midnight; no window is
    always."""
    if start is None or end is None or start == end:
        return True
    if start < end:
        return start <= at < end
    return at >= start or at < end


def is_open(spec: str, at: datetime) -> bool:
    rules = parse(spec)
    if rules is None:
        return True
    weekday, clock = at.weekday(), at.time()
    for days, start, end in rules:
        if start <= end:
            if weekday in days and start <= clock < end:
                return True
        elif (weekday in days and clock >= start) or ((weekday - 1) % 7 in days and clock < end):
            return True
    return False


# The days as a person reads them (describe): "mån", "tis", ... in Swedish.
DAY_WORDS = (pgettext_lazy("weekday, short", "Mon"), pgettext_lazy("weekday, short", "Tue"),
             pgettext_lazy("weekday, short", "Wed"), pgettext_lazy("weekday, short", "Thu"),
             pgettext_lazy("weekday, short", "Fri"), pgettext_lazy("weekday, short", "Sat"),
             pgettext_lazy("weekday, short", "Sun"))


def _clock(text: str) -> str:
    hours, minutes = text.split(":")
    return f"{int(hours):02d}" if minutes == "00" else f"{int(hours):02d}.{minutes}"


def describe(spec: str) -> str:
    """Opening hours in words in the active language: "Mo-Fr 08:00-20:00; Sa 10:00-14:00" →
    "mån–fre 08–20; lör 10–14"; "24/7" → "dygnet runt". What cannot be read is given as
    written (it is refused where it is entered)."""
    text = " ".join((spec or "").strip().lower().split())
    if not text or text in ALWAYS:
        return str(_("around the clock"))
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = RULE.match(part)
        if not match or any(d not in DAYS for d in re.findall(r"[a-z]{2}", match["days"] or "")):
            return spec
        days = ", ".join("–".join(str(DAY_WORDS[DAYS.index(d)]) for d in span.split("-"))
                         for span in (match["days"] or "").split(",") if span)
        hours = f"{_clock(match['start'])}–{_clock(match['end'])}"
        out.append(f"{days} {hours}" if days else hours)
    return "; ".join(out)
