"""Benchmark of the address search as you type (`places.selectors.address_search`, top 10)
over a country's worth of generated addresses, on a throwaway database.

    python bench/address_search.py                      # SQLite file under LARMKEDJAN_VAR_DIR
                                                        # or a temporary directory, removed
    python bench/address_search.py --near               # as the console asks: near=Västerås
    python bench/address_search.py --database-url postgres://postgres@127.0.0.1:5432/postgres
                                                        # a fresh PostgreSQL database next to
                                                        # it, dropped after
    scripts/bench.sh --only addresses                   # both: SQLite, then DATABASE_URL's server

Builds N addresses (default 1,000,000): Swedish-like street names (a first part and an ending,
"Björkvägen", "Kyrkogatan", "Stora torget") in generated localities, each its own municipality,
numbers 1..K with a letter now and then, positions within Sweden; plus the real Stora torget
(Västerås) and Dragarbrunnsgatan (Uppsala). Inserted in bulk through the model's table (the
migrations' FTS5 triggers or GIN index maintained as in production), then ANALYZE.

Then times every prefix of a few realistic queries, keystroke by keystroke ("s", "st", "sto",
... "stora torget 1 v"), R rounds after a warm-up round, and prints p50/p95/p99 per backend for
the queries that search (3 letters or more: shorter ones answer an empty list without asking
the database, by design) and separately per query length, next to the machine's load.

Targets (issue 13): p99 <= 30 ms on PostgreSQL, <= 60 ms on SQLite.
"""

import argparse
import os
import random
import sys
import time
from datetime import datetime
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

TARGET_P99_MS = {"postgresql": 30.0, "sqlite": 60.0}
LIMIT = 10
TYPED = ["Stora torget 1 Västerås", "Dragarbrunnsg 12", "stora torget vasteras",
         "kungsgatan 5 upps", "Björkvägen 3b", "S:t Eriksgatan 20", "lillgatan 7 norr",
         "kyrkv 14", "ekbacken 2 sundsv", "nygatan 33"]
FIRST = ["Stor", "Kungs", "Drottning", "Björk", "Ek", "Tall", "Gran", "Lind", "Ask", "Al",
         "Sjö", "Skol", "Kyrk", "Park", "Mölle", "Kvarn", "Hamn", "Järnvägs", "Ängs", "Berg",
         "Dal", "Back", "Ny", "Gamla", "Lill", "Väster", "Öster", "Norr", "Söder", "Torg",
         "Smed", "Bruks", "Hantverkar", "Prost", "Fabriks", "Vasa", "Linné", "Rosen", "Syren",
         "Hassel", "Rönn", "Asp", "Sälg", "Ljung", "Mosse", "Fors", "Ström", "Å", "Bäck",
         "Kvarnbacks", "Skogs", "Stations", "Idrotts", "Gärdes", "Bygdegårds", "Ryttar",
         "Klockar", "Präst", "Fiskar", "Båtsmans"]
ENDINGS = ["gatan", "vägen", "gränd", "stigen", "backen", "allén", "platsen", "leden",
           "torget", "slingan"]
SPLIT = ["Stora torget", "Lilla torget", "Stora gatan", "Gamla vägen", "Sankt Eriksgatan",
         "S:t Eriksgatan", "Norra Kyrkogatan", "Södra Storgatan"]
PLACE_FIRST = ["Norr", "Söder", "Väster", "Öster", "Sjö", "Berg", "Ek", "Lind", "Björk", "Hag",
               "Fors", "Dal", "Ström", "Sand", "Mo", "Ås", "Vik", "Kvarn", "Hol", "Ljung",
               "Tall", "Gran", "Rönn", "Al", "Näs"]
PLACE_ENDINGS = ["by", "köping", "hult", "torp", "berga", "sund", "vall", "ryd", "stad",
                 "fors", "holm", "näs", "sjö", "åsen"]
TOWNS = [("Västerås", 59.6099, 16.5448, "1980"), ("Uppsala", 59.8586, 17.6389, "0380"),
         ("Stockholm", 59.3293, 18.0686, "0180"), ("Sundsvall", 62.3908, 17.3069, "2281"),
         ("Norrköping", 58.5877, 16.1924, "0581"), ("Enköping", 59.6361, 17.0777, "0381")]


def places(rng: random.Random, count: int) -> list[tuple[str, float, float, str]]:
    """Localities (name, lat, lon, municipality code): the real towns, then generated ones."""
    found = list(TOWNS)
    names = {t[0] for t in TOWNS}
    while len(found) < count:
        name = rng.choice(PLACE_FIRST) + rng.choice(PLACE_ENDINGS)
        if name in names:
            name = f"{name} {rng.choice(['Norra', 'Södra', 'Östra', 'Västra', 'Nedre', 'Övre'])}"
            if name in names:
                continue
        names.add(name)
        found.append((name, rng.uniform(55.4, 67.5), rng.uniform(11.5, 23.5),
                      f"{2300 + len(found):04d}"))
    return found


