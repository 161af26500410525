"""The event stream across real server processes.

The shape comes from the environment, as for the rest of the suite:
- production (REDIS_URL set): two uvicorn processes sharing channels-redis, plus Celery worker
  and beat. A crew socket held by process 1 hears what an API call to process 2 published, and
  Celery beat's timer tick re-sends an unacknowledged assignment.
- embedded (no REDIS_URL): one uvicorn process (its in-memory channel layer cannot reach a
  second process), whose in-process timer loop does the re-send.
Every test runs in both shapes with the parameters that apply; none is skipped.
"""

import asyncio
import json
import os
from datetime import datetime
from types import SimpleNamespace

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.conftest import case_payload
from tests.live import LiveProduct

pytestmark = pytest.mark.cluster

PRODUCTION = bool(os.environ.get("REDIS_URL"))
WORKERS = 2 if PRODUCTION else 1
RECEIVE_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def live():
    product = LiveProduct(workers=WORKERS).start()
    try:
        yield product
    finally:
        product.stop()


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://") + "/ws/stream/"


class Socket:
    """A stream socket with the protocol's requests and a reader that keeps order."""

    def __init__(self, ws):
        self.ws = ws

    @classmethod
    async def open(cls, base_url: str, headers: dict) -> "Socket":
        ws = await connect(
            ws_url(base_url), origin=base_url, additional_headers=headers, open_timeout=10,
        )
        return cls(ws)

    async def request(self, **payload) -> None:
        await self.ws.send(json.dumps(payload))

    async def next(self, timeout: float = RECEIVE_TIMEOUT) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                message = json.loads(await self.ws.recv())
                if message.get("op") != "pong":
                    return message

    async def subscribe(self, stream: str, after: int | None) -> tuple[list[dict], dict]:
        """Subscribe; returns (events replayed before the answer, the answer)."""
        await self.request(op="subscribe", stream=stream, after=after)
        replayed = []
        while True:
            message = await self.next()
            if message["op"] == "event":
                replayed.append(message["event"])
            elif message["op"] == "subscribed":
                return replayed, message
            else:
                raise AssertionError(f"Unexpected answer to subscribe: {message}")

    async def events_until(self, predicate, timeout: float = RECEIVE_TIMEOUT) -> list[dict]:
        """Events in arrival order up to and including the first one matching `predicate`."""
        events = []
        async with asyncio.timeout(timeout):
            while True:
                message = await self.next(timeout)
                assert message["op"] == "event", message
                events.append(message["event"])
                if predicate(message["event"]):
                    return events

    async def close(self) -> None:
        await self.ws.close()


class Api:
    def __init__(self, base_url: str, headers: dict):
        self.client = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=15)

    async def call(self, method: str, path: str, json_body=None, expect=(200, 201)):
        response = await self.client.request(method, path, json=json_body)
        assert response.status_code in expect, (method, path, response.status_code,
                                                response.text)
        return response.json()

    async def dispatch_new_case(self, unit_id: int) -> int:
        regions = await self.call("GET", "/api/regions/")
        region = next(r for r in regions if r["code"] == "VML")
        case = await self.call("POST", "/api/cases/",
                               case_payload(SimpleNamespace(pk=region["id"])))
        assignments = await self.call("POST", f"/api/cases/{case['id']}/dispatch/",
                                      {"units": [unit_id]})
        assert len(assignments) == 1
        return assignments[0]["id"]

    async def cancel(self, assignment_id: int) -> None:
        await self.call("POST", f"/api/assignments/{assignment_id}/status/",
                        {"status": "cancelled"})

    async def aclose(self) -> None:
        await self.client.aclose()


def token_headers(token: str) -> dict:
    """An integration's credentials (the dispatcher's token)."""
    return {"Authorization": f"Token {token}"}


def session_headers(url: str, username: str) -> dict:
    """A tablet's credentials: a session signed in by the sign-in form (crews hold no
    tokens). Sent by hand: the cookies are Secure in the production shape."""
    csrf = httpx.get(url + "/login/").cookies["csrftoken"]
    answer = httpx.post(url + "/login/", headers={"Cookie": f"csrftoken={csrf}"},
                        data={"username": username, "password": "larm-demo-2026",
                              "csrfmiddlewaretoken": csrf})
    assert answer.status_code == 302, answer.text[:500]
    csrf = answer.cookies.get("csrftoken") or csrf
    return {"Cookie": f"sessionid={answer.cookies['sessionid']}; csrftoken={csrf}",
            "X-CSRFToken": csrf, "Referer": url + "/"}


async def crew_on_unit(live: LiveProduct, username: str, call_sign: str) -> tuple[str, int]:
    headers = await asyncio.to_thread(session_headers, live.urls()[-1], username)
    crew = Api(live.urls()[-1], headers)
    try:
        units = await crew.call("GET", "/api/units/")
        unit_id = next(u["id"] for u in units if u["call_sign"] == call_sign)
        await crew.call("POST", f"/api/units/{unit_id}/join/")
    finally:
        await crew.aclose()
    return headers, unit_id


def assert_contiguous(events: list[dict], after: int) -> None:
    assert [e["seq"] for e in events] == list(range(after + 1, after + 1 + len(events))), (
        f"not in order after {after}: {[(e['seq'], e['type']) for e in events]}"
    )


def is_assignment(event_type: str, assignment_id: int):
    return lambda e: e["type"] == event_type and e["data"].get("id") == assignment_id


