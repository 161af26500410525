"""Benchmark of the follow-up over seed 004's volume: the tertial report of seed 000's seven
measures for the three regions (`followup.selectors.tertial_report`) and seed 004's station
table (`followup.stations.station_table`) over 400,000 cases.

    python bench/followup.py [--cases 400000] [--months 16] [--rounds 5] [--json]
    python bench/followup.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    scripts/bench.sh --only followup          # SQLite, then PostgreSQL next to DATABASE_URL's

On a throwaway database (SQLite under LARMKEDJAN_VAR_DIR or a temporary directory; or a
PostgreSQL database next to --database-url's, dropped after): the demo's regions, stations,
units and dispatchers (seed_demo), a station in every other demo municipality with 3-4
ambulances (about 100 units for about 820 cases a day), then N cases over M months up to
yesterday drawn by the demo's history generator (followup.history, seed 2026: calls, priority
edits, dispatches, referrals, recontacts, hospital visits; README, "History for the demo"),
then ANALYZE. Times, after one warm-up that is not counted:

report    tertial_report(year=, tertial=) for the last whole tertial (all seven measures,
          three regions, the trend over the earlier tertials, the deviations);
stations  station_table(start=, end=) over the whole generated period (every case), and over
          that tertial.

Prints p50 and the slowest in seconds, the peak of Python's memory during one call
(tracemalloc: what the rows and figures cost in the process; the aggregation is the
database's) and the process's peak RSS, next to the load average. Targets: <= 2 s on
PostgreSQL, <= 10 s on SQLite. With --json the last line is the figures as JSON (bench/run.py
reads it).
"""

import argparse
import csv
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Throwaway,
    commit_short,
    database_migrate,
    django_start,
    load_text,
    report_save,
)

TARGET_S = {"postgresql": 2.0, "sqlite": 10.0}


def stations_add() -> int:
    """A station with 3-4 ambulances in every demo municipality without one (at the middle of
    its demo addresses): seed 004's volume needs about a hundred units. Returns the units."""
    from crews.models import Region, Station, Unit, UnitKind

    data = Path(__file__).resolve().parent.parent / "places" / "data"
    with (data / "municipalities.csv").open(encoding="utf-8", newline="") as file:
        municipalities = {r["code"]: r for r in csv.DictReader(file)}
    points: dict[str, list[tuple[float, float]]] = {}
    with (data / "demo_addresses.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            points.setdefault(row["municipality_code"], []).append(
                (float(row["latitude"]), float(row["longitude"])))
    regions = {r.code: r for r in Region.objects.all()}
    known = set(Station.objects.values_list("name", flat=True))
    number = 5000
    for code in sorted(points):
        m = municipalities[code]
        if m["name"] in known:
            station = Station.objects.get(name=m["name"])
        else:
            lat = sum(p[0] for p in points[code]) / len(points[code])
            lon = sum(p[1] for p in points[code]) / len(points[code])
            station = Station.objects.create(name=m["name"], region=regions[m["region_code"]],
                                             latitude=lat, longitude=lon)
        have = Unit.objects.filter(home_station=station).count()
        for _ in range(max(0, (4 if len(points[code]) > 200 else 3) - have)):
            number += 10
            Unit.objects.create(call_sign=f"AMB {number}", kind=UnitKind.AMBULANCE,
                                region=station.region, home_station=station,
                                capabilities=["als"], latitude=station.latitude,
                                longitude=station.longitude)
    return Unit.objects.exclude(kind=UnitKind.MOBILE_CARE).count()


