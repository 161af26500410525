"""Benchmark of IVPA volunteer selection (`ivpa.selectors.volunteers_near`) on a throwaway
database with a country's worth of volunteers.

    python bench/ivpa_select.py                         # SQLite file under LARMKEDJAN_VAR_DIR
                                                        # or a temporary directory, removed
    python bench/ivpa_select.py --database-url postgres://postgres@127.0.0.1:5432/postgres
                                                        # a fresh PostgreSQL database next to it,
                                                        # dropped after
    scripts/bench.sh --only ivpa-select                 # the same, on DATABASE_URL's server

Builds N volunteers (default 100,000) spread over Sweden's population centres, weighted by
population, with a gaussian spread of a few km around each (wider for the larger cities) and
a rural share spread some tens of km around a town; all available, with a fresh position and a
confirmed training (users and responders inserted with bulk_create, the grid cell from
ivpa.geo.cell_of). Then times `volunteers_near` for Q case positions drawn the same way (radius
1,800 and 5,000 m, limit 20) and prints p50/p95/p99 in ms, after a warm-up that is not
counted. Runs EXPLAIN once (PostgreSQL: EXPLAIN ANALYZE; SQLite: EXPLAIN QUERY PLAN) on the
selection query in central Stockholm and says whether the `responder_cell` index is used.

Targets: p99 < 10 ms on PostgreSQL, < 20 ms on SQLite.
"""

import argparse
import math
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Throwaway,
    commit_short,
    database_migrate,
    django_start,
    figures,
    load_text,
    report_save,
)

TARGET_P99_MS = {"postgresql": 10.0, "sqlite": 20.0}
RADII = (1800, 5000)
LIMIT = 20
RURAL_SHARE = 0.15
# (name, latitude, longitude, population of the urban area, roughly)
CENTRES = [
    ("Stockholm", 59.3293, 18.0686, 1_600_000), ("Göteborg", 57.7089, 11.9746, 600_000),
    ("Malmö", 55.6050, 13.0038, 350_000), ("Uppsala", 59.8586, 17.6389, 180_000),
    ("Västerås", 59.6099, 16.5448, 130_000), ("Örebro", 59.2753, 15.2134, 125_000),
    ("Linköping", 58.4108, 15.6214, 115_000), ("Helsingborg", 56.0465, 12.6945, 110_000),
    ("Jönköping", 57.7826, 14.1618, 100_000), ("Norrköping", 58.5877, 16.1924, 95_000),
    ("Lund", 55.7047, 13.1910, 95_000), ("Umeå", 63.8258, 20.2630, 90_000),
    ("Gävle", 60.6749, 17.1413, 80_000), ("Borås", 57.7210, 12.9401, 75_000),
    ("Södertälje", 59.1955, 17.6253, 75_000), ("Eskilstuna", 59.3712, 16.5098, 70_000),
    ("Halmstad", 56.6745, 12.8578, 70_000), ("Växjö", 56.8777, 14.8091, 70_000),
    ("Karlstad", 59.4022, 13.5115, 65_000), ("Sundsvall", 62.3908, 17.3069, 60_000),
    ("Luleå", 65.5848, 22.1547, 50_000), ("Östersund", 63.1792, 14.6357, 50_000),
    ("Trollhättan", 58.2837, 12.2886, 50_000), ("Kalmar", 56.6634, 16.3568, 40_000),
    ("Falun", 60.6065, 15.6355, 40_000), ("Skövde", 58.3903, 13.8461, 40_000),
    ("Kristianstad", 56.0294, 14.1567, 40_000), ("Karlskrona", 56.1612, 15.5869, 40_000),
    ("Visby", 57.6348, 18.2948, 25_000), ("Kiruna", 67.8558, 20.2253, 18_000),
]


def sigma_km(population: int) -> float:
    """Spread around a centre: 8 km for Stockholm, 2.5-3 km for a town."""
    return 2.0 + 6.0 * math.sqrt(population / 1_600_000)


def positions(rng: random.Random, count: int) -> list[tuple[float, float]]:
    weights = [c[3] for c in CENTRES]
    out = []
    for _ in range(count):
        if rng.random() < RURAL_SHARE:
            _name, lat, lon, _pop = rng.choice(CENTRES)
            sigma = 35.0  # the countryside around a town
        else:
            _name, lat, lon, pop = rng.choices(CENTRES, weights)[0]
            sigma = sigma_km(pop)
        dlat = rng.gauss(0, sigma) / 111.32
        dlon = rng.gauss(0, sigma) / (111.32 * math.cos(math.radians(lat)))
        out.append((min(69.0, max(55.0, lat + dlat)), lon + dlon))
    return out


# --------------------------------------------------------------------------- the benchmark

