"""The station table of seed 004 (*stationstabell*): per station and per unit, for a period,
the response time (call answered → first unit on scene) by priority, and active against
standby time. Two statements do the counting in the database (core.aggregates), so 400,000
cases cost the same memory as forty."""

import json
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, Least, NullIf
from django.db.models.sql import Query
from django.utils import timezone

from core.aggregates import PercentilesCont, SecondsBetween
from crews.models import NON_TRANSPORTING_KINDS, Station, Unit
from dispatch.models import ACTIVE_STATUSES, Assignment, Priority

# The priorities the table has a column for, most urgent first ("referral" sends no unit).
PRIORITIES: tuple[str, ...] = (Priority.P1A, Priority.P1B, Priority.P2A, Priority.P2B,
                               Priority.P3)
# Units that are not ambulances are left out: a mobile care unit (MVE) visits at home on a
# referral, a first responder unit is the municipality's, neither answers a station's calls.
LEFT_OUT_KINDS = NON_TRANSPORTING_KINDS
# A period of at most three years: the query stays bounded and a screen's chart readable.
LONGEST_PERIOD_YEARS = 3


def period_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, the day after last 00:00) in the centre's time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return (datetime.combine(first, time(), tzinfo=tz),
            datetime.combine(last + timedelta(days=1), time(), tzinfo=tz))


def _seconds(later: datetime, earlier: datetime) -> float:
    """Real seconds between two moments (in UTC: a zone's own subtraction ignores DST)."""
    return (later.astimezone(UTC) - earlier.astimezone(UTC)).total_seconds()


def _counted_assignments():
    return Assignment.objects.exclude(unit__kind__in=LEFT_OUT_KINDS)


def _first_on_scene(start: datetime, end: datetime, region):
    """Each case registered in [start, end) with a unit on scene: its first assignment on
    scene (the earliest on_scene_at, the lower id on a tie), of a counted unit."""
    earlier = _counted_assignments().filter(
        case=OuterRef("case"), on_scene_at__isnull=False,
    ).filter(Q(on_scene_at__lt=OuterRef("on_scene_at"))
             | Q(on_scene_at=OuterRef("on_scene_at"), pk__lt=OuterRef("pk")))
    firsts = _counted_assignments().filter(
        case__registered_at__gte=start, case__registered_at__lt=end,
        on_scene_at__isnull=False, unit__home_station__isnull=False,
    ).filter(~Exists(earlier))
    if region is not None:
        firsts = firsts.filter(unit__home_station__region=region)
    return firsts.annotate(
        _priority=Coalesce(NullIf(F("case__first_alert_priority"), Value("")),
                           F("case__priority")),
        _response=SecondsBetween(F("on_scene_at"), Coalesce(F("case__call__answered_at"),
                                                            F("case__call_answered_at"))),
    )


# The groups the table shows, as (station, unit, priority) with None for "all": per station,
# per station and priority, per unit, per unit and priority.
GROUPINGS = (("unit__home_station",), ("unit__home_station", "_priority"),
             ("unit__home_station", "unit"), ("unit__home_station", "unit", "_priority"))
_KEY = ("unit__home_station", "unit", "_priority")


def _response_aggregates(response="_response") -> dict:
    """The count, the mean, and [median, p90] in one pass."""
    return {"n": Count(response), "mean": Avg(response),
            "percentiles": PercentilesCont(response, (0.5, 0.9))}


def _responses(firsts) -> dict[tuple, dict]:
    """{(station, unit or None, priority or None): {n, mean, percentiles}} for the four
    groupings, in one statement: the first units on scene (the ORM's query) are read once as
    `f`, then grouped four ways (PostgreSQL: GROUPING SETS; SQLite: four GROUP BYs of the
    materialised `f`, a quarter of the joins of four queries). The aggregates' SQL is
    core.aggregates' own. None of the three keys is ever null in a row of `f`, so a null is a
    grouping's "all"."""
    inner_sql, params = firsts.order_by().values(*_KEY, "_response").query.sql_with_params()
    query = Query(Assignment)
    compiler = query.get_compiler(connection=connection)
    r = RawSQL("f.r", (), output_field=FloatField())
    figures = ", ".join(compiler.compile(a.resolve_expression(query))[0]
                        for a in _response_aggregates(r).values())

    def grouped(grouping: tuple[str, ...]) -> str:
        return ", ".join("f." + c for c in ("s", "u", "p") if c in grouping)

    names = [("s",), ("s", "p"), ("s", "u"), ("s", "u", "p")]
    if connection.vendor == "postgresql":
        sets = ", ".join(f"({grouped(g)})" for g in names)
        # The priority sorts as bytes ("C"): the grouping sets sort 390,000 rows by it twice,
        # and the database's own collation compares each pair through the C library.
        sql = (f"WITH e(s, u, p, r) AS ({inner_sql}), "
               f'f AS (SELECT e.s, e.u, e.p COLLATE "C" AS p, e.r FROM e) '
               f"SELECT f.s, f.u, f.p, {figures} FROM f GROUP BY GROUPING SETS ({sets})")
    else:
        sql = f"WITH f(s, u, p, r) AS MATERIALIZED ({inner_sql}) " + " UNION ALL ".join(
            f"SELECT {', '.join(('f.' + c) if c in g else 'NULL' for c in ('s', 'u', 'p'))}, "
            f"{figures} FROM f GROUP BY {grouped(g)}" for g in names)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One report: compiling its expressions (JIT) cost more than it saved (0.4 s of
            # 4.6 over 400,000 cases), and its sorts fit in memory with a little more (at
            # 32 MB the grouping sets' second sort spilled 16 MB to disk).
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(station, unit, priority): {
        "n": n, "mean": mean,
        "percentiles": json.loads(both) if isinstance(both, str) else both}
        for station, unit, priority, n, mean, both in rows}


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def _response_of(rows: dict[tuple, dict], station: int, unit: int | None) -> dict:
    out = {}
    for key in ("all", *PRIORITIES):
        row = rows.get((station, unit, None if key == "all" else key))
        if row is None or not row["n"]:
            out[key] = {"count": 0, "mean": None, "median": None, "p90": None}
            continue
        median, p90 = row["percentiles"]
        out[key] = {"count": row["n"], "mean": _round(row["mean"], 1),
                    "median": _round(median, 1), "p90": _round(p90, 1)}
    return out


