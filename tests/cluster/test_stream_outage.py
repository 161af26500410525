"""The event stream through a Redis outage, in the production shape.

Two uvicorn processes share a Redis of the test's own (tests.live.RedisServer), which is
killed for 10 s while a dispatcher dispatches about one assignment a second to four crews.
The crews' tablets are session sockets that behave as stream.js does: they acknowledge what
they read, and after a drop they reconnect and resubscribe with the last sequence number seen.
The database stays up, and it holds every event: the sockets must stay open through the
outage, keep delivering from the event log, go back to the channel layer when Redis returns
(no duplicate, no gap), a tablet that connects during the outage must get in, and no
assignment may reach its crew later than 3 s after it was dispatched. The servers must not
log a traceback for any of it.

The Celery worker and beat run as in production but nothing here depends on them (dispatch is
an HTTP request to an ASGI process, delivery is the ASGI processes'); the acknowledgement
timeout is long, so no re-send adds to the streams.
"""

import asyncio
import json
import os
import statistics
import time
from types import SimpleNamespace

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.conftest import case_payload
from tests.live import LiveProduct, RedisServer

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                       reason="a Redis outage needs the production shape (channels-redis)"),
]

OUTAGE = 10.0
TARGET = 3.0
CREWS = [("sara", "AMB 1010"), ("johan", "AMB 1020"), ("maria", "AMB 1110"),
         ("ali", "AMB 1210")]
RECONNECT_DELAY = 1.0  # stream.js's first retry is 0.5-1 s


def sign_in(url: str, username: str) -> dict:
    """A session's cookies, by the sign-in form (passed by hand: they are Secure here)."""
    csrf = httpx.get(url + "/login/").cookies["csrftoken"]
    answer = httpx.post(url + "/login/", headers={"Cookie": f"csrftoken={csrf}"},
                        data={"username": username, "password": "larm-demo-2026",
                              "csrfmiddlewaretoken": csrf})
    assert answer.status_code == 302, answer.text[:500]
    return {"sessionid": answer.cookies["sessionid"],
            "csrftoken": answer.cookies.get("csrftoken") or csrf}


