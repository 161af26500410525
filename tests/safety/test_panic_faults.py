"""The panic alarm through faults, on real server processes: raised while the crew's tablet is
offline (its socket down, the request kept in the outbox), it arrives on the console when the
tablet is back, once however often the outbox sends it, with the time it was pressed; a
console whose own socket was down meanwhile gets it on reconnecting, and so does the crew's.

The browser's side (the outbox in crew.js, the one-tap SMS) is tests/e2e/test_panic.py; here
the tablet is an HTTP client that behaves as the outbox does (the same idempotency key until
an answer comes), and the sockets behave as stream.js does (resubscribe after the last
sequence number seen). Production shape: two uvicorn processes on Redis (requests and
sockets on different processes); embedded: one.
"""

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.live import LiveProduct, free_port

pytestmark = pytest.mark.cluster

WAIT = 60


@pytest.fixture(scope="module")
def live():
    # LiveProduct takes a Redis database of its own (7) in the production shape.
    product = LiveProduct(workers=2 if os.environ.get("REDIS_URL") else 1, celery=False,
                          extra_env={"PANIC_ACK_SECONDS": "600"}).start()
    yield product
    product.stop()


def sign_in(url: str, username: str) -> dict:
    """A session's cookies by the sign-in form, as a browser gets them."""
    csrf = httpx.get(url + "/login/").cookies["csrftoken"]
    answer = httpx.post(url + "/login/", headers={"Cookie": f"csrftoken={csrf}"},
                        data={"username": username, "password": "larm-demo-2026",
                              "csrfmiddlewaretoken": csrf})
    assert answer.status_code == 302, answer.text[:500]
    return {"sessionid": answer.cookies["sessionid"],
            "csrftoken": answer.cookies.get("csrftoken") or csrf}


def tablet(url: str, cookies: dict) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=30, headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "X-CSRFToken": cookies["csrftoken"], "Origin": url})


class Socket:
    """A /ws/stream/ socket as stream.js keeps it: it remembers the last sequence number seen
    per stream and resubscribes after it."""

    def __init__(self, url: str, headers: dict):
        self.url, self.headers = url, headers
        self.seen: dict[str, int] = {}
        self.events: list[dict] = []
        self.ws = None

    async def open(self, stream: str) -> dict:
        self.ws = await connect(self.url.replace("http://", "ws://") + "/ws/stream/",
                                origin=self.url, additional_headers=self.headers,
                                open_timeout=WAIT)
        await self.ws.send(json.dumps({"op": "subscribe", "stream": stream,
                                       "after": self.seen.get(stream)}))
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), WAIT))
            if message["op"] == "event":
                self._keep(message["event"])
            elif message["op"] == "subscribed":
                self.seen.setdefault(stream, message["head"])
                return message
            else:
                raise AssertionError(message)

    def _keep(self, event: dict) -> None:
        self.events.append(event)
        self.seen[event["stream"]] = event["seq"]

    async def wait_for(self, type_: str, alarm: int) -> dict:
        async def read():
            while True:
                for event in self.events:
                    if event["type"] == type_ and event["data"]["alarm"]["id"] == alarm:
                        return event
                message = json.loads(await self.ws.recv())
                if message["op"] == "event":
                    self._keep(message["event"])
        return await asyncio.wait_for(read(), WAIT)

    async def close(self) -> None:
        await self.ws.close()


def of_type(events: list[dict], type_: str) -> list[dict]:
    return [e for e in events if e["type"] == type_]


def test_an_alarm_raised_offline_arrives_once_when_the_tablet_is_back(live):
    asyncio.run(_offline_alarm(live))


async def _offline_alarm(live):
    urls = live.urls()
    console_url, tablet_url = urls[0], urls[-1]
    sara = sign_in(tablet_url, "sara")
    with tablet(tablet_url, sara) as http:
        units = http.get("/api/units/").json()
        unit = next(u for u in units if u["call_sign"] == "AMB 1010")
        assert http.post(f"/api/units/{unit['id']}/join/").status_code == 200
    console = Socket(console_url, {"Authorization": f"Token {live.token('anna')}"})
    await console.open("dispatch")
    crew = Socket(tablet_url, {"Cookie": f"sessionid={sara['sessionid']}"})
    await crew.open(f"unit.{unit['id']}")

    # The tablet loses the network: its socket drops, and so (for a while) does the
    # console's. The alarm is pressed; the outbox cannot reach the server.
    await crew.close()
    await console.close()
    pressed = datetime.now(UTC) - timedelta(seconds=20)
    body = {"idempotency_key": "offline-panic-0001", "raised_at": pressed.isoformat(),
            "latitude": 59.6162, "longitude": 16.5528, "accuracy_m": 15}
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(httpx.ConnectError), tablet(dead, sara) as offline:
        offline.post("/api/safety/panic/", json=body)

    # Back: the outbox sends it, and once more (the first answer was lost on the way).
    with tablet(tablet_url, sara) as http:
        first = http.post("/api/safety/panic/", json=body)
        again = http.post("/api/safety/panic/", json=body)
    assert (first.status_code, again.status_code) == (201, 200), first.text
    alarm = first.json()
    assert again.json()["id"] == alarm["id"]
    raised_at = datetime.fromisoformat(alarm["raised_at"])
    assert abs((raised_at - pressed).total_seconds()) < 1, "the time it was pressed"

    # The console reconnects after the last event it saw: the alarm, once.
    await console.open("dispatch")
    raised = await console.wait_for("panic.raised", alarm["id"])
    assert raised["data"]["alarm"]["unit_call_sign"] == "AMB 1010"
    # A dispatcher takes it; the crew's tablet reconnects and learns both.
    with httpx.Client(base_url=console_url, timeout=30, headers={
            "Authorization": f"Token {live.token('erik')}"}) as dispatcher:
        assert dispatcher.post(f"/api/safety/panic/{alarm['id']}/acknowledge/"
                               ).status_code == 200
    await console.wait_for("panic.acknowledged", alarm["id"])
    await crew.open(f"unit.{unit['id']}")
    await crew.wait_for("panic.raised", alarm["id"])
    told = await crew.wait_for("panic.acknowledged", alarm["id"])
    assert told["data"]["alarm"]["acknowledged_by_name"]
    assert len([e for e in of_type(console.events, "panic.raised")
                if e["data"]["alarm"]["id"] == alarm["id"]]) == 1
    await console.close()
    await crew.close()
