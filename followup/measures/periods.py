"""Tertials (*tertial*: T1 January–April, T2 May–August, T3 September–December), bounded at
midnight in the centre's time zone (settings.TIME_ZONE), so a case registered at 00:30 on
1 May local time counts in T2 whatever UTC says."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import Invalid

FIRST_YEAR = 2000
LAST_YEAR = 2100


@dataclass(frozen=True)
class Tertial:
    """One tertial: `start` inclusive, `end` exclusive (aware datetimes at local midnight)."""

    year: int
    tertial: int

    @property
    def label(self) -> str:
        return f"T{self.tertial} {self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, 4 * (self.tertial - 1) + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> datetime:
        return _midnight(self.next().first_day)

    def next(self) -> "Tertial":
        return Tertial(self.year + 1, 1) if self.tertial == 3 else Tertial(self.year,
                                                                           self.tertial + 1)

    def previous(self) -> "Tertial":
        return Tertial(self.year - 1, 3) if self.tertial == 1 else Tertial(self.year,
                                                                           self.tertial - 1)

    def with_previous(self, count: int) -> list["Tertial"]:
        """The `count` tertials before this one, oldest first, then this one (a trend)."""
        found = [self]
        for _i in range(count):
            found.append(found[-1].previous())
        return found[::-1]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


def tertial_parse(year, tertial) -> Tertial:
    """A tertial from a request's `year` and `tertial` (text or numbers); Invalid (400) with
    words a person can act on otherwise."""
    try:
        year_n, tertial_n = int(str(year).strip()), int(str(tertial).strip())
    except (TypeError, ValueError):
        raise Invalid(_("Give the year as a number and the tertial as 1, 2 or 3, e.g. "
                        "?year=2026&tertial=3.")) from None
    if tertial_n not in (1, 2, 3):
        raise Invalid(_("The tertial is 1 (January–April), 2 (May–August) or 3 "
                        "(September–December)."))
    if not FIRST_YEAR <= year_n <= LAST_YEAR:
        raise Invalid(_("The year must be between %(first)s and %(last)s.")
                      % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return Tertial(year_n, tertial_n)


def tertial_of(moment: datetime) -> Tertial:
    """The tertial a moment falls in, in the centre's time zone."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return Tertial(local.year, (local.month - 1) // 4 + 1)