def cookie_header(cookies: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


class Browser:
    """HTTP as a signed-in page sends it: session cookie, CSRF header, same-origin Referer."""

    def __init__(self, url: str, cookies: dict):
        self.client = httpx.AsyncClient(base_url=url, timeout=20, headers={
            "Cookie": cookie_header(cookies), "X-CSRFToken": cookies["csrftoken"],
            "Referer": url + "/"})

    async def call(self, method: str, path: str, body=None):
        response = await self.client.request(method, path, json=body)
        assert response.status_code in (200, 201), (method, path, response.status_code,
                                                    response.text[:500])
        return response.json()

    async def aclose(self) -> None:
        await self.client.aclose()


class Tablet:
    """One crew socket as stream.js runs it; records every event with its arrival time and
    every drop, refused handshake, reset and out-of-order event."""

    def __init__(self, url: str, cookies: dict, stream: str, after: int | None = None):
        self.url, self.cookies, self.stream = url, cookies, stream
        self.last = after
        self.arrivals: dict[int, float] = {}  # assignment id -> when assignment.created came
        self.seqs: list[int] = []
        self.drops = self.refused = self.resets = 0
        self.subscribed = asyncio.Event()
        self.task = asyncio.create_task(self.run())

    async def run(self) -> None:
        while True:
            try:
                ws = await connect(self.url.replace("http://", "ws://") + "/ws/stream/",
                                   origin=self.url, open_timeout=10, ping_interval=None,
                                   additional_headers={"Cookie": cookie_header(self.cookies)})
            except Exception:  # noqa: BLE001 - counted: a handshake the server refused
                self.refused += 1
                await asyncio.sleep(RECONNECT_DELAY)
                continue
            try:
                await ws.send(json.dumps({"op": "subscribe", "stream": self.stream,
                                          "after": self.last}))
                async for raw in ws:
                    await self.receive(ws, json.loads(raw), time.monotonic())
            except Exception:  # noqa: BLE001 - the socket dropped
                pass
            self.drops += 1
            await asyncio.sleep(RECONNECT_DELAY)

    async def receive(self, ws, message: dict, at: float) -> None:
        if message["op"] == "subscribed":
            if self.last is None:
                self.last = message["head"]
            self.subscribed.set()
        elif message["op"] == "reset":
            self.resets += 1
            self.last = message["head"]
        elif message["op"] == "event":
            event = message["event"]
            self.seqs.append(event["seq"])
            self.last = event["seq"]
            if event["type"] == "assignment.created":
                self.arrivals.setdefault(event["data"]["id"], at)
            await ws.send(json.dumps({"op": "ack", "stream": self.stream,
                                      "seq": event["seq"]}))

    def assert_in_order(self, first: int) -> None:
        assert self.seqs == list(range(first + 1, first + 1 + len(self.seqs))), (
            f"{self.stream}: duplicates or gaps after {first}: {self.seqs}")

    async def close(self) -> None:
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass


def figures(samples: list[float]) -> str:
    if not samples:
        return "none"
    ordered = sorted(samples)
    return (f"n={len(ordered)} p50={statistics.median(ordered):.2f}s "
            f"max={ordered[-1]:.2f}s")


@pytest.fixture(scope="module")
def centre():
    """Two ASGI processes (and Celery) on a Redis of the test's own; four crews on their
    units, signed in by session; the dispatcher signed in on the second process."""
    server = RedisServer().start()
    product = LiveProduct(workers=2, extra_env={
        "REDIS_URL": server.url(0), "ASSIGNMENT_ACK_TIMEOUT_SECONDS": "600"})
    try:
        product.start()
        urls = product.urls()
        anna = sign_in(urls[1], "anna")
        with httpx.Client(base_url=urls[1], headers={"Cookie": cookie_header(anna)}) as http:
            units = {u["call_sign"]: u["id"] for u in http.get("/api/units/").json()}
            region = next(r["id"] for r in http.get("/api/regions/").json()
                          if r["code"] == "VML")
        crews = {}
        for i, (username, call_sign) in enumerate(CREWS):
            cookies = sign_in(urls[i % 2], username)
            joined = httpx.post(f"{urls[i % 2]}/api/units/{units[call_sign]}/join/", headers={
                "Cookie": cookie_header(cookies), "X-CSRFToken": cookies["csrftoken"],
                "Referer": urls[i % 2] + "/"})
            assert joined.status_code == 200, joined.text[:500]
            crews[f"unit.{units[call_sign]}"] = cookies
        yield SimpleNamespace(redis=server, product=product, urls=urls, anna=anna,
                              units=units, region=region, crews=crews)
        server_logs = "\n".join(p.read_text() for p in sorted(product.tmp.glob("asgi-*.log")))
        assert "Traceback" not in server_logs, server_logs[-6000:]
        assert "Exception in ASGI application" not in server_logs, server_logs[-6000:]
    finally:
        product.stop()
        server.close()


async def open_tablets(centre) -> list[Tablet]:
    """Each crew's tablet on either process, subscribed."""
    tablets = [Tablet(url, cookies, stream) for stream, cookies in centre.crews.items()
               for url in centre.urls]
    async with asyncio.timeout(30):
        for tablet in tablets:
            await tablet.subscribed.wait()
    return tablets


class Dispatcher(Browser):
    def __init__(self, centre):
        super().__init__(centre.urls[1], centre.anna)
        self.centre = centre
        self.dispatched: list[tuple[int, str, float, str]] = []  # id, stream, sent, phase

    async def dispatch(self, call_sign: str, phase: str) -> None:
        """A new case, an assignment to the unit (timed from just before the request), and
        its cancellation (which frees the unit again)."""
        unit = self.centre.units[call_sign]
        case = await self.call("POST", "/api/cases/",
                               case_payload(SimpleNamespace(pk=self.centre.region)))
        sent = time.monotonic()
        (assignment,) = await self.call("POST", f"/api/cases/{case['id']}/dispatch/",
                                        {"units": [unit]})
        self.dispatched.append((assignment["id"], f"unit.{unit}", sent, phase))
        await self.call("POST", f"/api/assignments/{assignment['id']}/status/",
                        {"status": "cancelled"})


async def wait_for_arrivals(dispatcher: Dispatcher, tablets: list[Tablet]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(
        assignment_id in tablet.arrivals for assignment_id, stream, _, _ in dispatcher.dispatched
        for tablet in tablets if tablet.stream == stream
    ):
        await asyncio.sleep(0.2)


async def close_all(tablets: list[Tablet], dispatcher: Dispatcher) -> None:
    for tablet in tablets:
        await tablet.close()
    await dispatcher.aclose()


async def test_assignments_reach_crews_within_3_s_through_a_10_s_redis_outage(centre):
    tablets = await open_tablets(centre)
    heads = {id(t): t.last for t in tablets}
    dispatcher = Dispatcher(centre)
    phase = "before"
    try:
        async def dispatch_load(stop: asyncio.Event) -> None:
            n = 0
            while not stop.is_set():
                await dispatcher.dispatch(CREWS[n % len(CREWS)][1], phase)
                n += 1
                await asyncio.sleep(0.5)

        stop = asyncio.Event()
        load = asyncio.create_task(dispatch_load(stop))
        await asyncio.sleep(4)
        phase = "during"
        await asyncio.to_thread(centre.redis.stop, kill=True)
        down_at = time.monotonic()
        await asyncio.sleep(3)
        # A tablet switched on during the outage gets in and catches up from where it was.
        first = tablets[0]
        late = Tablet(centre.urls[0], centre.crews[first.stream], first.stream,
                      after=heads[id(first)])
        tablets.append(late)
        heads[id(late)] = late.last
        await asyncio.sleep(OUTAGE - (time.monotonic() - down_at))
        await asyncio.to_thread(centre.redis.start)
        phase = "after"
        await asyncio.sleep(6)
        stop.set()
        await load
        await wait_for_arrivals(dispatcher, tablets)

        latencies: dict[str, list[float]] = {"before": [], "during": [], "after": []}
        too_late = []
        for assignment_id, stream, sent, when in dispatcher.dispatched:
            for tablet in tablets:
                if tablet.stream != stream:
                    continue
                assert assignment_id in tablet.arrivals, (
                    f"assignment {assignment_id} ({when}) never reached {stream} on "
                    f"{tablet.url}\n{centre.product.logs()}")
                latency = tablet.arrivals[assignment_id] - sent
                if tablet is late and sent < down_at + 3:
                    continue  # dispatched before that tablet was switched on
                latencies[when].append(latency)
                if latency > TARGET:
                    too_late.append((assignment_id, when, round(latency, 2)))
        report = ", ".join(f"{name}: {figures(values)}" for name, values in latencies.items())
        print(f"\ndispatch -> crew socket through a {OUTAGE:.0f} s Redis outage: {report}")
        assert latencies["during"], "nothing was dispatched during the outage"
        assert not too_late, f"later than {TARGET} s: {too_late} ({report})"
        for tablet in tablets:
            assert (tablet.drops, tablet.refused, tablet.resets) == (0, 0, 0), (
                f"{tablet.stream} on {tablet.url}: {tablet.drops} drops, {tablet.refused} "
                f"refused handshakes, {tablet.resets} resets")
            tablet.assert_in_order(heads[id(tablet)])
    finally:
        await close_all(tablets, dispatcher)


async def test_no_socket_is_left_deaf_by_a_redis_restarted_at_once(centre):
    """Killed and started again at once: the groups are gone with the old server, and a
    socket whose next read already reaches the new one never noticed; the process's sockets
    rejoin together."""
    tablets = await open_tablets(centre)
    heads = {id(t): t.last for t in tablets}
    dispatcher = Dispatcher(centre)
    try:
        await asyncio.to_thread(centre.redis.restart, down_for=0)
        for _ in range(2):
            for _username, call_sign in CREWS:
                await dispatcher.dispatch(call_sign, "after")
        await wait_for_arrivals(dispatcher, tablets)
        latencies = []
        for assignment_id, stream, sent, _ in dispatcher.dispatched:
            for tablet in tablets:
                if tablet.stream == stream:
                    assert assignment_id in tablet.arrivals, (
                        f"assignment {assignment_id} never reached {stream} on {tablet.url}")
                    latencies.append(tablet.arrivals[assignment_id] - sent)
        print(f"\ndispatch -> crew socket after a Redis restart: {figures(latencies)}")
        assert max(latencies) <= TARGET, figures(latencies)
        for tablet in tablets:
            assert (tablet.drops, tablet.refused, tablet.resets) == (0, 0, 0)
            tablet.assert_in_order(heads[id(tablet)])
    finally:
        await close_all(tablets, dispatcher)
