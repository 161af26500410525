"""Queries of first-responder alerting: who is near, who may be alerted, what each role sees."""

import math
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.roles import is_administrator, is_coordinator
from core import hours
from core.geo import distance_m
from dispatch.models import Case
from places.travel import ESTIMATE, Point, travel_times, turnout_seconds

from . import geo
from .models import (
    ALERT_PRIORITIES,
    ENGAGED,
    OPEN_ALERT,
    Aed,
    AlertStatus,
    Approval,
    Callout,
    Municipality,
    Responder,
    ResponderAlert,
    ResponderKind,
)


@dataclass(frozen=True)
class Candidate:
    """A responder who may be alerted, with the figures the dispatcher sees."""

    responder_id: int
    user_id: int
    kind: str
    distance_m: int
    eta_s: int  # turnout and the way there
    eta_source: str = ESTIMATE  # places.travel: ROUTER or ESTIMATE
    position: Point | None = None


def _timed(found: list[Candidate], destination: Point, kind: str,
           routed: bool) -> list[Candidate]:
    """The candidates with their times from the travel time service: one call for all of them
    (one router request for a wave; the estimate, no I/O, when not `routed`: a wave holds its
    callout's lock), turnout added."""
    if not found:
        return found
    times = travel_times(origins=[c.position for c in found], destination=destination,
                         profile=kind, routed=routed)
    turnout = turnout_seconds(kind)
    return [replace(c, eta_s=turnout + t.seconds, eta_source=t.source)
            for c, t in zip(found, times, strict=True)]


def municipality_for_case(case: Case) -> Municipality | None:
    """The case's municipality: by the code an address pick gave it (the same municipality
    the region follows), else by the name or SCB code as the dispatcher's form gives it."""
    if case.municipality_code:
        found = Municipality.objects.filter(code=case.municipality_code).first()
        if found is not None:
            return found
    name = (case.municipality or "").strip()
    if not name:
        return None
    return Municipality.objects.filter(Q(name__iexact=name) | Q(code=name)).first()


def in_service(municipality: Municipality, at: datetime) -> bool:
    local = timezone.localtime(at).time()
    return hours.within(municipality.service_start, municipality.service_end, local)


# An alert that keeps its responder busy while its callout runs.
BUSY = (*OPEN_ALERT, *ENGAGED)


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
        if ended_at is None and status in BUSY:
            busy.add(responder_id)
    return counts, busy


def _within_personal_hours(start, end, now: datetime) -> bool:
    return hours.within(start, end, timezone.localtime(now).time())


# Selection first looks this close, then further, up to the radius: in a city the nearest
# `limit` are within a few hundred metres, and a few hundred rows are read instead of the
# thousands in the cells of the whole radius. The next radius is guessed from how many were in
# the last circle (at least SEARCH_GROWTH times it), or is the whole radius if none were.
SEARCH_FIRST_M = 600
SEARCH_GROWTH = 2.5
# The database orders by an equirectangular distance, within 0.1 % of distance_m's at these
# distances: rows are read out to this much beyond a radius so none inside it is missed.
PROJECTION_MARGIN = 1.01

_VOLUNTEERS_SQL = """
SELECT r.id, r.user_id, r.latitude, r.longitude, r.hours_start, r.hours_end, r.weekly_cap,
  (SELECT COUNT(*) FROM {alert} a WHERE a.responder_id = r.id AND a.alerted_at >= %s),
  EXISTS (SELECT 1 FROM {alert} a JOIN {callout} c ON c.id = a.callout_id
          WHERE a.responder_id = r.id AND a.alerted_at >= %s AND c.ended_at IS NULL
            AND a.status IN ({busy}))
FROM {responder} r JOIN {user} u ON u.id = r.user_id
WHERE r.cell IN ({cells}) AND r.latitude BETWEEN %s AND %s AND r.longitude BETWEEN %s AND %s
  AND r.kind = %s AND r.available = %s AND r.position_at >= %s
  AND r.training_confirmed_at >= %s AND r.approval = %s AND r.approved_until >= %s
  AND u.is_active = %s{exclude}
  AND {d2} <= %s
ORDER BY {d2}, r.id
LIMIT %s OFFSET %s
"""
_D2 = "((r.latitude - %s) * (r.latitude - %s) + (r.longitude - %s) * (r.longitude - %s) * %s)"