def build(count: int, rng: random.Random) -> float:
    from django.db import connection, transaction

    from crews.models import Region
    from places.models import Municipality
    from places.search import address_fold, municipality_fold
    from places.services import address_index_tidy

    started = time.monotonic()
    streets = [f + e for f in FIRST for e in ENDINGS] + SPLIT
    region = Region.objects.create(code="BENCH", name="Benchregion")
    per_place_streets, numbers = 40, 45
    localities = places(rng, max(len(TOWNS), count // (per_place_streets * numbers) + 1))
    municipalities = {code: Municipality(code=code, name=name, region=region,
                                         folded_name=municipality_fold(name))
                      for name, _, _, code in localities}
    Municipality.objects.bulk_create(municipalities.values())
    ids = dict(Municipality.objects.values_list("code", "id"))
    rows = []
    for name, lat, lon, code in localities:
        chosen = rng.sample(streets, per_place_streets)
        if name == "Västerås":
            chosen[0] = "Stora torget"
        if name == "Uppsala":
            chosen[0] = "Dragarbrunnsgatan"
        for street in chosen:
            slat, slon = lat + rng.gauss(0, 0.02), lon + rng.gauss(0, 0.04)
            folded = address_fold(street=street, locality=name, municipality=name)
            for n in range(1, numbers + 1):
                letter = "B" if rng.random() < 0.05 else ""
                rows.append((street, str(n), letter, f"{rng.randint(100, 999)} "
                             f"{rng.randint(10, 99)}", name, ids[code],
                             slat + n * 0.00005, slon, folded))
                if len(rows) >= count:
                    break
            if len(rows) >= count:
                break
        if len(rows) >= count:
            break
    sql = ("INSERT INTO places_address (street, number, letter, postcode, locality, "
           "municipality_id, latitude, longitude, folded) VALUES "
           "(%s, %s, %s, %s, %s, %s, %s, %s, %s)")
    batch = 20_000
    for offset in range(0, len(rows), batch):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows[offset:offset + batch])
        if offset and offset % 200_000 == 0:
            print(f"   … {offset:,} inserted ({time.monotonic() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # As manage.py import_addresses does after a large import.
    address_index_tidy()
    return time.monotonic() - started


def keystrokes() -> list[str]:
    return [text[:i] for text in TYPED for i in range(1, len(text) + 1) if text[i - 1] != " "]


# The console's map centre in Västerås, for --near.
NEAR = (59.6099, 16.5448)


def measure(rounds: int, near: tuple[float, float] | None = None) -> dict:
    from places.search import query_parse
    from places.selectors import address_search

    typed = keystrokes()
    for text in typed:  # the warm-up round
        address_search(text=text, limit=LIMIT, near=near)
    searched, short, by_length, found = [], [], {}, {}
    for _ in range(rounds):
        for text in typed:
            t0 = time.perf_counter()
            hits = address_search(text=text, limit=LIMIT, near=near)
            elapsed = (time.perf_counter() - t0) * 1000
            if query_parse(text).searchable:
                searched.append(elapsed)
                bucket = "3-4" if len(text) <= 4 else "5-8" if len(text) <= 8 else "9+"
                by_length.setdefault(bucket, []).append(elapsed)
            else:
                short.append(elapsed)
            found[text] = [h.label for h in hits[:3]]
    return {"searched": figures(searched), "short": figures(short),
            "by_length": {k: figures(v) for k, v in sorted(by_length.items())},
            "examples": {t: found[t] for t in TYPED}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("ADDRESS_BENCH_DATABASE_URL"),
                        help="a PostgreSQL server (postgres://...): a fresh database is created "
                             "next to this one and dropped after; default: SQLite under "
                             "LARMKEDJAN_VAR_DIR or a temporary directory")
    parser.add_argument("--addresses", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--near", action="store_true",
                        help="search as the console does, near=<its map centre> (Västerås)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON last")
    args = parser.parse_args()

    db = Throwaway(args.database_url, args.keep, label="addresses")
    django_start()
    from django.db import connection

    rng = random.Random(args.seed)
    try:
        load_start = database_migrate(db, "addresses")
        seconds = build(args.addresses, rng)
        print(f"   {args.addresses:,} addresses inserted in {seconds:.1f} s", flush=True)
        results = measure(args.rounds, NEAR if args.near else None)
    finally:
        db.drop()
    vendor = connection.vendor
    target = TARGET_P99_MS[vendor]
    s = results["searched"]
    verdict = "MET" if s["p99"] <= target else "MISSED"
    print(f"\n   address_search as you type, {len(keystrokes())} keystrokes x {args.rounds} "
          f"rounds, top {LIMIT} (ms; target p99 <= {target:g} ms on {vendor}):")
    print(f"   searched (>= 3 letters): n={s['n']} p50 {s['p50']:.2f}  p95 {s['p95']:.2f}  "
          f"p99 {s['p99']:.2f}  max {s['max']:.2f}  {verdict}")
    for bucket, f in results["by_length"].items():
        print(f"     {bucket:>4} characters: n={f['n']} p50 {f['p50']:.2f}  p99 {f['p99']:.2f}"
              f"  max {f['max']:.2f}")
    sh = results["short"]
    print(f"   1-2 letters (empty list, no query): p50 {sh['p50']:.3f}  p99 {sh['p99']:.3f}")
    for text, labels in results["examples"].items():
        print(f"   {text!r}: {labels}")
    load_end = os.getloadavg()
    print(f"   load average at the end: {load_text(load_end)}")
    report = {
        "benchmark": "addresses", "vendor": vendor,
        "commit": commit_short(),
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "addresses": args.addresses, "rounds": args.rounds, "limit": LIMIT,
        "near": NEAR if args.near else None,
        "insert_seconds": round(seconds, 1),
        "loadavg_at_start": load_start, "loadavg_at_end": load_end,
        "target_p99_ms": target, **results,
    }
    report_save(report, echo=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
