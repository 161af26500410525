"""Queries of first-responder alerting: who is near, who may be alerted, what each role sees."""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.expressions import ExpressionWrapper, Value
from django.utils import timezone

from audit.services import access_log_write
from crews.models import UnitKind, UnitStatus
from dispatch.models import ACTIVE_STATUSES, Assignment, AssignmentStatus, Case
from dispatch.selectors import case_ref

from . import geo, hours
from .models import (
    ENGAGED,
    OPEN_ALERT,
    Aed,
    Callout,
    Municipality,
    Responder,
    ResponderAlert,
    ResponderKind,
)

AMBULANCE_KINDS = (UnitKind.AMBULANCE, UnitKind.INTENSIVE_CARE, UnitKind.HELICOPTER)


@dataclass(frozen=True)
class Candidate:
    """A responder who may be alerted, with the figures the dispatcher sees."""

    responder_id: int
    user_id: int
    kind: str
    distance_m: int
    eta_s: int


def municipality_for_case(case: Case) -> Municipality | None:
    """The case's municipality by name or SCB code, as the dispatcher's form gives it."""
    name = (case.municipality or "").strip()
    if not name:
        return None
    return Municipality.objects.filter(Q(name__iexact=name) | Q(code=name)).first()


def in_service(municipality: Municipality, at: datetime) -> bool:
    local = timezone.localtime(at).time()
    return hours.within(municipality.service_start, municipality.service_end, local)


def _recent_alerts(ids: list[int], now: datetime) -> tuple[Counter, set[int]]:
    """Alerts in the last seven days per responder (the weekly cap), and who is busy with an
    alert of a callout still running (no one is alerted for two cases at once)."""
    counts: Counter = Counter()
    busy: set[int] = set()
    rows = ResponderAlert.objects.filter(
        responder_id__in=ids, alerted_at__gte=now - timedelta(days=7)
    ).values_list("responder_id", "status", "callout__ended_at")
    for responder_id, status, ended_at in rows:
        counts[responder_id] += 1
        if ended_at is None and status in (*OPEN_ALERT, *ENGAGED):
            busy.add(responder_id)
    return counts, busy


def _within_personal_hours(start, end, now: datetime) -> bool:
    return hours.within(start, end, timezone.localtime(now).time())


def volunteers_near(
    *, latitude: float, longitude: float, radius_m: float, limit: int, now: datetime,
    weekly_cap: int, exclude: set[int] = frozenset(),
) -> list[Candidate]:
    """The `limit` nearest volunteers who may be alerted now within `radius_m`, nearest first:
    available, trained, with a fresh position, within their own hours, under the weekly cap
    and not busy with another alert. The grid narrows the search to a few cells; the database
    orders them by an equirectangular distance; the exact distance decides the radius."""
    if limit <= 0:
        return []
    scale = math.cos(math.radians(latitude))
    dlat = F("latitude") - Value(latitude)
    dlon = (F("longitude") - Value(longitude)) * Value(scale)
    base = (
        Responder.objects.filter(
            cell__in=geo.cells_covering(latitude, longitude, radius_m),
            kind=ResponderKind.VOLUNTEER, available=True,
            position_at__gte=now - timedelta(seconds=settings.IVPA_POSITION_STALE_SECONDS),
            training_confirmed_at__gte=now - timedelta(days=settings.IVPA_TRAINING_VALID_DAYS),
            user__is_active=True,
        )
        .exclude(pk__in=exclude)
        .annotate(d2=ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField()))
        .order_by("d2", "pk")
        .values_list("pk", "user_id", "latitude", "longitude", "hours_start", "hours_end",
                     "weekly_cap")
    )
    found: list[Candidate] = []
    batch, offset = limit * 2 + 8, 0
    while len(found) < limit:
        rows = list(base[offset:offset + batch])
        offset += batch
        counts, busy = _recent_alerts([r[0] for r in rows], now)
        for pk, user_id, lat, lon, start, end, own_cap in rows:
            distance = geo.distance_m(latitude, longitude, lat, lon)
            if distance > radius_m:
                # Rows come nearest first (up to the projection's error, under 0.1 % here).
                if distance > radius_m * 1.01:
                    return found
                continue
            cap = min(weekly_cap, own_cap or weekly_cap)
            if pk in busy or counts[pk] >= cap or not _within_personal_hours(start, end, now):
                continue
            found.append(Candidate(pk, user_id, ResponderKind.VOLUNTEER, int(distance),
                                   geo.travel_seconds(ResponderKind.VOLUNTEER, distance)))
            if len(found) == limit:
                break
        if len(rows) < batch:
            break
    return found


