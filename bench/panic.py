"""The panic alarm's way to the consoles: from the tablet's HTTP request to every console socket
reading `panic.raised`.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python -m bench.panic \
        [--alarms 200] [--consoles 20] [--workers 3]

The production shape (tests/live.py LiveProduct: a PostgreSQL database of its own next to
DATABASE_URL's, dropped afterwards; Redis database 8 of REDIS_URL's server, `--redis-db`,
flushed; `--workers` uvicorn processes, no Celery: the escalation is not measured,
PANIC_ACK_SECONDS is an hour). sara joins AMB 1010
and raises alarms with her session (as the tablet does: cookie and CSRF token), one at a time,
each POST to the next process in turn; `--consoles` dispatcher sockets (anna's token) on
`dispatch`, spread over the processes. Each alarm is timed from just before the POST until
the last console socket has read it (and each socket's own arrival); 10 alarms first, not
counted. Prints p50/p95/p99/max next to /proc/loadavg; target p99 <= 100 ms. JSON to
bench/results/.
"""

import argparse
import asyncio
import json
import os
import secrets
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.clients import StreamSocket, figures  # noqa: E402
from bench.common import commit_short, loadavg  # noqa: E402
from tests.live import LiveProduct  # noqa: E402

TARGET_P99_MS = 100
WARMUP = 10
SETUP = """
from accounts.models import User
from bench.sessions import session_cookie
from crews.models import Unit
from crews.services import crew_join
sara = User.objects.get(username="sara")
crew_join(user=sara, unit=Unit.objects.get(call_sign="AMB 1010"))
print("COOKIE=" + session_cookie(sara))
"""


async def measure(live: LiveProduct, *, alarms: int, consoles: int) -> dict:
    out = live.manage("shell", "-c", SETUP)
    cookie = next(line for line in out.splitlines() if line.startswith("COOKIE="))[7:]
    token = live.token("anna")
    urls = live.urls()
    arrivals: dict[int, dict[int, float]] = {}
    wanted: dict[int, asyncio.Event] = {}

    def listener(index: int):
        def on_event(t: float, event: dict) -> None:
            if event.get("type") != "panic.raised":
                return
            alarm = event["data"]["alarm"]["id"]
            seen = arrivals.setdefault(alarm, {})
            seen.setdefault(index, t)
            if len(seen) == consoles and alarm in wanted:
                wanted[alarm].set()
        return on_event

    sockets = []
    for i in range(consoles):
        sock = await StreamSocket.open(urls[i % len(urls)], token, on_event=listener(i))
        await sock.subscribe("dispatch")
        sockets.append(sock)
    csrf = secrets.token_hex(16)
    clients = [httpx.AsyncClient(base_url=url, timeout=30, headers={
        "Cookie": f"{cookie}; csrftoken={csrf}", "X-CSRFToken": csrf, "Origin": url})
        for url in urls]
    last, every, http = [], [], []
    lost = 0
    try:
        for n in range(WARMUP + alarms):
            client = clients[n % len(clients)]
            t0 = time.monotonic()
            response = await client.post("/api/safety/panic/", json={
                "idempotency_key": f"bench-{uuid.uuid4().hex}",
                "latitude": 59.6099, "longitude": 16.5448, "accuracy_m": 10})
            t_http = time.monotonic()
            if response.status_code != 201:
                raise RuntimeError(f"raise: {response.status_code} {response.text}")
            alarm = response.json()["id"]
            done = wanted.setdefault(alarm, asyncio.Event())
            if len(arrivals.get(alarm, {})) == consoles:
                done.set()
            try:
                await asyncio.wait_for(done.wait(), 10)
            except TimeoutError:
                lost += consoles - len(arrivals.get(alarm, {}))
            if n < WARMUP:
                continue
            seen = arrivals.get(alarm, {})
            if seen:
                last.append((max(seen.values()) - t0) * 1000)
                every.extend((t - t0) * 1000 for t in seen.values())
            http.append((t_http - t0) * 1000)
    finally:
        for client in clients:
            await client.aclose()
        for sock in sockets:
            await sock.close()
    return {"last_console": figures(last), "every_console": figures(every),
            "http_answer": figures(http), "lost": lost}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alarms", type=int, default=200)
    parser.add_argument("--consoles", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--redis-db", type=int, default=8,
                        help="the Redis database to use (flushed), as the other benchmarks' 8")
    args = parser.parse_args()
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        sys.exit("bench.panic: set DATABASE_URL and REDIS_URL (the production shape)")
    redis_url = urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{args.redis_db}"))
    env = {"REDIS_URL": redis_url, "PANIC_ACK_SECONDS": "3600",
           "LOG_LEVEL": "WARNING"}
    print(f"== panic: {args.alarms} alarms, {args.consoles} console sockets, {args.workers} "
          f"uvicorn processes; load average before {loadavg()}", flush=True)
    live = LiveProduct(workers=args.workers, celery=False, extra_env=env).start()
    try:
        result = asyncio.run(measure(live, alarms=args.alarms, consoles=args.consoles))
    finally:
        live.stop()
    result.update({"alarms": args.alarms, "consoles": args.consoles, "workers": args.workers,
                   "commit": commit_short(), "loadavg_after": loadavg(), "nproc": os.cpu_count()})
    for name in ("last_console", "every_console", "http_answer"):
        f = result[name]
        print(f"{name:14} n={f.get('n')} p50={f.get('p50')} ms p95={f.get('p95')} ms "
              f"p99={f.get('p99')} ms max={f.get('max')} ms")
    p99 = result["last_console"].get("p99")
    verdict = "met" if p99 is not None and p99 <= TARGET_P99_MS and not result["lost"] else \
        "NOT met"
    print(f"lost {result['lost']}; target p99 <= {TARGET_P99_MS} ms (last console): {verdict}; "
          f"commit {result['commit']}, load average after {result['loadavg_after']}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{time.strftime('%Y%m%dT%H%M%S')}-{result['commit']}-panic.json").write_text(
        json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
