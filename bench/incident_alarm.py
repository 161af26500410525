"""The regional alarm's way out: from TiB's confirmation to the CAP alert accepted by every
region's endpoint and `incident.confirmed` on every console.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python -m bench.incident_alarm \
        [--rounds 100] [--consoles 20] [--workers 2] [--redis-db 8]

The production shape (tests/live.py LiveProduct: a PostgreSQL database of its own next to
DATABASE_URL's, dropped afterwards; Redis database `--redis-db` of REDIS_URL's server,
flushed; `--workers` uvicorn processes, no Celery). The demo's seven alarm regions each get a
loopback CAP endpoint (tests/incidents/cap_standin.py, in this process: it checks the bearer
token, validates against CAP 1.2's schema and verifies our signature with our certificate
before it answers 200, as a region's system would). Each round anna raises an incident (her
API token, not timed), then tove (a session, as her phone) confirms it: timed from just before
the POST until all seven endpoints have accepted the Alert and `--consoles` sockets (anna's
token, spread over the processes) have read `incident.confirmed`. Then tove stands it down
and the seven Cancels are waited for (not timed). 5 rounds first, not counted. Prints
p50/p95/p99/max next to /proc/loadavg and the commit; target p99 <= 1 s. JSON to bench/results/.
"""

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
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

TARGET_P99_MS = 1000
WARMUP = 5
REGIONS = 7
SETUP = """
import json
from accounts.models import User
from bench.sessions import session_cookie
from incidents.models import AlarmRegion
endpoints = json.loads({endpoints!r})
regions = list(AlarmRegion.objects.filter(active=True).order_by("sort_order", "pk"))
assert len(regions) >= len(endpoints), len(regions)
# The outbound token (what we send; the stand-in checks it) on a loopback http endpoint, which
# the https rule allows; the stand-ins post no Acks, so no inbound token is issued.
for region, (url, token) in zip(regions, endpoints):
    region.cap_endpoint, region.cap_token = url, token
    region.save(update_fields=["cap_endpoint", "cap_token"])
AlarmRegion.objects.exclude(pk__in=[r.pk for r in regions[:len(endpoints)]]).update(active=False)
print("COOKIE=" + session_cookie(User.objects.get(username="tove")))
"""