def last_whole_tertial(end: date) -> tuple[int, int, date, date]:
    """(year, tertial, first day, last day) of the last tertial that ended by `end`."""
    year, tertial = end.year, (end.month - 1) // 4 + 1
    first = date(year, 4 * (tertial - 1) + 1, 1)
    last = (date(year + 1, 1, 1) if tertial == 3 else date(year, 4 * tertial + 1, 1)) \
        - timedelta(days=1)
    if last > end:
        year, tertial = (year, tertial - 1) if tertial > 1 else (year - 1, 3)
        first = date(year, 4 * (tertial - 1) + 1, 1)
        last = (date(year + 1, 1, 1) if tertial == 3 else date(year, 4 * tertial + 1, 1)) \
            - timedelta(days=1)
    return year, tertial, first, last


def timed(rounds: int, action) -> dict:
    """One warm-up, then `rounds` timed calls; then one more under tracemalloc for the peak
    of Python's memory in a call (the process's peak RSS is the generator's, reported apart)."""
    action()
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        action()
        samples.append(time.perf_counter() - t0)
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return {"n": rounds, "p50": round(statistics.median(samples), 3),
            "max": round(max(samples), 3), "all": [round(s, 3) for s in samples],
            "python_peak_mb": round(peak, 1)}


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=400_000)
    parser.add_argument("--months", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    db = Throwaway(args.database_url, args.keep, label="followup")
    try:
        django_start()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from followup.history import history_generate

        load_start = database_migrate(db, "followup")
        call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))
        units = stations_add()
        end = timezone.localdate() - timedelta(days=1)
        days = round(args.months * 30.44)
        print(f"   {units} units; {args.cases:,} cases over {days} days up to {end}",
              flush=True)
        made = history_generate(days=days, end=end, total=args.cases, seed=args.seed,
                                progress=lambda line: print("  " + line, flush=True))
        print(f"   generated in {made['seconds']:.1f} s ({made['cpu_seconds']:.1f} s of CPU): "
              f"{made['cases']:,} cases, "
              f"{made['calls']:,} calls, {made['assignments']:,} assignments, "
              f"{made['changes']:,} priority changes, {made['visits']:,} hospital visits",
              flush=True)
        t0 = time.monotonic()
        # PostgreSQL: the visibility map too (autovacuum keeps it in a database in use), so
        # the follow-up's covering indexes are read without the tables' rows.
        analyze = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(analyze)
        print(f"   {analyze} in {time.monotonic() - t0:.1f} s", flush=True)

        from followup.selectors import tertial_report
        from followup.stations import station_table

        year, tertial, t_first, t_last = last_whole_tertial(end)
        first = date.fromisoformat(made["first"])
        report = timed(args.rounds, lambda: tertial_report(year=year, tertial=tertial))
        whole = timed(args.rounds, lambda: station_table(start=first, end=end))
        part = timed(args.rounds, lambda: station_table(start=t_first, end=t_last))
        load_end = os.getloadavg()
        target = TARGET_S[connection.vendor]
        result = {
            "benchmark": "followup", "commit": commit_short(), "vendor": connection.vendor,
            "cases": made["cases"], "units": units, "days": days, "generated": made,
            "tertial": f"T{tertial} {year}", "target_s": target, "report": report,
            "stations_all": whole, "stations_tertial": part,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "loadavg_at_start": list(load_start), "loadavg_at_end": list(load_end),
        }
        print(f"   {made['cases']:,} cases, {connection.vendor}, {args.rounds} rounds after a "
              f"warm-up (seconds; target <= {target:g} s):")
        for name, fig in ((f"tertial_report T{tertial} {year}", report),
                          (f"station_table {first}..{end}", whole),
                          (f"station_table T{tertial} {year}", part)):
            verdict = "MET" if fig["max"] <= target else "MISSED"
            print(f"   {name:<36} p50 {fig['p50']:7.3f}  max {fig['max']:7.3f}  {verdict}  "
                  f"Python peak {fig['python_peak_mb']} MB")
        print(f"   the process's peak RSS {result['peak_rss_mb']} MB (the generator's); load "
              f"average {load_text(load_start)} -> {load_text(load_end)}")
        report_save(result, echo=args.json)
        return result
    finally:
        db.drop()


if __name__ == "__main__":
    main()
