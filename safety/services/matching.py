"""Matching risk notices with a case (*träff*): which active notices concern a place and a
person. A notice matches when it is active, still valid, and it names the same address
(`address_key`), the place lies within its radius, or it names the same person (`pin_key`).

Three indexed lookups in one statement, never a scan: the radius by a bounding box on the
(state, latitude, longitude) index (a box of SAFETY_NOTICE_MAX_RADIUS_M around the place, the
largest radius a notice may have) and the exact distance in Python for the few rows in it; the
address and the person by their own indexes (bench/safety_matching.py: 100,000 notices).
"""

import math
import operator
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.geo import EARTH_RADIUS_M, distance_m
from core.identity_numbers import pin_key
from dispatch.models import Case, CaseStatus
from places.search import STREET_ABBREVIATIONS, text_fold

from ..models import MatchReason, NoticeState, RiskNotice

# Two typings of one address name one place only when the places are this close: the same
# street and number in another town is another address (the key has no town).
ADDRESS_SAME_PLACE_M = 5_000
_NUMBER_LETTER = re.compile(r"\b(\d{1,6}) ([a-z])\b")
# Street words written short at the end of a compound ("Kungsgt 5", "Storvg 3").
_COMPOUND = ("gt", "vg")


def address_key(address: str) -> str:
    """The address folded for matching: its first part (the street and number, before a
    comma; the town is not part of it), as the address search folds text ("Västerås" =
    "vasteras"), the street abbreviations written out ("Kungsgt 5" = "Kungsgatan 5") and a
    letter joined to its number ("12 B" = "12b"). Empty without a number: a street alone is
    no address."""
    first = _NUMBER_LETTER.sub(r"\1\2", text_fold((address or "").split(",")[0]))
    words = []
    for word in first.split():
        if word in STREET_ABBREVIATIONS:
            word = STREET_ABBREVIATIONS[word][0]
        elif word.endswith(_COMPOUND) and word[:-2].isalpha() and len(word) >= 5:
            word = word[:-2] + STREET_ABBREVIATIONS[word[-2:]][0]
        words.append(word)
    key = " ".join(words)
    return key if any(c.isdigit() for c in key) else ""


@dataclass
class Found:
    """A notice that matches, how, and how far from the place it is (`notice`: the notice
    itself, when asked for with `load`)."""

    notice_id: int
    reasons: list[str] = field(default_factory=list)
    distance_m: int | None = None
    notice: RiskNotice | None = None


def _box(latitude: float, longitude: float, radius_m: float) -> tuple[float, float, float,
                                                                      float]:
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    cos = max(math.cos(math.radians(latitude)), 0.01)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * cos))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def _reasons(*, away: float | None, radius_m: int, keys: tuple[str, str],
             persons: tuple[str, str]) -> list[str]:
    """How a notice and a case's place and person match (the same rule both ways round)."""
    reasons = []
    if keys[0] and keys[0] == keys[1] and (away is None or away <= ADDRESS_SAME_PLACE_M):
        reasons.append(MatchReason.ADDRESS)
    if away is not None and 0 < radius_m and away <= radius_m:
        reasons.append(MatchReason.RADIUS)
    if persons[0] and persons[0] == persons[1]:
        reasons.append(MatchReason.PERSON)
    return reasons