def build(count: int, rng: random.Random) -> float:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from ivpa import geo
    from ivpa.models import Approval, Responder, ResponderKind, Training

    started = time.monotonic()
    now = timezone.now()
    password = make_password(None)
    batch = 5000
    where = positions(rng, count)
    for offset in range(0, count, batch):
        with transaction.atomic():
            users = User.objects.bulk_create([
                User(username=f"bench-volunteer-{i:06d}", role=Role.RESPONDER,
                     display_name=f"Volontär {i}", password=password)
                for i in range(offset, min(count, offset + batch))
            ])
            responders = []
            for user, (lat, lon) in zip(users, where[offset:offset + batch], strict=True):
                lat, lon = geo.coarse(lat), geo.coarse(lon)
                responders.append(Responder(
                    user=user, kind=ResponderKind.VOLUNTEER, training=Training.CPR_AED,
                    training_confirmed_at=now - timedelta(days=rng.randint(0, 700)),
                    available=True, available_changed_at=now, latitude=lat, longitude=lon,
                    position_at=now - timedelta(seconds=rng.randint(0, 600)),
                    cell=geo.cell_of(lat, lon), registered_at=now,
                    approval=Approval.APPROVED, approved_at=now,
                    approved_until=timezone.localdate(now) + timedelta(days=365)))
            Responder.objects.bulk_create(responders)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics for the planner, as autovacuum would
    return time.monotonic() - started


def explain() -> dict:
    """The plan of the selection query (the first statement volunteers_near runs) in central
    Stockholm, at 1,800 m."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ivpa.selectors import volunteers_near

    with CaptureQueriesContext(connection) as captured:
        volunteers_near(latitude=59.3326, longitude=18.0649, radius_m=1800, limit=LIMIT,
                        now=timezone.now(), weekly_cap=5)
    sql = next(q["sql"] for q in captured.captured_queries if "ivpa_responder" in q["sql"])
    prefix = ("EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql"
              else "EXPLAIN QUERY PLAN ")
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        plan = "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())
    return {"sql": sql, "plan": plan, "statements": len(captured.captured_queries),
            "responder_cell_used": "responder_cell" in plan}


def measure(queries: int, warmup: int, rng: random.Random) -> dict:
    from django.utils import timezone

    from ivpa.selectors import volunteers_near

    cases = positions(rng, queries + warmup)
    results = {}
    for radius in RADII:
        now = timezone.now()
        samples, found = [], []
        for i, (lat, lon) in enumerate(cases):
            t0 = time.perf_counter()
            chosen = volunteers_near(latitude=lat, longitude=lon, radius_m=radius, limit=LIMIT,
                                     now=now, weekly_cap=5)
            elapsed = (time.perf_counter() - t0) * 1000
            if i >= warmup:
                samples.append(elapsed)
                found.append(len(chosen))
        results[radius] = {**figures(samples),
                           "found_mean": round(sum(found) / len(found), 1),
                           "found_full_share": round(sum(n == LIMIT for n in found)
                                                     / len(found), 3)}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("IVPA_BENCH_DATABASE_URL"),
                        help="a PostgreSQL server (postgres://...): a fresh database is created "
                             "next to this one and dropped after; default: SQLite under "
                             "LARMKEDJAN_VAR_DIR or a temporary directory")
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", action="store_true", help="print the result as JSON last")
    args = parser.parse_args()

    db = Throwaway(args.database_url, args.keep, label="ivpa")
    django_start()
    from django.db import connection

    rng = random.Random(args.seed)
    try:
        load_start = database_migrate(db, "ivpa-select")
        seconds = build(args.volunteers, rng)
        print(f"   {args.volunteers} volunteers inserted in {seconds:.1f} s", flush=True)
        plan = explain()
        print(f"   EXPLAIN ({connection.vendor}), {plan['statements']} statements per call; "
              f"responder_cell index used: {'YES' if plan['responder_cell_used'] else 'NO'}")
        print("      " + plan["plan"].replace("\n", "\n      "), flush=True)
        results = measure(args.queries, args.warmup, rng)
    finally:
        db.drop()
    target = TARGET_P99_MS[connection.vendor]
    print(f"\n   volunteers_near, {args.queries} case positions, limit {LIMIT} "
          f"(ms; target p99 < {target:g} ms on {connection.vendor}):")
    for radius, r in results.items():
        verdict = "MET" if r["p99"] < target else "MISSED"
        print(f"   radius {radius:>5} m: p50 {r['p50']:.2f}  p95 {r['p95']:.2f}  "
              f"p99 {r['p99']:.2f}  max {r['max']:.2f}  (found {r['found_mean']} on average, "
              f"{r['found_full_share']:.0%} full)  {verdict}")
    load_end = os.getloadavg()
    print(f"   load average at the end: {load_text(load_end)}")
    report = {
        "benchmark": "ivpa-select", "vendor": connection.vendor,
        "commit": commit_short(),
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "volunteers": args.volunteers, "queries": args.queries, "limit": LIMIT,
        "loadavg_at_start": load_start, "loadavg_at_end": load_end,
        "target_p99_ms": target, "responder_cell_index_used": plan["responder_cell_used"],
        "plan": plan["plan"], "latency_ms": {str(k): v for k, v in results.items()},
    }
    report_save(report, echo=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