def _activity(start: datetime, end: datetime, now: datetime, region) -> dict[int, dict]:
    """Per unit: its active seconds inside [start, end) and its assignments alerted then.
    An assignment ends when the unit is free (available, cancelled or redirected); one still
    running counts up to now; one ended without a time (an import) at its last status."""
    moment = DateTimeField()
    ended = Coalesce(
        F("available_at"), F("cancelled_at"), F("redirected_at"),
        Case(When(status__in=[s.value for s in ACTIVE_STATUSES], then=Value(now, moment)),
             default=F("status_changed_at"), output_field=moment),
        output_field=moment)
    assignments = _counted_assignments().filter(
        unit__home_station__isnull=False, alerted_at__lt=end,
    ).annotate(_ended=ended).filter(_ended__gt=start)
    if region is not None:
        assignments = assignments.filter(unit__home_station__region=region)
    rows = assignments.annotate(
        _active=SecondsBetween(Least(F("_ended"), Value(end, moment)),
                               Greatest(F("alerted_at"), Value(start, moment))),
    ).order_by().values("unit__home_station", "unit").annotate(
        active=Sum("_active"), alerted=Count("pk", filter=Q(alerted_at__gte=start)))
    return {row["unit"]: row for row in rows}


def _standby(active: float, elapsed: float) -> float:
    """A unit's time in the period not on an assignment (never below nothing)."""
    return max(0.0, elapsed - active)


def _time_figures(active: float | None, standby: float | None) -> dict:
    if active is None or standby is None:
        return {"active_s": None, "standby_s": None, "utilisation": None}
    return {"active_s": round(active, 1), "standby_s": round(standby, 1),
            "utilisation": round(active / (active + standby), 4) if active + standby else None}


def station_table(*, start: date, end: date, region=None) -> dict:
    """The table for the days start…end (both included, the centre's time zone), every
    station of `region` (a crews.Region; None: all), each with its ambulances' rows."""
    since, until = period_bounds(start, end)
    now = timezone.now()
    # A period reaching past now is on standby only until now.
    elapsed = max(0.0, _seconds(min(until, now), since))
    responses = _responses(_first_on_scene(since, until, region))
    activity = _activity(since, until, now, region)

    stations = Station.objects.select_related("region").order_by("region__name", "name")
    if region is not None:
        stations = stations.filter(region=region)
    units_of: dict[int, list] = defaultdict(list)
    for unit in Unit.objects.exclude(kind__in=LEFT_OUT_KINDS).filter(
            home_station__in=stations).order_by("call_sign"):
        units_of[unit.home_station_id].append(unit)

    table = []
    for station in stations:
        units = units_of[station.pk]
        has_data = (station.pk, None, None) in responses or any(
            u.pk in activity for u in units)
        unit_rows, active, standby = [], 0.0, 0.0
        for unit in units:
            done = activity.get(unit.pk, {})
            unit_active = done.get("active") or 0.0
            active += unit_active
            standby += _standby(unit_active, elapsed)
            unit_rows.append({
                "id": unit.pk, "call_sign": unit.call_sign,
                "assignments": done.get("alerted", 0),
                "response": _response_of(responses, station.pk, unit.pk),
                **(_time_figures(unit_active, _standby(unit_active, elapsed)) if has_data
                   else _time_figures(None, None)),
            })
        table.append({
            "id": station.pk, "name": station.name, "region": station.region_id,
            "region_name": station.region.name, "units": len(units),
            "assignments": sum(row["assignments"] for row in unit_rows),
            "response": _response_of(responses, station.pk, None),
            **(_time_figures(active, standby) if has_data and units
               else _time_figures(None, None)),
            "unit_rows": unit_rows,
        })
    return {"from": start.isoformat(), "to": end.isoformat(), "priorities": list(PRIORITIES),
            "no_data": not (responses or activity), "stations": table}
