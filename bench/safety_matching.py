"""Benchmark of matching a new case with the risk notices (safety.services.matching): among
100,000 active notices over the demo's three regions, the notices a case at a random place
(with an address and an identity number) matches.

    python bench/safety_matching.py [--notices 100000] [--calls 1000] [--json]
    python bench/safety_matching.py --database-url postgres://postgres@127.0.0.1:5432/postgres

Builds N notices (a third with a radius of 50..2000 m, a fifth about a person, every one with
an address) spread over Västmanland, Uppsala and Stockholm on a throwaway database (SQLite
under LARMKEDJAN_VAR_DIR or a temporary directory; or a PostgreSQL database next to
--database-url's, dropped after). Then times, after a warm-up that is not counted:

match     `notices_matching` for a case at a random place of the three regions, with a
          random address and identity number, as a registration runs it (one statement: the
          three indexed lookups; the distances in Python);
hit       at the place and address of a random notice, the matched notices loaded as the
          console's preview shows them (something is found every time).

Target: p99 <= 10 ms. Prints the figures next to the load average (/proc/loadavg); with --json
the last line is the figures as JSON (bench/run.py reads it).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Throwaway,
    commit_short,
    database_migrate,
    django_start,
    figures,
    load_text,
    loadavg,
    report_save,
)

TARGET_P99_MS = 10.0
# The demo's regions: a centre and the half-widths (degrees) of the area notices are spread.
REGIONS = {"VML": (59.61, 16.54, 0.35, 0.8), "UPP": (59.86, 17.64, 0.4, 0.8),
           "SRM": (59.33, 18.06, 0.45, 0.9)}
# 600 street names (a region has thousands; the common ones, Storgatan, Skolvägen, recur in
# every town, and the key has no town: the address lookup finds them all and keeps the near).
STREETS = tuple(f"{first}{last}" for first in (
    "Stor", "Kungs", "Vasa", "Drottning", "Skol", "Björk", "Kyrko", "Ring", "Köpings", "Sigurds",
    "Tall", "Gran", "Ek", "Lind", "Hamn", "Bruks", "Sjö", "Park", "Smedje", "Slotts", "Mark",
    "Berg", "Ängs", "Lärk", "Rönn", "Hassel", "Tegel", "Kvarn", "Järnvägs", "Ny")
    for last in ("gatan", "vägen", "gränd", "stigen", "backen", "torget", "allén", "leden",
                 "plan", "slingan", "svängen", "vägen Norra", "vägen Södra", "gatan Östra",
                 "gatan Västra", "liden", "ringen", "parken", "hagen", "udden"))


def place(rng: random.Random) -> tuple[str, float, float]:
    code = rng.choice(tuple(REGIONS))
    lat, lon, dlat, dlon = REGIONS[code]
    return code, lat + rng.uniform(-dlat, dlat), lon + rng.uniform(-dlon, dlon)


def pin(rng: random.Random) -> str:
    return f"{rng.randint(1930, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" \
           f"-{rng.randint(0, 9999):04d}"


def address(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.randint(1, 120)}"


def build(count: int, seed: int = 16) -> list:
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Role, User
    from core.identity_numbers import pin_key
    from crews.models import Region
    from safety.models import RiskNotice
    from safety.services.matching import address_key

    rng = random.Random(seed)
    regions = {code: Region.objects.create(code=code, name=code) for code in REGIONS}
    anna = User.objects.create(username="bench-anna", role=Role.DISPATCHER)
    now = timezone.now()
    batch, made = [], 0
    for _ in range(count):
        code, lat, lon = place(rng)
        text = address(rng)
        batch.append(RiskNotice(
            region=regions[code], address=text, address_key=address_key(text),
            latitude=lat, longitude=lon,
            radius_m=rng.randint(50, 2000) if rng.random() < 1 / 3 else 0,
            person_key=pin_key(pin(rng)) if rng.random() < 0.2 else "",
            category="threat", action="caution", source="dispatcher", state="active",
            valid_from=now, valid_until=now + timedelta(days=rng.randint(1, 365)),
            entered_by=anna, entered_at=now))
        if len(batch) == 5000:
            RiskNotice.objects.bulk_create(batch)
            made += len(batch)
            batch = []
            print(f"   {made} notices", end="\r", flush=True)
    RiskNotice.objects.bulk_create(batch)
    print(f"   {count} notices built      ")
    return list(RiskNotice.objects.values_list("latitude", "longitude", "address",
                                               "person_key")[:5000])


def timed(calls: int, action) -> tuple[list[float], int]:
    samples, found = [], 0
    for i in range(calls):
        started = time.perf_counter()
        found += len(action(i))
        samples.append((time.perf_counter() - started) * 1000)
    return samples, found


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    db = Throwaway(args.database_url, args.keep, label="safety")
    try:
        django_start()
        from django.db import connection

        from safety.services.matching import notices_matching

        load_start = database_migrate(db, "safety_matching")
        print(f"   /proc/loadavg {loadavg()}")
        known = build(args.notices)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        rng = random.Random(7)
        cases = [(*place(rng)[1:], address(rng), pin(rng)) for _ in range(args.calls)]
        hits = [rng.choice(known) for _ in range(args.calls)]

        def match(i):
            lat, lon, text, person = cases[i % len(cases)]
            return notices_matching(latitude=lat, longitude=lon, address=text,
                                    personal_identity_number=person, load=False)

        def hit(i):
            lat, lon, text, _person = hits[i % len(hits)]
            return notices_matching(latitude=lat, longitude=lon, address=text)

        timed(args.warmup, match)
        timed(args.warmup, hit)
        samples, found = timed(args.calls, match)
        random_fig = figures(samples)
        samples, hit_found = timed(args.calls, hit)
        hit_fig = figures(samples)
        load_end = os.getloadavg()
        report = {
            "benchmark": "safety_matching", "commit": commit_short(),
            "vendor": connection.vendor, "notices": args.notices, "calls": args.calls,
            "found_per_call": round(found / args.calls, 2),
            "hit_found_per_call": round(hit_found / args.calls, 2),
            "match": random_fig, "hit": hit_fig, "target_p99_ms": TARGET_P99_MS,
            "loadavg_at_start": list(load_start), "loadavg_at_end": list(load_end),
        }
        print(f"   matching among {args.notices} active notices, {args.calls} cases, "
              f"{connection.vendor} ({report['found_per_call']} / "
              f"{report['hit_found_per_call']} found per case)")
        for name, fig in (("match", random_fig), ("hit", hit_fig)):
            verdict = "MET" if fig["p99"] <= TARGET_P99_MS else "MISSED"
            print(f"   {name:<6} p50 {fig['p50']:6.2f}  p95 {fig['p95']:6.2f}  "
                  f"p99 {fig['p99']:6.2f}  max {fig['max']:7.2f} ms  (p99 <= "
                  f"{TARGET_P99_MS:g} ms: {verdict})")
        print(f"   load average {load_text(load_start)} -> {load_text(load_end)}; "
              f"/proc/loadavg {loadavg()}")
        report_save(report, echo=args.json)
        return report
    finally:
        db.drop()


if __name__ == "__main__":
    main()
