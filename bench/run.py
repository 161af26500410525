"""Benchmarks of the event stream in the production shape (not tests: they print figures).

    python -m bench.run [--only dispatch,fanout,burst] [--dispatches 1000] ...

Starts `scripts/run-cluster.sh` (two uvicorn processes, Celery worker and beat, PostgreSQL,
Redis) on free ports against a fresh database, then:

dispatch  dispatch -> crew: a dispatcher API client on process 2 sends units to new cases;
          crew sockets on process 1 follow their unit's stream. Latency is from just before
          the dispatch request to the crew socket's receipt of `assignment.created`. First
          sequential (one dispatch at a time; the target), then concurrent rounds for the
          throughput. Units are freed again by cancelling (not timed).
fanout    one `case.created` (a case registration over the API) to N dispatcher sockets
          subscribed to `dispatch`, spread over both server processes, read by a few client
          processes. Delivery latency per socket, and how many arrived.
burst     B events published back to back on `dispatch` to S sockets: arrivals counted live
          and after a final `sync`; server logs grepped for channels-redis "over capacity".
ivpa      case registration -> `alert.created` on the sockets of the 20 volunteers nearby
          (each on its own `responder.<user id>` stream), R registrations in turn over a few
          sites (bench/setup_ivpa.py); each callout is cancelled over the API between rounds
          (not timed).
imaging   not the cluster (run before it starts): bench/imaging.py, a 12-megapixel JPEG with
          EXIF orientation and GPS through the caller-image pipeline, in process and in the
          worker processes: p50/p99 ms, the worker's peak memory, images/s on 2 workers.
travel    not the cluster: bench/travel_times.py, 50 units to one place per call of the travel
          time service against the loopback OSRM stand-in, with no router, and with a router
          that times out (p50/p99 ms).
addresses not the cluster: bench/address_search.py, the address search as you type over
          1,000,000 generated addresses (top 10), on SQLite and on PostgreSQL (a database of
          its own next to DATABASE_URL's): p50/p99 per keystroke query.
ivpa-select  not the cluster: bench/ivpa_select.py (volunteer selection over 100,000
          volunteers) on a fresh database next to DATABASE_URL's.
recommend not the cluster: bench/recommendations.py, 200 units ranked for one case (the
          recommended units, travel time fallback) on a throwaway SQLite database: the
          selector's and the whole request's p50/p99 ms (target p99 <= 20 ms).
person    not the cluster: bench/person_history.py, a person's earlier cases among 100,000
          cases of 13 months, by identity number and by the caller's number, and the whole
          GET /api/cases/{id}/person/ on a throwaway SQLite database: p50/p99 ms.
safety    not the cluster: bench/safety_matching.py, matching a new case with 100,000 active
          risk notices over three regions, on SQLite and on PostgreSQL (a database of its
          own next to DATABASE_URL's): p50/p99 ms (target p99 <= 10 ms).
followup  not the cluster: bench/followup.py, the tertial report (seven measures, three
          regions) and the station table over 400,000 generated cases of 16 months, on
          SQLite and on PostgreSQL (a database of its own next to DATABASE_URL's): p50/max s.

Prints a table and writes JSON to bench/results/.
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime

import httpx

from bench.clients import CASE, Listeners, StreamSocket, figures
from bench.cluster import ROOT, Cluster

TARGETS = {"dispatch_p99_ms": 25, "fanout_p99_ms": 150, "ivpa_p99_ms": 100,
           "imaging_p50_ms": 100, "imaging_peak_mb": 120, "imaging_images_per_s": 15}


class _NoCluster(Exception):
    """Only benchmarks that need no cluster were asked for."""


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


class Api:
    def __init__(self, base_url: str, token: str, region: int):
        self.region = region
        self.client = httpx.AsyncClient(base_url=base_url, timeout=30,
                                        headers={"Authorization": f"Token {token}"})

    async def post(self, path: str, body: dict | None = None) -> dict | list:
        response = await self.client.post(path, json=body)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    async def new_case(self) -> int:
        return (await self.post("/api/cases/", {**CASE, "region": self.region}))["id"]

    async def cancel(self, assignment_id: int) -> None:
        await self.post(f"/api/assignments/{assignment_id}/status/", {"status": "cancelled"})

    async def aclose(self) -> None:
        await self.client.aclose()


# ------------------------------------------------------------------------------ dispatch

async def bench_dispatch(cluster, data: dict, args, *, rounds: int | None = None,
                         dispatches: int | None = None) -> dict:
    """`cluster`: the product's (bench.cluster) or the bare-stack reference's
    (bench.barestack.cluster), which answer the same routes and socket protocol."""
    crew_url, api_url = cluster.urls()
    round_count = args.rounds if rounds is None else rounds
    dispatches = args.dispatches if dispatches is None else dispatches
    loop = asyncio.get_running_loop()
    waiting: dict[int, asyncio.Future] = {}

    def on_event(t, event):
        if event["type"] == "assignment.created":
            future = waiting.pop(event["data"]["case"], None)
            if future is not None and not future.done():
                future.set_result(t)

    crews = data["crews"]
    gate = asyncio.Semaphore(50)

    async def crew_socket(crew):
        async with gate:
            sock = await StreamSocket.open(crew_url, crew["token"], on_event)
            await sock.subscribe(f"unit.{crew['unit']}")
            return sock

    sockets = await asyncio.gather(*(crew_socket(c) for c in crews))
    api = Api(api_url, data["dispatcher"], data["region"])

    lost = []

    async def one_dispatch(unit: int, case_id: int) -> tuple[float | None, float, int]:
        """(ms to the crew's receipt or None if it never came, ms to the HTTP answer, id)"""
        arrived = loop.create_future()
        waiting[case_id] = arrived
        t0 = time.monotonic()
        assignments = await api.post(f"/api/cases/{case_id}/dispatch/", {"units": [unit]})
        t_response = time.monotonic()
        try:
            latency = (await asyncio.wait_for(arrived, 15) - t0) * 1000
        except TimeoutError:
            waiting.pop(case_id, None)
            lost.append({"unit": unit, "case": case_id})
            latency = None
        return latency, (t_response - t0) * 1000, assignments[0]["id"]

    # Sequential: one dispatch at a time, rotating over the pool of units.
    total = args.warmup + dispatches
    latencies, responses, event_first = [], [], 0
    started = time.monotonic()
    busy = 0.0
    cpu_before = None
    for i in range(total):
        unit = crews[i % len(crews)]["unit"]
        case_id = await api.new_case()
        t_begin = time.monotonic()
        latency, response, assignment_id = await one_dispatch(unit, case_id)
        busy += time.monotonic() - t_begin
        await api.cancel(assignment_id)
        if i == args.warmup - 1:
            cpu_before = cluster.cpu_seconds()
        if i >= args.warmup and latency is not None:
            latencies.append(latency)
            responses.append(response)
            event_first += latency < response
    sequential_seconds = time.monotonic() - started
    # Server CPU (both ASGI processes) per dispatch, the case and the cancel included.
    cpu_per_dispatch = ((cluster.cpu_seconds() - cpu_before) * 1000 / dispatches
                        if cpu_before is not None and dispatches else None)
    connections_after = cluster.pg_connections()
    lost_sequential = len(lost)
    print(f"   sequential: {figures(latencies)}, lost {lost_sequential}", flush=True)

    # Concurrent rounds: every unit of the pool dispatched once per round, `concurrency` at a
    # time, to pre-registered cases; the round's throughput is dispatches / wall time.
    rounds = []
    load_latencies = []
    for _ in range(round_count):
        cases = [await api.new_case() for _ in crews]
        queue = list(zip([c["unit"] for c in crews], cases, strict=True))
        done = []

        async def worker(queue=queue, done=done):
            while queue:
                unit, case_id = queue.pop()
                done.append(await one_dispatch(unit, case_id))

        t_start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        seconds = time.monotonic() - t_start
        rounds.append({"dispatches": len(done), "seconds": round(seconds, 3),
                       "per_second": round(len(done) / seconds, 1)})
        load_latencies += [d[0] for d in done if d[0] is not None]
        cancel_gate = asyncio.Semaphore(args.concurrency)

        async def cancel(assignment_id, cancel_gate=cancel_gate):
            async with cancel_gate:
                await api.cancel(assignment_id)

        await asyncio.gather(*(cancel(d[2]) for d in done))

    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
    await api.aclose()
    return {
        "units_and_crews": len(crews),
        "crew_sockets_on": crew_url,
        "dispatcher_api_on": api_url,
        "sequential": {
            "latency_ms": figures(latencies),
            "http_response_ms": figures(responses),
            "event_before_http_response": event_first,
            "throughput_per_s": round(len(latencies) / busy, 1),
            "wall_seconds_incl_case_and_cancel": round(sequential_seconds, 1),
            "server_cpu_ms_per_dispatch_incl_case_and_cancel":
                round(cpu_per_dispatch, 2) if cpu_per_dispatch is not None else None,
        },
        "concurrent": {
            "concurrency": args.concurrency,
            "rounds": rounds,
            "throughput_per_s": round(sum(r["dispatches"] for r in rounds)
                                      / sum(r["seconds"] for r in rounds), 1) if rounds else None,
            "latency_ms": figures(load_latencies),
        },
        "postgres_connections_after": connections_after,
        "lost_sequential": lost_sequential,
        "lost_concurrent": len(lost) - lost_sequential,
        "crew_sockets_closed_by_server": sum(1 for s in sockets if s.task.done()),
    }


@contextlib.contextmanager
def cpu_load(processes: int):
    """A fixed synthetic CPU load: `processes` busy loops at a lower priority (nice 10), as a
    loaded shared machine has, for the loaded dispatch run."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"],
                                preexec_fn=lambda: os.nice(10)) for _ in range(processes)]
    try:
        time.sleep(2)  # the load average is not what is measured: the busy cores are
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


async def bench_dispatch_loaded(cluster, data: dict, args) -> dict:
    """The sequential dispatch again, with one busy process per core beside it."""
    with cpu_load(args.cpu_load or os.cpu_count()):
        loaded = await bench_dispatch(cluster, data, args, rounds=0,
                                      dispatches=args.loaded_dispatches)
    return {"busy_processes": args.cpu_load or os.cpu_count(),
            "latency_ms": loaded["sequential"]["latency_ms"], "lost": loaded["lost_sequential"]}


async def bench_reference(args) -> dict:
    """The bare-stack reference (bench/barestack), same client code: quiet, then loaded."""
    from bench.barestack.cluster import BareCluster

    bare = BareCluster().start()
    try:
        data = bare.setup_data(args.units)
        quiet = await bench_dispatch(bare, data, args, rounds=0)
        out = {"latency_ms": quiet["sequential"]["latency_ms"],
               "http_response_ms": quiet["sequential"]["http_response_ms"],
               "server_cpu_ms_per_dispatch_incl_case_and_cancel":
                   quiet["sequential"]["server_cpu_ms_per_dispatch_incl_case_and_cancel"],
               "lost": quiet["lost_sequential"]}
        if args.loaded_dispatches:
            out["loaded"] = await bench_dispatch_loaded(bare, data, args)
        return out
    finally:
        bare.stop()


# ------------------------------------------------------------------------------ fan-out

def spread(urls: list[str], token: str, stream: str, count: int, processes: int):
    """Socket specs so that every client process holds sockets on every server process."""
    return [(urls[(i // processes) % len(urls)], token, stream) for i in range(count)]


async def bench_fanout(cluster: Cluster, data: dict, args) -> dict:
    urls = cluster.urls()
    listeners = Listeners(spread(urls, data["dispatcher"], "dispatch", args.fanout_sockets,
                                 args.client_processes), args.client_processes)
    t_connect = time.monotonic()
    connected = await listeners.ready()
    connect_seconds = time.monotonic() - t_connect
    apis = [Api(url, data["dispatcher"], data["region"]) for url in urls]
    per_round, all_latencies = [], []
    per_server: dict[str, list[float]] = {url: [] for url in urls}
    try:
        await asyncio.sleep(1)
        warmup = []
        for r in range(args.fanout_warmup):
            # Not counted: the first event after 2,000 connections warms both sides up.
            t0 = time.monotonic()
            case_id = await apis[r % len(apis)].new_case()
            arrivals = await listeners.arrivals("case.created", case_id, timeout=30)
            warmup.append(figures([(t - t0) * 1000 for _, t in arrivals if t is not None]))
            print(f"   fan-out warm-up {r + 1} (not counted): {warmup[-1]}", flush=True)
            await asyncio.sleep(1)
        cpu = []
        for r in range(args.fanout_rounds):
            api = apis[r % len(apis)]
            cpu_before = cluster.cpu_seconds()
            t0 = time.monotonic()
            case_id = await api.new_case()
            arrivals = await listeners.arrivals("case.created", case_id, timeout=30)
            # Server CPU for this event: registration request + delivery to every socket.
            cpu.append(round((cluster.cpu_seconds() - cpu_before) * 1000))
            latencies = [(t - t0) * 1000 for _, t in arrivals if t is not None]
            for url, t in arrivals:
                if t is not None:
                    per_server[url].append((t - t0) * 1000)
            per_round.append({"triggered_on": api.client.base_url.port,
                              "server_cpu_ms": cpu[-1],
                              "arrived": len(latencies), "lost": len(arrivals) - len(latencies),
                              **{k: v for k, v in figures(latencies).items() if k != "n"}})
            all_latencies += latencies
            print(f"   fan-out round {r + 1}: {per_round[-1]}", flush=True)
            await asyncio.sleep(1)
    finally:
        await listeners.close()
        for api in apis:
            await api.aclose()
    return {
        "sockets": connected,
        "client_processes": args.client_processes,
        "connect_and_subscribe_seconds": round(connect_seconds, 1),
        "warmup_rounds_not_counted": warmup,
        "rounds": per_round,
        "latency_ms": figures(all_latencies),
        "server_cpu_ms_per_event_median": sorted(cpu)[len(cpu) // 2] if cpu else None,
        "arrived": len(all_latencies),
        "expected": connected * args.fanout_rounds,
        "lost": connected * args.fanout_rounds - len(all_latencies),
        "latency_ms_by_server": {url: figures(v) for url, v in per_server.items()},
    }


# ------------------------------------------------------------------------------ burst

async def bench_burst(cluster: Cluster, data: dict, args) -> dict:
    urls = cluster.urls()
    listeners = Listeners(spread(urls, data["dispatcher"], "dispatch", args.burst_sockets,
                                 args.client_processes), args.client_processes)
    connected = await listeners.ready()
    try:
        await asyncio.sleep(1)
        t0 = time.monotonic()
        published = json.loads((await asyncio.to_thread(
            cluster.python, "bench/publish_burst.py", "dispatch", str(args.burst_events)
        )).strip().splitlines()[-1])
        result = await listeners.burst("bench.burst", args.burst_events, quiet=5, timeout=300)
    finally:
        await listeners.close()
    expected = args.burst_events
    totals = [a + b for a, b in zip(result["live"], result["after_sync"], strict=True)]
    last = [t for t in result["last_live"] if t is not None]
    over_capacity = cluster.grep_logs("over capacity")
    return {
        "sockets": connected,
        "events": expected,
        "publish_seconds": published["seconds"],
        "all_delivered_live_within_s": round(max(last) - t0, 2) if last else None,
        "arrived_live": sum(result["live"]),
        "arrived_after_sync": sum(result["after_sync"]),
        "expected": expected * connected,
        "lost": expected * connected - sum(totals),
        "sockets_complete": sum(1 for t in totals if t == expected),
        "sockets_missing_live": sum(1 for n in result["live"] if n < expected),
        "sockets_out_of_order_or_dup": sum(1 for ok in result["in_order_no_dup"] if not ok),
        "over_capacity_log_lines": len(over_capacity),
        "over_capacity_sample": over_capacity[:5],
    }


# ------------------------------------------------------------------------------ ivpa

async def bench_ivpa(cluster: Cluster, args) -> dict:
    """Case registration -> `alert.created` on each nearby volunteer's socket."""
    sites_needed = max(args.ivpa_sites, -(-(args.ivpa_rounds + args.ivpa_warmup) // 45))
    data = json.loads((await asyncio.to_thread(
        cluster.python, "bench/setup_ivpa.py", str(sites_needed), str(args.ivpa_volunteers)
    )).strip().splitlines()[-1])
    urls = cluster.urls()
    waiting: dict[int, tuple[int, asyncio.Future]] = {}  # user id -> (round, future)
    callouts: dict[int, int] = {}  # round -> callout id

    owners: dict[int, StreamSocket] = {}

    def on_event(user_id):
        def handle(t, event):
            if event["type"] == "alert.created":
                entry = waiting.pop(user_id, None)
                if entry is not None and not entry[1].done():
                    callouts.setdefault(entry[0], event["data"]["callout"])
                    entry[1].set_result(t)
            # As the app does: the device has seen it, so no push or SMS wakes the volunteer.
            sock = owners.get(user_id)
            if sock is not None:
                asyncio.ensure_future(sock.ws.send(json.dumps(
                    {"op": "ack", "stream": event["stream"], "seq": event["seq"]})))
        return handle

    gate = asyncio.Semaphore(50)

    async def volunteer_socket(index, volunteer):
        async with gate:
            sock = await StreamSocket.open(urls[index % len(urls)], volunteer["token"],
                                           on_event(volunteer["user"]))
            owners[volunteer["user"]] = sock
            await sock.subscribe(f"responder.{volunteer['user']}")
            return sock

    volunteers = [v for site in data["sites"] for v in site["volunteers"]]
    sockets = await asyncio.gather(*(volunteer_socket(i, v) for i, v in enumerate(volunteers)))
    apis = [Api(url, data["dispatcher"], data["region"]) for url in urls]
    loop = asyncio.get_running_loop()
    per_socket, all_arrived, responses, lost, event_first = [], [], [], 0, 0
    try:
        await asyncio.sleep(1)
        for r in range(args.ivpa_warmup + args.ivpa_rounds):
            site = data["sites"][r % len(data["sites"])]
            api = apis[r % len(apis)]
            futures = {}
            for v in site["volunteers"]:
                futures[v["user"]] = loop.create_future()
                waiting[v["user"]] = (r, futures[v["user"]])
            t0 = time.monotonic()
            await api.post("/api/cases/", {
                **CASE, "region": data["region"], "latitude": site["latitude"],
                "longitude": site["longitude"], "municipality": "Västerås",
                "case_type": "cardiac_arrest", "complaint": "Hjärtstopp"})
            t_response = time.monotonic()
            done, pending = await asyncio.wait(futures.values(), timeout=15)
            for user_id, future in futures.items():
                if not future.done():
                    waiting.pop(user_id, None)
            if r >= args.ivpa_warmup:
                arrivals = [(f.result() - t0) * 1000 for f in done]
                per_socket += arrivals
                lost += len(pending)
                if not pending:
                    all_arrived.append(max(arrivals))
                responses.append((t_response - t0) * 1000)
                event_first += sum(1 for a in arrivals if a < responses[-1])
            if r in callouts:  # not timed: the volunteers are free for their next round
                await api.post(f"/api/ivpa/callouts/{callouts[r]}/cancel/")
            if (r + 1) % 50 == 0:
                print(f"   ivpa: {r + 1} registrations, so far {figures(per_socket)}",
                      flush=True)
        closed_by_server = sum(1 for s in sockets if s.task.done())
    finally:
        await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
        for api in apis:
            await api.aclose()
    return {
        "sites": len(data["sites"]),
        "volunteers_per_site": args.ivpa_volunteers,
        "registrations": args.ivpa_rounds,
        "latency_ms": figures(per_socket),
        "all_volunteers_alerted_ms": figures(all_arrived),
        "http_response_ms": figures(responses),
        "events_before_http_response": event_first,
        "expected": args.ivpa_rounds * args.ivpa_volunteers,
        "lost": lost,
        "sockets_closed_by_server": closed_by_server,
    }


# ------------------------------------------------------------------------------ ivpa-select

async def bench_script(script: str, *options: str) -> dict:
    """Run one of bench/'s own scripts with --json: its progress lines are printed as they
    come, its last line is the JSON result."""
    command = [sys.executable, script, "--json", *options]
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT,
                                                   stdout=asyncio.subprocess.PIPE)
    lines = []
    async for raw in process.stdout:
        line = raw.decode().rstrip()
        lines.append(line)
        if not line.startswith("{"):
            print(line, flush=True)
    if await process.wait() != 0:
        raise RuntimeError(f"{script} failed")
    return json.loads(lines[-1])


async def bench_ivpa_select(args) -> dict:
    """bench/ivpa_select.py on the PostgreSQL server of DATABASE_URL (a database of its own)."""
    return await bench_script(
        "bench/ivpa_select.py", "--database-url", os.environ["DATABASE_URL"],
        "--volunteers", str(args.select_volunteers), "--queries", str(args.select_queries))


# ------------------------------------------------------------------------------ imaging

async def bench_imaging(args) -> dict:
    """bench/imaging.py in its own process (no cluster, no database)."""
    return await bench_script(
        "bench/imaging.py", "--images", str(args.imaging_images),
        "--throughput-images", str(args.imaging_throughput_images))


# ------------------------------------------------------------------------------ addresses

async def bench_addresses(args) -> dict:
    """bench/address_search.py on SQLite, then on DATABASE_URL's PostgreSQL server."""
    options = ("--addresses", str(args.address_count), "--rounds", str(args.address_rounds))
    return {"sqlite": await bench_script("bench/address_search.py", *options),
            "postgresql": await bench_script("bench/address_search.py", *options,
                                             "--database-url", os.environ["DATABASE_URL"])}


# ------------------------------------------------------------------------------ travel

async def bench_travel(args) -> dict:
    """bench/travel_times.py in its own process (no cluster, no database)."""
    return await bench_script("bench/travel_times.py", "--calls", str(args.travel_calls))


# ------------------------------------------------------------------------------ recommend

async def bench_recommend(args) -> dict:
    """bench/recommendations.py in its own process (a throwaway SQLite database)."""
    return await bench_script("bench/recommendations.py", "--units", str(args.recommend_units))


# ------------------------------------------------------------------------------ person

async def bench_person(args) -> dict:
    """bench/person_history.py in its own process (a throwaway SQLite database)."""
    return await bench_script("bench/person_history.py", "--cases", str(args.person_cases))


# ------------------------------------------------------------------------------ followup

async def bench_followup(args) -> dict:
    """bench/followup.py on SQLite, then on DATABASE_URL's PostgreSQL server."""
    options = ("--cases", str(args.followup_cases))
    return {"sqlite": await bench_script("bench/followup.py", *options),
            "postgresql": await bench_script("bench/followup.py", *options,
                                             "--database-url", os.environ["DATABASE_URL"])}


# ------------------------------------------------------------------------------ safety

async def bench_safety(args) -> dict:
    """bench/safety_matching.py on SQLite, then on DATABASE_URL's PostgreSQL server."""
    options = ("--notices", str(args.safety_notices))
    return {"sqlite": await bench_script("bench/safety_matching.py", *options),
            "postgresql": await bench_script("bench/safety_matching.py", *options,
                                             "--database-url", os.environ["DATABASE_URL"])}


# ------------------------------------------------------------------------------ report

def table(results: dict) -> str:
    rows = [("benchmark", "measure", "value", "target")]
    d = results.get("dispatch")
    if d:
        s, c = d["sequential"], d["concurrent"]
        lat = s["latency_ms"]
        rows += [
            ("dispatch->crew", f"sequential n={lat['n']} p50/p95/p99 ms",
             f"{lat['p50']} / {lat['p95']} / {lat['p99']}  (max {lat['max']})",
             f"p99 < {TARGETS['dispatch_p99_ms']} ms: "
             + ("MET" if lat["p99"] < TARGETS["dispatch_p99_ms"] else "MISSED")),
            ("", "sequential throughput", f"{s['throughput_per_s']} dispatches/s", ""),
            ("", "HTTP response p50/p99 ms",
             f"{s['http_response_ms']['p50']} / {s['http_response_ms']['p99']}", ""),
            ("", f"concurrent x{c['concurrency']} throughput", f"{c['throughput_per_s']}/s", ""),
            ("", f"concurrent n={c['latency_ms']['n']} p50/p95/p99 ms",
             f"{c['latency_ms']['p50']} / {c['latency_ms']['p95']} / {c['latency_ms']['p99']}",
             ""),
            ("", "server CPU per dispatch (with its case and cancel)",
             f"{s.get('server_cpu_ms_per_dispatch_incl_case_and_cancel')} ms", ""),
            ("", "PostgreSQL connections after", str(d["postgres_connections_after"]), ""),
            ("", "events never received (seq/conc)",
             f"{d['lost_sequential']} / {d['lost_concurrent']}", "0"),
        ]
    loaded, ref = results.get("dispatch_loaded"), results.get("dispatch_reference")
    if d and loaded:
        quiet99, busy99 = d["sequential"]["latency_ms"]["p99"], loaded["latency_ms"]["p99"]
        rows.append(("dispatch->crew loaded", f"{loaded['busy_processes']} busy processes "
                     f"n={loaded['latency_ms']['n']} p50/p99 ms",
                     f"{loaded['latency_ms']['p50']} / {busy99}  (x{busy99 / quiet99:.1f} "
                     "the quiet p99)",
                     "<= 4x quiet p99: " + ("MET" if busy99 <= 4 * quiet99 else "MISSED")))
    if d and ref:
        lat, mine = ref["latency_ms"], d["sequential"]["latency_ms"]
        ratio = mine["p50"] / lat["p50"]
        rows += [
            ("bare-stack reference", f"dispatch->crew n={lat['n']} p50/p95/p99 ms",
             f"{lat['p50']} / {lat['p95']} / {lat['p99']}  (max {lat['max']})", ""),
            ("", "server CPU per dispatch (with its case and cancel)",
             f"{ref['server_cpu_ms_per_dispatch_incl_case_and_cancel']} ms", ""),
            ("", "product / reference p50 (p99)",
             f"x{ratio:.2f} (x{mine['p99'] / lat['p99']:.2f})",
             "p50 <= x2.5: " + ("MET" if ratio <= 2.5 else "MISSED")),
        ]
        if ref.get("loaded"):
            rl = ref["loaded"]["latency_ms"]
            rows.append(("", "reference loaded p50/p99 ms", f"{rl['p50']} / {rl['p99']}", ""))
    f = results.get("fanout")
    if f:
        lat = f["latency_ms"]
        rows += [
            ("fan-out", f"{f['sockets']} sockets x {len(f['rounds'])} events p50/p99 ms",
             f"{lat.get('p50')} / {lat.get('p99')}  (max {lat.get('max')})",
             f"p99 < {TARGETS['fanout_p99_ms']} ms: "
             + ("MET" if lat.get("p99", 1e9) < TARGETS["fanout_p99_ms"] else "MISSED")),
            ("", "server CPU per event (both ASGI, median)",
             f"{f['server_cpu_ms_per_event_median']} ms", ""),
            ("", "arrived / expected", f"{f['arrived']} / {f['expected']}",
             "none lost: " + ("MET" if f["lost"] == 0 else "MISSED")),
        ]
        for r in f["rounds"]:
            rows.append(("", f"  event via :{r['triggered_on']} min/p50/p99/max ms",
                         f"{r.get('min')} / {r.get('p50')} / {r.get('p99')} / {r.get('max')}  "
                         f"arrived {r['arrived']}", ""))
    b = results.get("burst")
    if b:
        rows += [
            ("burst", f"{b['events']} events -> {b['sockets']} sockets",
             f"live {b['arrived_live']} + after sync {b['arrived_after_sync']} "
             f"/ {b['expected']}", "none lost: " + ("MET" if b["lost"] == 0 else "MISSED")),
            ("", "published in / all delivered live in",
             f"{b['publish_seconds']} s / {b['all_delivered_live_within_s']} s", ""),
            ("", "'over capacity' log lines", str(b["over_capacity_log_lines"]), "0"),
        ]
    v = results.get("ivpa")
    if v:
        lat, every = v["latency_ms"], v["all_volunteers_alerted_ms"]
        rows += [
            ("registration->responder", f"{v['registrations']} cases x "
             f"{v['volunteers_per_site']} sockets p50/p95/p99 ms",
             f"{lat.get('p50')} / {lat.get('p95')} / {lat.get('p99')}  (max {lat.get('max')})",
             f"p99 < {TARGETS['ivpa_p99_ms']} ms: "
             + ("MET" if lat.get("p99", 1e9) < TARGETS["ivpa_p99_ms"] else "MISSED")),
            ("", "last of the 20 p50/p99 ms", f"{every.get('p50')} / {every.get('p99')}", ""),
            ("", "HTTP response p50/p99 ms",
             f"{v['http_response_ms'].get('p50')} / {v['http_response_ms'].get('p99')}", ""),
            ("", "alerts never received", f"{v['lost']} of {v['expected']}", "0"),
        ]
    sel = results.get("ivpa_select")
    if sel:
        for radius, r in sel["latency_ms"].items():
            rows.append(("ivpa-select" if radius == "1800" else "",
                         f"{sel['vendor']} {sel['volunteers']} volunteers, {radius} m "
                         "p50/p95/p99 ms", f"{r['p50']} / {r['p95']} / {r['p99']}",
                         f"p99 < {sel['target_p99_ms']:g} ms: "
                         + ("MET" if r["p99"] < sel["target_p99_ms"] else "MISSED")))
        rows.append(("", "responder_cell index used (EXPLAIN)",
                     "yes" if sel["responder_cell_index_used"] else "NO", "yes"))
    im = results.get("imaging")
    if im:
        inp, iso, thr = im["in_process"]["latency_ms"], im["isolated"]["latency_ms"], \
            im["throughput"]
        peak = im["isolated"]["worker_peak_rss_mb"]
        rows += [
            ("imaging 12 MP JPEG", f"in process n={inp['n']} p50/p95/p99 ms",
             f"{inp['p50']} / {inp['p95']} / {inp['p99']}",
             f"p50 < {TARGETS['imaging_p50_ms']} ms: "
             + ("MET" if inp["p50"] < TARGETS["imaging_p50_ms"] else "MISSED")),
            ("", f"worker process n={iso['n']} p50/p95/p99 ms",
             f"{iso['p50']} / {iso['p95']} / {iso['p99']}",
             f"p50 < {TARGETS['imaging_p50_ms']} ms: "
             + ("MET" if iso["p50"] < TARGETS["imaging_p50_ms"] else "MISSED")),
            ("", "worker peak RSS per image", f"{peak} MB",
             f"< {TARGETS['imaging_peak_mb']} MB: "
             + ("MET" if peak < TARGETS["imaging_peak_mb"] else "MISSED")),
            ("", f"throughput, {thr['parallel']} workers", f"{thr['images_per_s']} images/s",
             f">= {TARGETS['imaging_images_per_s']}/s: "
             + ("MET" if thr["images_per_s"] >= TARGETS["imaging_images_per_s"]
                else "MISSED")),
            ("", "CPU per image; 2 cores at that cost",
             f"{thr['cpu_ms_per_image']} ms; {thr['cpu_bound_images_per_s']}/s", ""),
            ("", "load average at start", f"{im['machine']['loadavg_at_start'][0]:.2f}", ""),
        ]
    tr = results.get("travel")
    if tr:
        rows += [
            ("travel times", f"{tr['origins']} units, OSRM stand-in p50/p99 ms",
             f"{tr['router']['p50']} / {tr['router']['p99']}",
             f"1 request a call: {tr['router']['requests_per_call']:g}"),
            ("", "fallback (no router) p50/p99 ms",
             f"{tr['fallback']['p50']} / {tr['fallback']['p99']}", ""),
            ("", "router times out: first call ms; then p99 ms",
             f"{tr['timeout_first_ms']}; {tr['breaker_open']['p99']}",
             f"~ the time-out ({tr['timeout_s']:g} s) once"),
        ]
    rec = results.get("recommend")
    if rec:
        rows.append(("recommend", f"{rec['units']} units ranked, request p50/p99 ms",
                     f"{rec['request']['p50']} / {rec['request']['p99']}  (load "
                     f"{rec['loadavg_at_start'][0]:.2f})",
                     f"p99 <= {rec['target_p99_ms']:g} ms: "
                     + ("MET" if rec["request"]["p99"] <= rec["target_p99_ms"] else "MISSED")))
        rows.append(("", "the request's CPU time p50/p99 ms",
                     f"{rec['request_cpu']['p50']} / {rec['request_cpu']['p99']}",
                     "MET" if rec["request_cpu"]["p99"] <= rec["target_p99_ms"] else "MISSED"))
    person = results.get("person")
    if person:
        rows.append(("person", f"earlier cases among {person['cases']}: by PIN / by number / "
                               "request p50/p99 ms",
                     f"{person['pin']['p50']}/{person['pin']['p99']} · "
                     f"{person['phone']['p50']}/{person['phone']['p99']} · "
                     f"{person['request']['p50']}/{person['request']['p99']}  (load "
                     f"{person['loadavg_at_start'][0]:.2f})", ""))
    addresses = results.get("addresses")
    for vendor, a in (addresses or {}).items():
        s = a["searched"]
        rows.append(("addresses" if vendor == "sqlite" else "",
                     f"{vendor} {a['addresses']:,} addresses, as you type p50/p95/p99 ms",
                     f"{s['p50']} / {s['p95']} / {s['p99']}  (load "
                     f"{a['loadavg_at_start'][0]:.2f})",
                     f"p99 <= {a['target_p99_ms']:g} ms: "
                     + ("MET" if s["p99"] <= a["target_p99_ms"] else "MISSED")))
    for vendor, f in (results.get("followup") or {}).items():
        for key, what in (("report", f"tertial report {f['tertial']}"),
                          ("stations_all", "station table, every case"),
                          ("stations_tertial", f"station table {f['tertial']}")):
            fig = f[key]
            rows.append(("followup" if vendor == "sqlite" and key == "report" else "",
                         f"{vendor} {f['cases']:,} cases, {what} p50/max s",
                         f"{fig['p50']} / {fig['max']}  (peak {fig['python_peak_mb']} MB; "
                         f"load {f['loadavg_at_start'][0]:.2f})",
                         f"<= {f['target_s']:g} s: "
                         + ("MET" if fig["max"] <= f["target_s"] else "MISSED")))
    for vendor, m in (results.get("safety") or {}).items():
        fig = m["match"]
        rows.append(("safety" if vendor == "sqlite" else "",
                     f"{vendor} {m['notices']:,} notices, matching a new case p50/p99 ms",
                     f"{fig['p50']} / {fig['p99']}  (load {m['loadavg_at_start'][0]:.2f})",
                     f"p99 <= {m['target_p99_ms']:g} ms: "
                     + ("MET" if fig["p99"] <= m["target_p99_ms"] else "MISSED")))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only",
                        default="dispatch,fanout,burst,ivpa,imaging,travel,addresses,recommend,"
                                "person,followup,safety",
                        help="comma-separated; also ivpa-select (not in the default)")
    parser.add_argument("--recommend-units", type=int, default=200)
    parser.add_argument("--person-cases", type=int, default=100_000)
    parser.add_argument("--followup-cases", type=int, default=400_000)
    parser.add_argument("--safety-notices", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=200, help="units/crews in the pool")
    parser.add_argument("--dispatches", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="concurrent dispatch rounds")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--loaded-dispatches", type=int, default=300,
                        help="sequential dispatches with a synthetic CPU load beside them "
                             "(0: no loaded run)")
    parser.add_argument("--cpu-load", type=int, default=0,
                        help="busy processes of the loaded run (0: one per core)")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the bare-stack reference run (bench/barestack)")
    parser.add_argument("--fanout-sockets", type=int, default=2000)
    parser.add_argument("--fanout-rounds", type=int, default=5)
    parser.add_argument("--fanout-warmup", type=int, default=1)
    parser.add_argument("--burst-sockets", type=int, default=500)
    parser.add_argument("--burst-events", type=int, default=200)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--ivpa-rounds", type=int, default=200, help="case registrations")
    parser.add_argument("--ivpa-warmup", type=int, default=10)
    parser.add_argument("--ivpa-volunteers", type=int, default=20, help="per site and wave")
    parser.add_argument("--ivpa-sites", type=int, default=5)
    parser.add_argument("--imaging-images", type=int, default=200,
                        help="timed 12 MP images, in process and in the worker each")
    parser.add_argument("--imaging-throughput-images", type=int, default=300)
    parser.add_argument("--select-volunteers", type=int, default=100_000)
    parser.add_argument("--select-queries", type=int, default=2000)
    parser.add_argument("--travel-calls", type=int, default=200)
    parser.add_argument("--address-count", type=int, default=1_000_000)
    parser.add_argument("--address-rounds", type=int, default=5)
    parser.add_argument("--env", action="append", default=[],
                        help="KEY=VALUE for the cluster, e.g. UVICORN_OPTS='--ws websockets'")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    only = set(args.only.split(","))
    extra_env = dict(item.split("=", 1) for item in args.env)

    commit = git("rev-parse", "--short", "HEAD")
    dirty_files = git("status", "--porcelain", "--", "bench", "scripts", "config", "realtime",
                      "imaging")
    dirty = bool(dirty_files)
    print(f"== bench on commit {commit}{' + local changes: ' + dirty_files if dirty else ''}, "
          f"{os.cpu_count()} CPUs, extra env {extra_env or '-'}", flush=True)
    load_start = os.getloadavg()
    results: dict = {}
    if "imaging" in only:  # before the cluster starts, which would share the cores
        print("== imaging: 12 MP JPEG through the caller-image pipeline", flush=True)
        results["imaging"] = await bench_imaging(args)
        only.discard("imaging")
    if "travel" in only:
        print("== travel: 50 units to one place through the travel time service", flush=True)
        results["travel"] = await bench_travel(args)
        only.discard("travel")
    if "recommend" in only:
        print("== recommend: 200 units ranked for one case", flush=True)
        results["recommend"] = await bench_recommend(args)
        only.discard("recommend")
    if "person" in only:
        print("== person: a person's earlier cases among a year of cases", flush=True)
        results["person"] = await bench_person(args)
        only.discard("person")
    if "followup" in only:
        print("== followup: the tertial report and the station table over 400,000 cases",
              flush=True)
        results["followup"] = await bench_followup(args)
        only.discard("followup")
    if "safety" in only:
        print("== safety: matching a new case with 100,000 risk notices", flush=True)
        results["safety"] = await bench_safety(args)
        only.discard("safety")
    if "addresses" in only:
        print("== addresses: the address search as you type", flush=True)
        results["addresses"] = await bench_addresses(args)
        only.discard("addresses")
    if "ivpa-select" in only:
        print("== ivpa-select", flush=True)
        results["ivpa_select"] = await bench_ivpa_select(args)
        only.discard("ivpa-select")
    cluster = Cluster(extra_env=extra_env).start() if only else None
    errors: list[str] = []
    try:
        if cluster is None:
            raise _NoCluster
        print(f"   cluster up: {cluster.urls()} pids {cluster.pids()}", flush=True)
        data = (await asyncio.to_thread(cluster.setup_data, args.units)
                if only & {"dispatch", "fanout", "burst"} else None)
        if "dispatch" in only:
            print("== dispatch -> crew", flush=True)
            results["dispatch"] = await bench_dispatch(cluster, data, args)
            if args.loaded_dispatches:
                print(f"== dispatch -> crew, {args.cpu_load or os.cpu_count()} busy processes "
                      "beside it", flush=True)
                results["dispatch_loaded"] = await bench_dispatch_loaded(cluster, data, args)
        if "fanout" in only:
            print("== fan-out", flush=True)
            results["fanout"] = await bench_fanout(cluster, data, args)
        if "burst" in only:
            print("== burst", flush=True)
            results["burst"] = await bench_burst(cluster, data, args)
        if "ivpa" in only:
            print("== ivpa: case registration -> responder sockets", flush=True)
            results["ivpa"] = await bench_ivpa(cluster, args)
        errors = cluster.grep_logs(r"Traceback|ERROR")
    except _NoCluster:
        pass
    finally:
        if cluster is not None:
            cluster.stop()
    if "dispatch" in only and not args.no_reference:
        print("== dispatch -> crew on the bare-stack reference (bench/barestack)", flush=True)
        results["dispatch_reference"] = await bench_reference(args)
    report = {
        "commit": commit, "dirty": dirty, "label": args.label,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "loadavg_at_start": load_start, "loadavg_at_end": os.getloadavg()},
        "cluster_env": extra_env, "targets": TARGETS, "args": vars(args),
        "server_log_errors": errors[:20], **results,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now():%Y%m%d-%H%M%S}-{commit}{('-' + args.label) if args.label else ''}"
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps(report, indent=2))
    print()
    print(table(results))
    if errors:
        print(f"\n{len(errors)} error lines in the server logs, e.g.:\n  "
              + "\n  ".join(errors[:5]))
    print(f"\nJSON: {path.relative_to(ROOT)}"
          + (f"\nserver logs: {cluster.tmp / 'logs'}" if cluster else ""))
    return 0


if __name__ == "__main__":
    try:
        from uvloop import run
    except ImportError:
        from asyncio import run
    sys.exit(run(main()))
