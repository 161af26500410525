"""How long Django's ASGI handling takes around a sync view, in process (no network, no
server): Django's ASGIHandler (the chain built for async) against core.asgi's
OneHopASGIHandler (the sync chain in one hop), on the same requests through the project's
settings and middleware, alternating in rounds. `python -m bench.asgi_hops [--requests N]`;
a throwaway SQLite database, signed in as the demo's anna; prints per-request p50/p99 in ms
next to the machine's load."""

import argparse
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Throwaway, figures, loadavg  # noqa: E402


async def call(app, path: str, cookie: str) -> float:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"127.0.0.1"), (b"cookie", cookie.encode())],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000)}
    sent = [{"type": "http.request", "body": b"", "more_body": False}]
    status = {}

    async def receive():
        return sent.pop() if sent else await asyncio.sleep(3600)

    async def send(message):
        if message["type"] == "http.response.start":
            status["code"] = message["status"]

    t0 = time.perf_counter()
    await app(scope, receive, send)
    elapsed = (time.perf_counter() - t0) * 1000
    assert status["code"] == 200, status
    return elapsed


async def measure(handlers: dict, path: str, cookie: str, requests: int) -> dict:
    times = {name: [] for name in handlers}
    for app in handlers.values():
        for _ in range(50):
            await call(app, path, cookie)
    rounds = 10
    for _ in range(rounds):
        for name, app in handlers.items():
            for _ in range(requests // rounds):
                times[name].append(await call(app, path, cookie))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--path", default="/api/units/")
    args = parser.parse_args()
    throwaway = Throwaway(None, False, label="asgi-hops")
    try:
        import django

        django.setup()
        from django.core.handlers.asgi import ASGIHandler
        from django.core.management import call_command

        from accounts.models import User
        from bench.sessions import session_cookie
        from core.asgi import OneHopASGIHandler

        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        cookie = session_cookie(User.objects.get(username="anna"))
        handlers = {"django": ASGIHandler(), "one_hop": OneHopASGIHandler()}
        times = asyncio.run(measure(handlers, args.path, cookie, args.requests))
        print(f"== GET {args.path} in process, {args.requests} requests per handler, "
              f"load {loadavg()}")
        for name, samples in times.items():
            f = figures(samples)
            print(f"   {name:8s} p50 {f['p50']} ms, p95 {f['p95']} ms, p99 {f['p99']} ms")
    finally:
        throwaway.drop()


if __name__ == "__main__":
    main()