async def test_crew_socket_on_one_process_hears_dispatch_made_on_another(live):
    socket_url, api_url = live.urls()[0], live.urls()[-1]
    assert (socket_url != api_url) == PRODUCTION
    crew_headers, unit_id = await crew_on_unit(live, "sara", "AMB 1010")
    stream = f"unit.{unit_id}"
    dispatcher = Api(api_url, token_headers(await asyncio.to_thread(live.token, "anna")))
    crew = await Socket.open(socket_url, crew_headers)
    try:
        replayed, answer = await crew.subscribe(stream, after=None)
        assert replayed == [] and answer["replayed"] == 0
        head = answer["head"]
        received = []
        for _ in range(3):
            assignment_id = await dispatcher.dispatch_new_case(unit_id)
            created = await crew.events_until(is_assignment("assignment.created", assignment_id))
            await dispatcher.cancel(assignment_id)
            cancelled = await crew.events_until(
                lambda e, a=assignment_id: e["type"] == "assignment.status"
                and e["data"]["id"] == a and e["data"]["status"] == "cancelled"
            )
            # The unit's own status changes come on the same stream, before each assignment
            # event (the unit is claimed before the assignment is announced).
            assert [e["type"] for e in created] == ["unit.updated", "assignment.created"]
            assert created[-1]["data"]["unit"] == unit_id
            assert created[-1]["data"]["status"] == "alerted"
            received += created + cancelled
        assert_contiguous(received, head)
    finally:
        await crew.close()
        await dispatcher.aclose()


async def test_reconnect_with_after_replays_what_was_missed(live):
    first_url, api_url = live.urls()[0], live.urls()[-1]
    crew_headers, unit_id = await crew_on_unit(live, "johan", "AMB 3010")
    stream = f"unit.{unit_id}"
    dispatcher = Api(api_url, token_headers(await asyncio.to_thread(live.token, "anna")))
    try:
        crew = await Socket.open(first_url, crew_headers)
        _, answer = await crew.subscribe(stream, after=None)
        first_id = await dispatcher.dispatch_new_case(unit_id)
        seen = await crew.events_until(is_assignment("assignment.created", first_id))
        assert_contiguous(seen, answer["head"])
        last_seen = seen[-1]["seq"]
        await crew.close()

        # While the tablet is away: the assignment is cancelled and a new one is sent.
        await dispatcher.cancel(first_id)
        missed_id = await dispatcher.dispatch_new_case(unit_id)

        # Back again, on the other process in the production shape.
        crew = await Socket.open(api_url, crew_headers)
        replayed, answer = await crew.subscribe(stream, after=last_seen)
        assert answer["replayed"] == len(replayed) > 0
        assert_contiguous(replayed, last_seen)
        assert answer["head"] == replayed[-1]["seq"]
        types = [(e["type"], e["data"].get("id")) for e in replayed]
        assert ("assignment.status", first_id) in types
        assert ("assignment.created", missed_id) in types
        assert types.index(("assignment.status", first_id)) < types.index(
            ("assignment.created", missed_id))

        # And the stream goes on live from there, with no gap and no repeat.
        await dispatcher.cancel(missed_id)
        live_events = await crew.events_until(
            lambda e: e["type"] == "assignment.status" and e["data"]["id"] == missed_id
        )
        assert_contiguous(live_events, answer["head"])
        await crew.close()
    finally:
        await dispatcher.aclose()


async def test_unacknowledged_assignment_is_resent_by_the_timer_tick():
    """Production: Celery beat's tick fires the stored timer (the ASGI processes run no timer
    loop). Embedded: the ASGI process's own timer loop does."""
    product = LiveProduct(workers=WORKERS,
                          extra_env={"ASSIGNMENT_ACK_TIMEOUT_SECONDS": "2"}).start()
    try:
        assert product.celery == PRODUCTION
        socket_url, api_url = product.urls()[0], product.urls()[-1]
        crew_headers, unit_id = await crew_on_unit(product, "sara", "AMB 1010")
        dispatcher = Api(api_url, token_headers(await asyncio.to_thread(product.token, "anna")))
        crew = await Socket.open(socket_url, crew_headers)
        try:
            _, answer = await crew.subscribe(f"unit.{unit_id}", after=None)
            assignment_id = await dispatcher.dispatch_new_case(unit_id)
            events = await crew.events_until(
                is_assignment("assignment.resent", assignment_id), timeout=30
            )
            assert_contiguous(events, answer["head"])
            resent = events[-1]
            assert resent["data"]["resend_count"] == 1
            assert resent["data"]["ack_overdue"] is True
            assert resent["data"]["status"] == "alerted"
            created = next(e for e in events if e["type"] == "assignment.created")
            # Not before the timeout: the timer waited at least 2 s after the alert.
            waited = (datetime.fromisoformat(resent["at"])
                      - datetime.fromisoformat(created["at"])).total_seconds()
            assert waited >= 2, waited

            # Acknowledging stops the re-sending.
            crew_api = Api(api_url, crew_headers)
            try:
                await crew_api.call("POST", f"/api/assignments/{assignment_id}/acknowledge/")
            finally:
                await crew_api.aclose()
            await crew.events_until(
                lambda e: e["type"] == "assignment.status"
                and e["data"]["status"] == "acknowledged"
            )
            with pytest.raises(TimeoutError):
                extra = await crew.next(timeout=4)
                pytest.fail(f"Nothing more was expected after the acknowledgement: {extra}")
        finally:
            await crew.close()
            await dispatcher.aclose()
    finally:
        product.stop()