def notices_matching(*, latitude: float | None, longitude: float | None, address: str = "",
                     personal_identity_number: str = "", now: datetime | None = None,
                     load: bool = True, related: tuple[str, ...] = ()) -> list[Found]:
    """The active notices that concern a place, an address and a person, nearest first. One
    statement (it runs inside every case registration): an OR of the three indexed lookups,
    each an index range on its own (SQLite's multi-index OR, PostgreSQL's BitmapOr); then the
    state, the exact distance and how each matched, in Python."""
    now = now or timezone.now()
    has_place = latitude is not None and longitude is not None
    key = address_key(address)
    person = pin_key(personal_identity_number)
    person = person if len(person) == 10 else ""
    active = Q(state=NoticeState.ACTIVE)
    terms = []
    if has_place:
        south, north, west, east = _box(latitude, longitude,
                                        settings.SAFETY_NOTICE_MAX_RADIUS_M)
        terms.append(active & Q(latitude__gte=south, latitude__lte=north,
                                longitude__gte=west, longitude__lte=east, radius_m__gt=0))
    # The address and the person by their own indexes alone (with the state beside them the
    # planner takes the (state, ...) index and reads every active notice); their few rows are
    # checked for the state below.
    if key:
        terms.append(Q(address_key=key))
    if person:
        terms.append(Q(person_key=person))
    if not terms:
        return []
    wanted = reduce(operator.or_, terms)
    # Plain tuples, not models: the box holds a few dozen notices, most of them no match;
    # the matched ones are loaded after, when asked for.
    rows = RiskNotice.objects.filter(wanted, valid_until__gt=now).values_list(
        "pk", "state", "latitude", "longitude", "radius_m", "address_key", "person_key")
    found: dict[int, Found] = {}
    for pk, state, lat, lon, radius_m, notice_key, notice_person in rows:
        if state != NoticeState.ACTIVE:
            continue
        away = distance_m(latitude, longitude, lat, lon) if has_place else None
        reasons = _reasons(away=away, radius_m=radius_m, keys=(key, notice_key),
                           persons=(person, notice_person))
        if reasons:
            found[pk] = Found(notice_id=pk, reasons=reasons,
                              distance_m=None if away is None else round(away))
    if load and found:
        notices = RiskNotice.objects.filter(pk__in=found)
        if related:  # select_related() without names would join every foreign key
            notices = notices.select_related(*related)
        for notice in notices:
            found[notice.pk].notice = notice
    hits = list(found.values())
    hits.sort(key=lambda h: (h.distance_m is None, h.distance_m or 0, h.notice_id))
    return hits


@dataclass
class CaseFound:
    """An open case a notice matches, how, and how far from the notice's place it is."""

    case_id: int
    reasons: list[str]
    distance_m: int


def open_cases_matching(*, notice: RiskNotice, now: datetime | None = None) -> list[CaseFound]:
    """The matching the other way round, for a notice that starts to match (entered, approved
    at review, its place or person changed): the open cases registered in the last
    SAFETY_NOTICE_OPEN_CASE_HOURS it concerns. One statement: the cases in a box around the
    notice (its radius, or the distance within which one address key is one place) or about its
    person (the case's indexed pin_key); the address key and the exact distance in Python."""
    now = now or timezone.now()
    if notice.state != NoticeState.ACTIVE or notice.valid_until <= now:
        return []
    reach = max(notice.radius_m, ADDRESS_SAME_PLACE_M if notice.address_key else 0)
    terms = []
    if reach:
        south, north, west, east = _box(notice.latitude, notice.longitude, reach)
        terms.append(Q(latitude__gte=south, latitude__lte=north, longitude__gte=west,
                       longitude__lte=east))
    if notice.person_key:
        terms.append(Q(pin_key=notice.person_key))
    if not terms:
        return []
    since = now - timedelta(hours=settings.SAFETY_NOTICE_OPEN_CASE_HOURS)
    rows = Case.objects.filter(reduce(operator.or_, terms), status=CaseStatus.OPEN,
                               registered_at__gte=since).values_list(
        "pk", "address", "latitude", "longitude", "pin_key")
    found = []
    for pk, address, lat, lon, person in rows:
        away = distance_m(notice.latitude, notice.longitude, lat, lon)
        reasons = _reasons(away=away, radius_m=notice.radius_m,
                           keys=(notice.address_key, address_key(address)),
                           persons=(notice.person_key, person))
        if reasons:
            found.append(CaseFound(case_id=pk, reasons=reasons, distance_m=round(away)))
    found.sort(key=lambda f: (f.distance_m, f.case_id))
    return found
