"""Time from a server event to its Web Push arriving at a push service (loopback).

    .venv/bin/python -m bench.push_latency [--pushes 200] [--interval 0.05]

One process runs the embedded shape's parts against a database of its own (a temporary SQLite
file): `event_publish` of `assignment.created` on a unit's stream with one crew member on the
unit whose device has a push subscription and never acknowledges on a socket; the in-process
timer loop (`timers.runner.run_timer_loop`, as under `make run`); the sending pool; and a
loopback push service (tests/push/loopback.py) that takes the encrypted pushes. Each push is
decrypted with the subscription's private key (a check that it is the right event) and timed
from the event's stored time (`at`) to its arrival.

Two runs:
  product   PUSH_GRACE_SECONDS=5, TIMER_TICK_SECONDS=1 (the defaults): grace + tick + sending
  pipeline  PUSH_GRACE_SECONDS=0, TIMER_TICK_SECONDS=0.05: the machinery alone
Prints p50/p95/p99/max per run and writes JSON to bench/results/.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure_environment(tmp: Path) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY"):
        os.environ.pop(name, None)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LARMKEDJAN_VAR_DIR": str(tmp),
        "SQLITE_PATH": str(tmp / "bench.sqlite3"),
        "PUSH_ALLOW_INSECURE_ENDPOINTS": "1",
        "TIMERS_IN_PROCESS": "1",
        "LOG_LEVEL": "WARNING",
        # Resends of unacknowledged assignments are not part of this measure.
        "ASSIGNMENT_ACK_TIMEOUT_SECONDS": "3600",
    })


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class TimerLoop:
    """The embedded shape's timer loop, in a thread of its own."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait()

    def _run(self):
        from timers.runner import run_timer_loop

        asyncio.set_event_loop(self.loop)

        async def main():
            self.stop_event = asyncio.Event()
            self.ready.set()
            await run_timer_loop(self.stop_event)

        self.loop.run_until_complete(main())

    def stop(self):
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(timeout=10)


def run(label: str, *, pushes: int, interval: float, grace: float, tick: float, world) -> dict:
    from django.conf import settings
    from django.db import transaction

    from realtime.services import event_publish

    settings.PUSH_GRACE_SECONDS = grace
    settings.TIMER_TICK_SECONDS = tick
    service, browser, stream, base = world["service"], world["browser"], world["stream"], \
        world["base"]
    already = len(service.received)
    published: dict[str, float] = {}
    for i in range(pushes):
        assignment_id = base + i
        with transaction.atomic():
            event = event_publish(stream=stream, type="assignment.created", data={
                "id": assignment_id, "priority": "1A", "unit_call_sign": "AMB 1010"})
        published[f"assignment-{assignment_id}"] = datetime.fromisoformat(
            event["at"]).timestamp()
        time.sleep(interval)
    world["base"] += pushes
    received = service.wait_for(already + pushes, timeout=grace + tick + 60)[already:]
    latencies, wrong = [], 0
    for r in received:
        payload = browser.decrypt(r.body)
        at = published.get(payload.get("tag"))
        if at is None or payload.get("title") != "Nytt uppdrag":
            wrong += 1
            continue
        latencies.append((r.arrived - at) * 1000)
    result = {
        "label": label, "grace_s": grace, "tick_s": tick, "pushes": pushes,
        "arrived": len(latencies), "wrong": wrong,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "min_ms": round(min(latencies), 1) if latencies else None,
    }
    print(f"{label:9} grace {grace:>4} s tick {tick:>5} s: {result['arrived']}/{pushes} arrived"
          f" (wrong {wrong}); p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
          f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pushes", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.05,
                        help="seconds between events (default 0.05)")
    parser.add_argument("--only", choices=["product", "pipeline"], default=None)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="larmkedjan-push-bench-"))
    configure_environment(tmp)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from crews.models import CrewShift, Region, Unit
    from push import sender
    from push.services import subscription_save
    from tests.push.loopback import FakeBrowser, LoopbackPushService, b64url

    call_command("migrate", verbosity=0)
    region = Region.objects.create(code="VML", name="Västmanland")
    unit = Unit.objects.create(call_sign="AMB 1010", region=region)
    user = User.objects.create(username="sara", role="crew", phone_number="+46701234567")
    CrewShift.objects.create(user=user, unit=unit, joined_at=timezone.now())
    service, browser = LoopbackPushService(), FakeBrowser()
    subscription_save(user=user, device_id=browser.device_id, endpoint=service.endpoint("sara"),
                      p256dh=browser.p256dh, auth=b64url(browser.auth_secret))
    world = {"service": service, "browser": browser, "stream": f"unit.{unit.pk}", "base": 1}

    print(f"== push latency: {args.pushes} pushes per run, an event every {args.interval} s, "
          f"{os.cpu_count()} CPUs, load {open('/proc/loadavg').read().split()[:3]}", flush=True)
    loop = TimerLoop()
    results = []
    try:
        if args.only in (None, "pipeline"):
            results.append(run("pipeline", pushes=args.pushes, interval=args.interval,
                               grace=0, tick=0.05, world=world))
        if args.only in (None, "product"):
            results.append(run("product", pushes=args.pushes, interval=args.interval,
                               grace=5, tick=1.0, world=world))
    finally:
        loop.stop()
        sender.wait_idle(30)
        service.close()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = out / f"{stamp}-push-latency.json"
    path.write_text(json.dumps({"at": stamp, "results": results}, indent=2))
    print(f"== written {path.relative_to(ROOT)}")
    return 0 if all(r["arrived"] == r["pushes"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