def volunteers_near(
    *, latitude: float, longitude: float, radius_m: float, limit: int, now: datetime,
    weekly_cap: int, exclude: set[int] = frozenset(), routed: bool = True,
) -> list[Candidate]:
    """The `limit` nearest volunteers who may be alerted now within `radius_m`, nearest first:
    available, trained (their own confirmation and an approval, both still valid: never an
    unvetted volunteer), with a fresh position, within their own hours, under the weekly cap
    and not busy with another alert. The grid narrows the search to a few cells and the index
    on (cell, latitude) to a band of each; the database orders them by an equirectangular
    distance; the exact distance decides the radius. The search widens from a few hundred
    metres until `limit` are found or the radius is reached (the nearest `limit` within a
    smaller circle are the nearest within the larger)."""
    if limit <= 0:
        return []
    step = min(float(SEARCH_FIRST_M), radius_m)
    while True:
        found, in_circle = _volunteers_within(
            latitude=latitude, longitude=longitude, radius_m=step, limit=limit, now=now,
            weekly_cap=weekly_cap, exclude=exclude)
        if len(found) == limit or step >= radius_m:
            return _timed(found, (latitude, longitude), ResponderKind.VOLUNTEER, routed)
        if in_circle is None:  # more rows than read, too few of them could be alerted
            step *= SEARCH_GROWTH
        elif in_circle == 0:
            step = radius_m
        else:  # a circle expected to hold twice `limit`, as densely peopled as this one
            step *= max(SEARCH_GROWTH, math.sqrt(2 * limit / in_circle))
        step = min(step, radius_m)


def _volunteers_within(
    *, latitude: float, longitude: float, radius_m: float, limit: int, now: datetime,
    weekly_cap: int, exclude: set[int],
) -> tuple[list[Candidate], int | None]:
    """The candidates within `radius_m`, and how many rows the circle held (None: more than
    were read). Plain SQL, with the weekly count and whether busy (as _recent_alerts) for each
    row: this runs for every wave, and the ORM's compilation and a second round trip cost
    more than the query itself."""
    scale2 = math.cos(math.radians(latitude)) ** 2
    reach = radius_m * PROJECTION_MARGIN
    south, north, west, east = geo.bounding_box(latitude, longitude, reach)
    cells = geo.cells_covering(latitude, longitude, reach)
    excluded = sorted(exclude)
    ops = connection.ops
    sql = _VOLUNTEERS_SQL.format(
        responder=ops.quote_name(Responder._meta.db_table),
        user=ops.quote_name(Responder._meta.get_field("user").related_model
                                       ._meta.db_table),
        cells=", ".join(["%s"] * len(cells)),
        exclude=(f" AND r.id NOT IN ({', '.join(['%s'] * len(excluded))})" if excluded else ""),
        d2=_D2,
        alert=ops.quote_name(ResponderAlert._meta.db_table),
        callout=ops.quote_name(Callout._meta.db_table),
        busy=", ".join(["%s"] * len(BUSY)),
    )
    d2 = [latitude, latitude, longitude, longitude, scale2]
    week_ago = ops.adapt_datetimefield_value(now - timedelta(days=7))
    params = [
        week_ago, week_ago, *BUSY, *cells, south, north, west, east, ResponderKind.VOLUNTEER, True,
        ops.adapt_datetimefield_value(
            now - timedelta(seconds=settings.IVPA_POSITION_STALE_SECONDS)),
        ops.adapt_datetimefield_value(
            now - timedelta(days=settings.IVPA_TRAINING_VALID_DAYS)),
        Approval.APPROVED, ops.adapt_datefield_value(timezone.localdate(now)),
        True, *excluded, *d2, (reach / geo.METRES_PER_DEGREE) ** 2, *d2,
    ]
    found: list[Candidate] = []
    batch, offset, read = limit * 2 + 8, 0, 0
    while len(found) < limit:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, batch, offset])
            rows = cursor.fetchall()
        offset += batch
        read += len(rows)
        for pk, user_id, lat, lon, start, end, own_cap, recent, busy in rows:
            distance = distance_m(latitude, longitude, lat, lon)
            if distance > radius_m:
                continue  # rows come nearest first, up to the projection's error
            cap = min(weekly_cap, own_cap or weekly_cap)
            if busy or recent >= cap or not _within_personal_hours(
                    _as_time(start), _as_time(end), now):
                continue
            found.append(Candidate(pk, user_id, ResponderKind.VOLUNTEER, int(distance), 0,
                                   position=(lat, lon)))
            if len(found) == limit:
                break
        if len(rows) < batch:
            return found, read
    return found, None


def _as_time(value):
    """A TimeField read by plain SQL: SQLite gives text."""
    if isinstance(value, str):
        return time.fromisoformat(value)
    return value


