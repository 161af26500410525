"""Benchmark of seed 004's station table (`followup.stations.station_table`) over a year of
400,000 cases, the volume seed 004 names.

    python bench/followup_stations.py                  # SQLite file under LARMKEDJAN_VAR_DIR
                                                       # or a temporary directory, removed
    python bench/followup_stations.py --database-url postgres://postgres@127.0.0.1:5432/postgres
                                                       # a fresh PostgreSQL database next to it,
                                                       # dropped after
    python bench/followup_stations.py --database-url postgres://…/mine --as-is
                                                       # that database itself (it must hold no
                                                       # cases); what was inserted is removed
                                                       # (kept with --keep, and measured again
                                                       # with --again)

Builds the demo's regions, stations and units (seed_demo), then N cases (default 400,000)
spread over 2025 with a call each (answered 5–40 s after it rang), priorities drawn
1A 10 %, 1B 20 %, 2A 25 %, 2B 25 %, 3 20 %, a first ambulance on scene 6–40 minutes after the
answer (3 % never arrive: cancelled), a second unit on one case in eight, and each
assignment free 20–120 minutes after its alert (calls, cases and assignments inserted with
bulk_create), then on PostgreSQL VACUUM ANALYZE. Then times the whole year's table, all
regions, R times after one warm-up, and prints the median and the slowest, and Python's peak
memory during one more call (tracemalloc: the rows the database returns, not the cases).

Targets: ≤ 2 s on PostgreSQL, ≤ 10 s on SQLite.
"""

import argparse
import os
import random
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
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
YEAR = 2025
PRIORITIES = (("1A", 10), ("1B", 20), ("2A", 25), ("2B", 25), ("3", 20))
BATCH = 5000


class AsIs:
    """The database named by the URL itself, for a run that may not create databases: it must
    hold no cases; the calls, cases and assignments inserted are removed after."""

    def __init__(self, database_url: str):
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        os.environ["DATABASE_URL"] = database_url
        os.environ.setdefault("SECRET_KEY", "bench-as-is")
        os.environ.pop("REDIS_URL", None)
        self.where = f"PostgreSQL database {database_url.rsplit('/', 1)[-1]} (as is)"

    def drop(self) -> None:
        from django.db import connection

        from dispatch.models import Assignment, Call, Case

        with connection.cursor() as cursor:  # the rows of this run only: it began empty
            for model in (Assignment, Case, Call):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")


def build(n: int, rng: random.Random) -> float:
    """The demo's units and `n` cases with their calls and assignments; the seconds it took."""
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from crews.models import Unit, UnitKind
    from dispatch.models import Assignment, AssignmentStatus, Call, Case

    t0 = time.monotonic()
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))
    by = User.objects.get(username="anna")
    units = list(Unit.objects.exclude(kind=UnitKind.MOBILE_CARE).select_related("region"))
    start = datetime(YEAR, 1, 1, tzinfo=timezone.get_current_timezone())
    span = (datetime(YEAR + 1, 1, 1, tzinfo=start.tzinfo) - start).total_seconds()
    priorities = [p for p, w in PRIORITIES for _ in range(w)]
    made = 0
    while made < n:
        size = min(BATCH, n - made)
        calls, cases, plans = [], [], []
        for i in range(made, made + size):
            rang = start + timedelta(seconds=rng.uniform(0, span))
            answered = rang + timedelta(seconds=rng.uniform(5, 40))
            unit = rng.choice(units)
            priority = rng.choice(priorities)
            calls.append(Call(call_id=f"bench-{i}", line="112", queued_at=rang,
                              answered_at=answered, source="import", region=unit.region))
            cases.append(Case(
                region=unit.region, caller_number="+46701740605", address="Stora torget 1",
                latitude=59.61, longitude=16.54, complaint="Bröstsmärta", mbs_priority=priority,
                priority=priority, first_alert_priority=priority, call_received_at=rang,
                call_answered_at=answered, registered_at=answered + timedelta(seconds=60),
                first_alert_at=answered + timedelta(seconds=90), created_by=by, pin_key=""))
            plans.append((unit, answered))
        Call.objects.bulk_create(calls)
        for case, call in zip(cases, calls, strict=True):
            case.call = call
        Case.objects.bulk_create(cases)
        assignments = []
        for case, (unit, answered) in zip(cases, plans, strict=True):
            sent = [unit] + ([rng.choice(units)] if rng.random() < 0.125 else [])
            for unit_sent in sent:
                alerted = answered + timedelta(seconds=rng.uniform(60, 180))
                free = alerted + timedelta(minutes=rng.uniform(20, 120))
                if rng.random() < 0.03:
                    cancelled = alerted + timedelta(minutes=rng.uniform(1, 10))
                    assignments.append(Assignment(
                        case=case, unit=unit_sent, status=AssignmentStatus.CANCELLED,
                        alerted_at=alerted, cancelled_at=cancelled,
                        status_changed_at=cancelled, created_by=by))
                    continue
                on_scene = answered + timedelta(minutes=rng.uniform(6, 40))
                assignments.append(Assignment(
                    case=case, unit=unit_sent, status=AssignmentStatus.AVAILABLE,
                    alerted_at=alerted, on_scene_at=max(on_scene, alerted),
                    available_at=max(free, on_scene), status_changed_at=max(free, on_scene),
                    created_by=by))
        Assignment.objects.bulk_create(assignments)
        made += size
        if made % 50_000 == 0 or made == n:
            print(f"   {made:,} of {n:,} cases ({time.monotonic() - t0:.0f} s)", flush=True)
    return time.monotonic() - t0


