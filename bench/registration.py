"""Case registration with and without what the feature apps do on it (issue 18): the
dispatcher's `case_register` for a cardiac arrest (1A) at Stora torget in Västerås, with every
receiver of `dispatch.signals.case_registered` (the risk notices matched, IVPA's volunteers
alerted, the caller's earlier cases indexed), and again with the risk-notice and IVPA receivers
disconnected: registration with them must stay within 20 % of registration without them.

    python bench/registration.py [--cases 300] [--database-url postgres://...]

On a throwaway database (SQLite, or a PostgreSQL database next to --database-url's) with the
demo data, the IVPA demo (its volunteers at the square) and the safety demo (its notices);
each IVPA callout is cancelled before the next case (not timed), as the cluster bench does.
IVPA's first wave starts after the registration's commit (a stored timer fired at once in a
thread of the process): the bench also prints registration -> that wave stored.
Rounds alternate the two ways; p50/p95/p99 ms next to the load average (/proc/loadavg).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Throwaway, database_migrate, django_start, figures, loadavg  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300, help="per way")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--case-type", default="cardiac_arrest",
                        help="e.g. chest_pain: no IVPA callout, the notices matched only")
    args = parser.parse_args()
    db = Throwaway(args.database_url, False, label="registration")
    try:
        django_start()
        database_migrate(db, "registration with and without notice matching and IVPA")
        from django.core.management import call_command

        for seed in ("seed_demo", "seed_places_demo", "seed_ivpa_demo", "seed_safety_demo"):
            call_command(seed, verbosity=0)
        from accounts.models import User
        from core.background import timers_soon_wait_idle
        from crews.models import Region
        from dispatch import signals
        from dispatch.services import case_register
        from ivpa import receivers as ivpa_receivers
        from ivpa.models import Callout
        from ivpa.services import callout_end
        from safety import receivers as safety_receivers

        anna, vml = User.objects.get(username="anna"), Region.objects.get(code="VML")
        features = [(ivpa_receivers.on_case_registered, "ivpa.case_registered"),
                    (safety_receivers.on_case_registered, "safety.case_registered")]

        def register() -> float:
            t0 = time.perf_counter()
            case = case_register(
                by=anna, region=vml, caller_number="+4621123456", address="Stora torget 1",
                municipality="Västerås", latitude=59.6099, longitude=16.5448,
                complaint="Medvetslös, andas inte", mbs_priority="1A", priority="1A",
                case_type=args.case_type)
            elapsed = (time.perf_counter() - t0) * 1000
            # IVPA's first wave starts after the registration's commit, in a thread: until it
            # is stored, registration -> the volunteers' alerts (not the dispatcher's wait).
            assert timers_soon_wait_idle(timeout=60)
            if Callout.objects.filter(case=case).exists():
                waves.append((time.perf_counter() - t0) * 1000)
            for callout in Callout.objects.filter(case=case):
                callout_end(callout=callout, reason="cancelled", by=anna)
            return elapsed

        times = {"with": [], "without": []}
        waves: list[float] = []
        for _ in range(10):
            register()
        waves.clear()
        rounds = 10
        for _ in range(rounds):
            for way in ("with", "without"):
                if way == "without":
                    for receiver, uid in features:
                        assert signals.case_registered.disconnect(receiver, dispatch_uid=uid)
                try:
                    times[way] += [register() for _ in range(args.cases // rounds)]
                finally:
                    if way == "without":
                        for receiver, uid in features:
                            signals.case_registered.connect(receiver, dispatch_uid=uid)
        alerted = Callout.objects.count()
        print(f"   {args.cases} registrations ({args.case_type}) each way, load {loadavg()}; "
              f"{alerted} IVPA callouts made (with)")
        for way, samples in times.items():
            f = figures(samples)
            print(f"   {way:8s} p50 {f['p50']} ms, p95 {f['p95']} ms, p99 {f['p99']} ms")
        if waves:
            f = figures(waves)
            print(f"   registration -> the first wave stored (with): p50 {f['p50']} ms, "
                  f"p95 {f['p95']} ms, p99 {f['p99']} ms")
        ratio = figures(times["with"])["p50"] / figures(times["without"])["p50"]
        print(f"   with / without p50: x{ratio:.2f} (target <= x1.20: "
              f"{'MET' if ratio <= 1.2 else 'MISSED'})")
    finally:
        db.drop()


if __name__ == "__main__":
    main()