def django_for_the_standins(var_dir: Path) -> None:
    """The stand-ins validate with incidents.cap (Django's settings, no database use)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    os.environ["LARMKEDJAN_VAR_DIR"] = str(var_dir)
    import django

    django.setup()


def incident_of(identifier: str) -> int | None:
    try:
        return int(identifier.rsplit(":incident:", 1)[1].split(":")[0])
    except (IndexError, ValueError):
        return None


async def measure(live: LiveProduct, standins: list, *, rounds: int, consoles: int) -> dict:
    loop = asyncio.get_running_loop()
    endpoints = json.dumps([[s.url, s.token] for s in standins])
    out = live.manage("shell", "-c", SETUP.format(endpoints=endpoints))
    cookie = next(line for line in out.splitlines() if line.startswith("COOKIE="))[7:]
    anna = live.token("anna")
    urls = live.urls()
    cap: dict[tuple[int, str], dict[int, float]] = {}
    seen: dict[int, dict[int, float]] = {}
    done: dict[tuple[int, str], asyncio.Event] = {}

    def wake(key) -> None:
        incident = key[0]
        if key in done and len(cap.get(key, {})) == REGIONS and (
                key[1] != "Alert" or len(seen.get(incident, {})) == consoles):
            done[key].set()

    def on_cap(index: int, received) -> None:
        incident = incident_of(received.identifier)
        key = (incident, received.msg_type)
        cap.setdefault(key, {}).setdefault(index, received.at)
        wake(key)

    for index, standin in enumerate(standins):
        standin.on_message = (lambda received, index=index:
                              loop.call_soon_threadsafe(on_cap, index, received))

    def listener(index: int):
        def on_event(t: float, event: dict) -> None:
            if event.get("type") != "incident.confirmed":
                return
            incident = event["data"]["incident"]["id"]
            seen.setdefault(incident, {}).setdefault(index, t)
            wake((incident, "Alert"))
        return on_event

    sockets = []
    for i in range(consoles):
        sock = await StreamSocket.open(urls[i % len(urls)], anna, on_event=listener(i))
        await sock.subscribe("incidents")
        sockets.append(sock)
    csrf = secrets.token_hex(16)
    tove = [httpx.AsyncClient(base_url=url, timeout=30, headers={
        "Cookie": f"{cookie}; csrftoken={csrf}", "X-CSRFToken": csrf, "Origin": url})
        for url in urls]
    dispatcher = httpx.AsyncClient(base_url=urls[0], timeout=30,
                                   headers={"Authorization": f"Token {anna}"})
    total, to_cap, to_consoles, http = [], [], [], []
    lost = 0

    async def wait(key, timeout: float = 15) -> bool:
        event = done.setdefault(key, asyncio.Event())
        wake(key)
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False

    try:
        for n in range(WARMUP + rounds):
            raised = await dispatcher.post("/api/incidents/", json={
                "title": f"Bussolycka E18, omgång {n}", "region": "VML",
                "location": "E18 trafikplats Köping", "latitude": 59.5141,
                "longitude": 15.9926, "report": {"major_incident_declared": True,
                                                 "casualties_total": 30},
                "idempotency_key": f"bench-{uuid.uuid4().hex}"})
            if raised.status_code != 201:
                raise RuntimeError(f"raise: {raised.status_code} {raised.text}")
            incident = raised.json()["id"]
            client = tove[n % len(tove)]
            t0 = time.monotonic()
            confirmed = await client.post(f"/api/incidents/{incident}/confirm/", json={})
            t_http = time.monotonic()
            if confirmed.status_code != 200:
                raise RuntimeError(f"confirm: {confirmed.status_code} {confirmed.text}")
            if not await wait((incident, "Alert")):
                lost += 1
                print(f"round {n}: incident {incident} not everywhere in 15 s: "
                      f"{len(cap.get((incident, 'Alert'), {}))} endpoints, "
                      f"{len(seen.get(incident, {}))} consoles", flush=True)
            elif n >= WARMUP:
                arrivals_cap = cap[(incident, "Alert")].values()
                arrivals_console = seen[incident].values()
                to_cap.append((max(arrivals_cap) - t0) * 1000)
                to_consoles.append((max(arrivals_console) - t0) * 1000)
                total.append((max(*arrivals_cap, *arrivals_console) - t0) * 1000)
                http.append((t_http - t0) * 1000)
            down = await client.post(f"/api/incidents/{incident}/stand-down/",
                                     json={"note": "Bänkprov"})
            if down.status_code != 200:
                raise RuntimeError(f"stand-down: {down.status_code} {down.text}")
            await wait((incident, "Cancel"))
    finally:
        for c in [*tove, dispatcher]:
            await c.aclose()
        for sock in sockets:
            await sock.close()
    refused = sum(len(s.refused) for s in standins)
    return {"total": figures(total), "cap_all_endpoints": figures(to_cap),
            "to_consoles": figures(to_consoles), "http_answer": figures(http), "lost": lost,
            "refused_by_endpoints": refused}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--consoles", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-db", type=int, default=8,
                        help="the Redis database to use (flushed), as the other benchmarks' 8")
    args = parser.parse_args()
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        sys.exit("bench.incident_alarm: set DATABASE_URL and REDIS_URL (the production shape)")
    keys = Path(tempfile.mkdtemp(prefix="larmkedjan-bench-cap-"))
    django_for_the_standins(keys)
    from incidents.cap.sign import signing_key_generate
    from tests.incidents.cap_standin import CapStandin

    key_file, cert_file = keys / "cap-key.pem", keys / "cap-cert.pem"
    signing_key_generate(key_file=key_file, cert_file=cert_file,
                         sender="larmcentral@larmkedjan.example")
    standins = [CapStandin(cert_pem=cert_file.read_bytes(), token=f"bench-{secrets.token_hex(8)}")
                for _ in range(REGIONS)]
    redis_url = urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{args.redis_db}"))
    env = {"REDIS_URL": redis_url, "LOG_LEVEL": "WARNING",
           "CAP_SIGNING_KEY_FILE": str(key_file), "CAP_SIGNING_CERT_FILE": str(cert_file),
           "INCIDENT_CONFIRM_SMS_SECONDS": "3600", "INCIDENT_ACK_REMIND_SECONDS": "3600"}
    print(f"== incident alarm: {args.rounds} confirmations, {REGIONS} CAP endpoints, "
          f"{args.consoles} console sockets, {args.workers} uvicorn processes; load average "
          f"before {loadavg()}", flush=True)
    live = LiveProduct(workers=args.workers, celery=False, extra_env=env).start()
    try:
        result = asyncio.run(measure(live, standins, rounds=args.rounds,
                                     consoles=args.consoles))
    except Exception:
        for log in sorted(live.tmp.glob("asgi-*.log")):
            print(f"--- {log.name}\n{log.read_text()[-6000:]}", file=sys.stderr)
        raise
    finally:
        live.stop()
        for standin in standins:
            standin.down()
    result.update({"rounds": args.rounds, "consoles": args.consoles, "regions": REGIONS,
                   "workers": args.workers, "commit": commit_short(),
                   "loadavg_after": loadavg(), "nproc": os.cpu_count()})
    for name in ("total", "cap_all_endpoints", "to_consoles", "http_answer"):
        f = result[name]
        print(f"{name:17} n={f.get('n')} p50={f.get('p50')} ms p95={f.get('p95')} ms "
              f"p99={f.get('p99')} ms max={f.get('max')} ms")
    p99 = result["total"].get("p99")
    verdict = "met" if p99 is not None and p99 <= TARGET_P99_MS and not result["lost"] else \
        "NOT met"
    print(f"lost {result['lost']}, refused by the endpoints {result['refused_by_endpoints']}; "
          f"target p99 <= {TARGET_P99_MS} ms (all endpoints and consoles): {verdict}; commit "
          f"{result['commit']}, load average after {result['loadavg_after']}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{time.strftime('%Y%m%dT%H%M%S')}-{result['commit']}-incident-alarm.json"
     ).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