def units_near(
    *, latitude: float, longitude: float, radius_m: float, kind: str, now: datetime,
    exclude: set[int] = frozenset(), routed: bool = True,
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
        distance = distance_m(latitude, longitude, *where)
        if distance > radius_m or pk in busy or not _within_personal_hours(start, end, now):
            continue
        found.append(Candidate(pk, user_id, kind, int(distance), 0, position=where))
    found.sort(key=lambda c: (c.distance_m, c.responder_id))
    return _timed(found, (latitude, longitude), kind, routed)


def aeds_open_near(*, latitude: float, longitude: float, radius_m: float,
                   at: datetime) -> list[tuple[Aed, float]]:
    """Open, active defibrillators within `radius_m`, with their distance, nearest first."""
    local = timezone.localtime(at)
    found = []
    for aed in Aed.objects.filter(
        cell__in=geo.cells_covering(latitude, longitude, radius_m), active=True
    ):
        distance = distance_m(latitude, longitude, aed.latitude, aed.longitude)
        if distance <= radius_m and hours.is_open(aed.opening_hours, local):
            found.append((aed, distance))
    return sorted(found, key=lambda pair: pair[1])


def responder_of(user) -> Responder | None:
    return Responder.objects.filter(user=user).first()


def alerts_of(*, user) -> QuerySet[ResponderAlert]:
    """A responder's own alerts, newest first; nobody else's."""
    return (
        ResponderAlert.objects.filter(responder__user=user)
        .select_related("responder", "callout", "callout__case", "callout__municipality",
                        "aed")
        .order_by("-alerted_at")
    )


def callouts(*, active_only: bool = True, case_id: int | None = None) -> QuerySet[Callout]:
    qs = Callout.objects.select_related("case", "municipality").prefetch_related(
        "alerts__responder__user", "alerts__aed"
    )
    if active_only:
        qs = qs.filter(ended_at__isnull=True)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs


def coverage() -> dict:
    """What first responders may be alerted for anywhere: the priorities (ALERT_PRIORITIES) and
    the case types of the connected municipalities (each municipality's own list decides for a
    case in it: services.callout_eligibility). The console shows its IVPA panel for these."""
    types: set[str] = set()
    for case_types in Municipality.objects.filter(connected_at__isnull=False).values_list(
            "case_types", flat=True):
        types.update(case_types or [])
    return {"priorities": list(ALERT_PRIORITIES), "case_types": sorted(types)}


def connected_count(*, at: datetime | None = None) -> int:
    qs = Municipality.objects.filter(connected_at__isnull=False)
    if at is not None:
        qs = qs.filter(connected_at__lte=at)
    return qs.count()


def volunteers_for_approver(user) -> QuerySet[Responder]:
    """The volunteers whose training `user` may approve or revoke: an administrator's, every
    volunteer; a coordinator's, those whose home municipality they coordinate; else none."""
    volunteers = Responder.objects.filter(kind=ResponderKind.VOLUNTEER)
    if is_administrator(user):
        return volunteers
    if is_coordinator(user):
        return volunteers.filter(municipality__coordinators=user)
    return volunteers.none()


def approval_state(responder: Responder, *, today=None) -> str | None:
    """What the volunteer's vetting stands at: "approved" (alerted), "expired" (the approved
    training's validity passed), "pending" (waiting for a first or new approval), "revoked".
    None for units, which are not vetted this way."""
    if responder.kind != ResponderKind.VOLUNTEER:
        return None
    if responder.approval == Approval.APPROVED:
        today = today or timezone.localdate()
        valid = responder.approved_until is not None and \
            responder.approved_until >= today
        return "approved" if valid else "expired"
    return responder.approval


def alert_cleared(alert: ResponderAlert) -> bool:
    """Whether a volunteer's alert still has an approval behind it: approved on the day they
    were alerted and neither revoked nor reset since (an approval that runs out at midnight
    does not leave someone on the way without the address). Units are not vetted this way."""
    if alert.kind != ResponderKind.VOLUNTEER:
        return True
    today = timezone.localdate(alert.alerted_at)
    return approval_state(alert.responder, today=today) == "approved"


def volunteers_waiting(qs: QuerySet[Responder], *, today=None) -> QuerySet[Responder]:
    """Of `qs`, the volunteers who wait for an approval: never approved since they registered
    or changed their training, or approved for a training that is no longer valid."""
    today = today or timezone.localdate()
    return qs.filter(Q(approval=Approval.PENDING) | Q(
        approval=Approval.APPROVED, approved_until__lt=today))


def responders_at_case(case_id: int) -> list[ResponderAlert]:
    """The first responders of every callout for `case_id` who are on their way (accepted,
    the callout still running) or have arrived, in the order they accepted."""
    return list(
        ResponderAlert.objects.filter(callout__case_id=case_id)
        .filter(Q(status=AlertStatus.ARRIVED)
                | Q(status=AlertStatus.ACCEPTED, ended_at__isnull=True))
        .select_related("aed").order_by("accepted_at", "pk"))