def tables_settle() -> float:
    """After a bulk load on PostgreSQL, what autovacuum does on a database in use: statistics
    for the planner and the visibility map that lets the station table read the assignments
    on scene from their index alone (followup_assignment_on_scene). SQLite is measured as it
    was (no statistics). The seconds."""
    from django.db import connection

    t0 = time.monotonic()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE dispatch_call, dispatch_case, dispatch_assignment")
    return time.monotonic() - t0


def measure(rounds: int) -> tuple[list[float], float, dict]:
    from followup.stations import station_table

    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    table = station_table(start=first, end=last)  # warm-up (and the figures shown)
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        station_table(start=first, end=last)
        samples.append(time.perf_counter() - t0)
    tracemalloc.start()  # a round of its own: tracing slows every allocation
    station_table(start=first, end=last)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return samples, peak, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("STATIONS_BENCH_DATABASE_URL"),
                        help="a PostgreSQL server (postgres://...): a fresh database is created "
                             "next to this one and dropped after (unless --as-is); default: "
                             "SQLite under LARMKEDJAN_VAR_DIR or a temporary directory")
    parser.add_argument("--as-is", action="store_true",
                        help="use --database-url's database itself (it must hold no cases)")
    parser.add_argument("--cases", type=int, default=400_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--again", action="store_true",
                        help="with --as-is: measure the cases an earlier --keep run left")
    parser.add_argument("--json", action="store_true", help="print the result as JSON last")
    args = parser.parse_args()

    if args.as_is and not args.database_url:
        parser.error("--as-is needs --database-url")
    db = AsIs(args.database_url) if args.as_is else Throwaway(args.database_url, args.keep,
                                                               label="stations")
    django_start()
    from django.db import connection

    load_start = database_migrate(db, "followup-stations")
    from dispatch.models import Case

    again = args.as_is and args.again
    if again:
        args.cases = Case.objects.filter(call__call_id__startswith="bench-").count()
        print(f"   measuring the {args.cases:,} cases an earlier run left", flush=True)
    elif Case.objects.exists():
        print("The database holds cases already: give an empty one.")
        return 2
    try:
        if not again:
            seconds = build(args.cases, random.Random(args.seed))
            print(f"   {args.cases:,} cases inserted in {seconds:.1f} s", flush=True)
            seconds = tables_settle()
            if connection.vendor == "postgresql":
                print(f"   VACUUM ANALYZE in {seconds:.1f} s", flush=True)
        samples, peak_mb, table = measure(args.rounds)
    finally:
        if not (args.as_is and args.keep):
            db.drop()
    target = TARGET_S[connection.vendor]
    counted = sum(s["response"]["all"]["count"] for s in table["stations"])
    p50, slowest = statistics.median(samples), max(samples)
    verdict = "MET" if slowest <= target else "MISSED"
    print(f"\n   station_table, {YEAR} (all regions, {len(table['stations'])} stations, "
          f"{counted:,} cases with a unit on scene), {args.rounds} rounds on "
          f"{connection.vendor}: median {p50:.2f} s, slowest {slowest:.2f} s "
          f"(target ≤ {target:g} s) {verdict}; Python's peak {peak_mb:.1f} MB")
    load_end = os.getloadavg()
    print(f"   load average at the end: {load_text(load_end)}")
    report = {
        "benchmark": "followup-stations", "vendor": connection.vendor,
        "commit": commit_short(), "measured_at": datetime.now().isoformat(timespec="seconds"),
        "cases": args.cases, "counted": counted, "rounds": args.rounds,
        "loadavg_at_start": load_start, "loadavg_at_end": load_end, "target_s": target,
        "seconds": {"median": round(p50, 3), "max": round(slowest, 3),
                    "all": [round(s, 3) for s in samples]},
        "python_peak_mb": round(peak_mb, 1),
    }
    report_save(report, echo=args.json)
    return 0 if verdict == "MET" else 1


if __name__ == "__main__":
    sys.exit(main())
