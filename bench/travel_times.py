"""Benchmark of the travel time service (places.travel): 50 units to one place in one call.

    python bench/travel_times.py [--calls 200] [--origins 50] [--json]
    scripts/bench.sh --only travel

router     `travel_times(origins=50 units, destination, profile="ambulance")` against the loopback
           OSRM stand-in (tests/places/osrm_standin.py, a real HTTP server in a thread of this
           process): one /table request, its round trip and the parsing, N calls: p50/p99 ms;
fallback   the same with no router (ROUTER_URL empty): the built-in estimate;
time-out   the router answers only after 5 s: the first call falls back after the time-out
           (ROUTER_TIMEOUT_SECONDS, 2 s by default); the calls after it, with the breaker open,
           at the fallback's speed: N calls p50/p99 ms, and no further request.

Needs no database or Redis. Prints a table next to the load average; with --json the last line
is the figures as JSON (bench/run.py reads it).
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

DESTINATION = (59.6099, 16.5448)  # Stora torget, Västerås


def figures(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 3)

    return {"n": len(ordered), "p50": pct(50), "p99": pct(99), "max": round(ordered[-1], 3)}


def origins_around(n: int, seed: int = 13) -> list[tuple[float, float]]:
    """n unit positions within about 40 km of the destination."""
    rng = random.Random(seed)
    return [(DESTINATION[0] + rng.uniform(-0.35, 0.35), DESTINATION[1] + rng.uniform(-0.7, 0.7))
            for _ in range(n)]


def timed_calls(calls: int, origins, source: str | None) -> list[float]:
    from places.travel import travel_times

    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        times = travel_times(origins=origins, destination=DESTINATION, profile="ambulance")
        samples.append((time.perf_counter() - started) * 1000)
        if source is not None:
            assert {t.source for t in times} == {source}, {t.source for t in times}
    return samples


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--origins", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    from places.travel import ESTIMATE, ROUTER, router_reset
    from tests.places.osrm_standin import OsrmStandin

    logging.getLogger("places.travel").setLevel(logging.ERROR)  # the time-out's warning
    load_before = os.getloadavg()
    origins = origins_around(args.origins)
    timeout = float(settings.ROUTER_TIMEOUT_SECONDS)
    result: dict = {"origins": args.origins, "calls": args.calls, "timeout_s": timeout}
    with OsrmStandin() as osrm:
        with override_settings(ROUTER_URL=osrm.url, ROUTER_RETRY_SECONDS=3600):
            router_reset()
            timed_calls(10, origins, ROUTER)  # warm-up: the connection, imports
            osrm.reset()
            result["router"] = figures(timed_calls(args.calls, origins, ROUTER))
            result["router"]["requests_per_call"] = len(osrm.requests) / args.calls

            osrm.reset()
            osrm.mode, osrm.delay = "timeout", 5.0
            router_reset()
            started = time.perf_counter()
            timed_calls(1, origins, ESTIMATE)
            result["timeout_first_ms"] = round((time.perf_counter() - started) * 1000, 1)
            result["breaker_open"] = figures(timed_calls(args.calls, origins, ESTIMATE))
            result["breaker_open"]["requests"] = len(osrm.requests) - 1
            router_reset()
        with override_settings(ROUTER_URL=""):
            result["fallback"] = figures(timed_calls(args.calls, origins, ESTIMATE))
    result["load_before"] = [round(x, 2) for x in load_before]
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                      capture_output=True, text=True).stdout.strip()

    print(f"travel times: {args.origins} units to one place per call, {args.calls} calls "
          f"({platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, commit {result['commit']}, load average "
          f"{' '.join(map(str, result['load_before']))} -> "
          f"{' '.join(map(str, result['load_after']))})")
    rows = [
        ("router (OSRM stand-in, 1 request)", result["router"]),
        ("fallback (no router)", result["fallback"]),
        ("router down, breaker open", result["breaker_open"]),
    ]
    for name, fig in rows:
        print(f"  {name:<36} p50 {fig['p50']:8.3f} ms  p99 {fig['p99']:8.3f} ms  "
              f"max {fig['max']:8.3f} ms")
    print(f"  {'router times out (first call)':<36} {result['timeout_first_ms']:.1f} ms "
          f"(time-out {timeout:g} s); requests while the breaker is open: "
          f"{result['breaker_open']['requests']}")
    print(f"  requests per call (router): {result['router']['requests_per_call']:g}")
    if args.json:
        print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