def units_near(
    *, latitude: float, longitude: float, radius_m: float, kind: str, now: datetime,
    exclude: set[int] = frozenset(),
) -> list[Candidate]:
    """Fire/rescue or police units within `radius_m`, nearest first, from their live position
    when it is fresh, else from their station."""
    south, north, west, east = geo.bounding_box(latitude, longitude, radius_m)
    box = (Q(latitude__range=(south, north), longitude__range=(west, east))
           | Q(station_latitude__range=(south, north), station_longitude__range=(west, east)))
    fresh = now - timedelta(seconds=settings.IVPA_POSITION_STALE_SECONDS)
    rows = (
        Responder.objects.filter(box, kind=kind, available=True, user__is_active=True)
        .exclude(pk__in=exclude)
        .values_list("pk", "user_id", "latitude", "longitude", "position_at",
                     "station_latitude", "station_longitude", "hours_start", "hours_end")
    )
    _counts, busy = _recent_alerts([r[0] for r in rows], now)
    found = []
    for pk, user_id, lat, lon, at, slat, slon, start, end in rows:
        if lat is not None and at is not None and at >= fresh:
            where = (lat, lon)
        elif slat is not None:
            where = (slat, slon)
        else:
            continue
        distance = geo.distance_m(latitude, longitude, *where)
        if distance > radius_m or pk in busy or not _within_personal_hours(start, end, now):
            continue
        found.append(Candidate(pk, user_id, kind, int(distance),
                               geo.travel_seconds(kind, distance)))
    return sorted(found, key=lambda c: (c.distance_m, c.responder_id))


def ambulance_eta(case: Case) -> int | None:
    """Seconds until the first ambulance is expected: 0 once one is on scene; else from the
    units on the case, or else the nearest available ambulance of the region."""
    active = list(
        Assignment.objects.filter(case=case, status__in=ACTIVE_STATUSES)
        .select_related("unit")
    )
    if any(a.status == AssignmentStatus.ON_SCENE for a in active):
        return 0
    units = [a.unit for a in active] or list(
        case.region.units.filter(kind__in=AMBULANCE_KINDS, status=UnitStatus.AVAILABLE)
    )
    times = [
        geo.travel_seconds("ambulance", geo.distance_m(case.latitude, case.longitude,
                                                       u.latitude, u.longitude))
        for u in units if u.latitude is not None and u.longitude is not None
    ]
    return min(times) if times else None


def aeds_open_near(*, latitude: float, longitude: float, radius_m: float,
                   at: datetime) -> list[tuple[Aed, float]]:
    """Open, active defibrillators within `radius_m`, with their distance, nearest first."""
    local = timezone.localtime(at)
    found = []
    for aed in Aed.objects.filter(
        cell__in=geo.cells_covering(latitude, longitude, radius_m), active=True
    ):
        distance = geo.distance_m(latitude, longitude, aed.latitude, aed.longitude)
        if distance <= radius_m and hours.is_open(aed.opening_hours, local):
            found.append((aed, distance))
    return sorted(found, key=lambda pair: pair[1])


def responder_of(user) -> Responder | None:
    return Responder.objects.filter(user=user).first()


def alerts_of(*, user) -> QuerySet[ResponderAlert]:
    """A responder's own alerts, newest first; nobody else's."""
    return (
        ResponderAlert.objects.filter(responder__user=user)
        .select_related("callout", "callout__case", "callout__municipality", "aed")
        .order_by("-alerted_at")
    )


def alert_read(*, alert: ResponderAlert, user, reason: str) -> None:
    """A responder who accepted sees the address and door code: a read of the case."""
    access_log_write(user=user, refs=[case_ref(alert.callout.case)], reason=reason)


def callouts(*, active_only: bool = True, case_id: int | None = None) -> QuerySet[Callout]:
    qs = Callout.objects.select_related("case", "municipality").prefetch_related(
        "alerts__responder__user", "alerts__aed"
    )
    if active_only:
        qs = qs.filter(ended_at__isnull=True)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs


def callouts_read(*, user, items, reason: str) -> None:
    refs = {c.case_id: case_ref(c.case) for c in items}
    if refs:
        access_log_write(user=user, refs=list(refs.values()), reason=reason)


def connected_count(*, at: datetime | None = None) -> int:
    qs = Municipality.objects.filter(connected_at__isnull=False)
    if at is not None:
        qs = qs.filter(connected_at__lte=at)
    return qs.count()
