"""The socket op "ack": a device that saw an event on /ws/stream/ within the grace time is not
woken by a push, and the ack is checked and stored cheaply."""

import asyncio
import copy
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from bench.sessions import session_cookie
from config.asgi import router
from crews.services import crew_join
from push.models import Notification, NotificationState
from realtime.selectors import stream_acked
from realtime.services import event_publish

from .helpers import dispatch, fire, subscribe
from .loopback import FakeBrowser

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 3
db = database_sync_to_async


@pytest.fixture(autouse=True)
def channel_layer(settings):
    """A channel layer of the test's own (on Redis: a prefix of its own)."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    if "redis" in layers["default"]["BACKEND"].lower():
        layers["default"].setdefault("CONFIG", {})["prefix"] = f"asgi-p{uuid.uuid4().hex[:10]}"
    settings.CHANNEL_LAYERS = layers


@pytest.fixture(autouse=True)
async def close_worker_connections():
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def tokens(demo):
    """Per persona, its session cookie (the screens' way in)."""
    return {name: session_cookie(getattr(demo, name)) for name in ("sara", "maria", "anna")}


async def connected(token):
    ws = WebsocketCommunicator(router, "/ws/stream/", headers=[
        (b"origin", b"http://testserver"), (b"cookie", token.encode())])
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok
    return ws


async def receive(ws):
    return await ws.receive_json_from(timeout=WAIT)


async def subscribed(ws, stream):
    await ws.send_json_to({"op": "subscribe", "stream": stream, "after": None})
    answer = await receive(ws)
    assert answer["op"] == "subscribed", answer
    return answer


async def next_event(ws, type):
    while True:
        message = await receive(ws)
        if message["op"] == "event" and message["event"]["type"] == type:
            return message["event"]


async def test_a_device_that_acked_on_the_socket_in_time_gets_no_push(demo, tokens, new_case,
                                                                     push_service):
    """Sara's tablet has the app open and acknowledges; Maria's phone is in her pocket."""
    stream = f"unit.{demo.amb1010.pk}"
    await db(crew_join)(user=demo.maria, unit=demo.amb1010)
    await db(subscribe)(demo.sara, FakeBrowser(), push_service.endpoint("sara"))
    maria_phone = FakeBrowser()
    await db(subscribe)(demo.maria, maria_phone, push_service.endpoint("maria"))
    ws = await connected(tokens["sara"])
    await subscribed(ws, stream)

    await db(dispatch)(demo, new_case)
    event = await next_event(ws, "assignment.created")
    await ws.send_json_to({"op": "ack", "stream": stream, "seq": event["seq"]})
    assert await receive(ws) == {"op": "acked", "stream": stream, "seq": event["seq"]}

    await db(fire)(after_seconds=6)
    received = await asyncio.to_thread(push_service.wait_for, 1)
    await asyncio.sleep(0.2)
    assert [r.name for r in push_service.received] == ["maria"]
    assert maria_phone.decrypt(received[0].body)["title"] == "Nytt uppdrag"
    states = await db(lambda: dict(Notification.objects.values_list("user__username",
                                                                    "state")))()
    assert states == {"sara": NotificationState.ACKED, "maria": NotificationState.PUSHED}
    await ws.disconnect()


async def test_an_ack_of_an_earlier_event_does_not_cover_a_later_one(demo, tokens, new_case,
                                                                    push_service):
    stream = f"unit.{demo.amb1010.pk}"
    await db(subscribe)(demo.sara, FakeBrowser(), push_service.endpoint("sara"))
    ws = await connected(tokens["sara"])
    await subscribed(ws, stream)
    await db(event_publish)(stream=stream, type="crew.joined", data={})
    earlier = await next_event(ws, "crew.joined")
    await ws.send_json_to({"op": "ack", "stream": stream, "seq": earlier["seq"]})
    assert (await receive(ws))["op"] == "acked"

    await db(dispatch)(demo, new_case)  # the socket receives it, the device never says so
    await next_event(ws, "assignment.created")
    await db(fire)(after_seconds=6)
    assert len(await asyncio.to_thread(push_service.wait_for, 1)) == 1
    await ws.disconnect()


async def test_any_socket_of_the_user_may_ack_for_the_user(demo, tokens, new_case,
                                                          push_service):
    stream = f"unit.{demo.amb1010.pk}"
    await db(subscribe)(demo.sara, FakeBrowser(), push_service.endpoint("phone"))
    tablet = await connected(tokens["sara"])
    await subscribed(tablet, stream)
    await db(dispatch)(demo, new_case)
    event = await next_event(tablet, "assignment.created")
    await tablet.send_json_to({"op": "ack", "stream": stream, "seq": event["seq"]})
    await receive(tablet)
    await db(fire)(after_seconds=6)
    await asyncio.sleep(0.2)
    assert push_service.received == []  # the phone is not woken: the tablet saw it
    await tablet.disconnect()


async def test_acks_are_checked(demo, tokens):
    stream = f"unit.{demo.amb1010.pk}"
    ws = await connected(tokens["sara"])
    await ws.send_json_to({"op": "ack", "stream": stream, "seq": 1})
    answer = await receive(ws)
    assert answer["op"] == "error" and "Subscribe" in answer["message"]

    await subscribed(ws, stream)
    await db(event_publish)(stream=stream, type="crew.joined", data={})
    event = await next_event(ws, "crew.joined")
    for seq, needle in ((event["seq"] + 1, "not sent"), ("7", "seq"), (True, "seq"),
                        (-1, "seq"), (None, "seq")):
        await ws.send_json_to({"op": "ack", "stream": stream, "seq": seq})
        answer = await receive(ws)
        assert answer["op"] == "error" and needle in answer["message"], (seq, answer)
    await ws.send_json_to({"op": "ack", "stream": "unit.99999", "seq": 1})
    assert (await receive(ws))["op"] == "error"
    assert await db(stream_acked)(user_id=demo.sara.pk, stream=stream) == 0
    await ws.disconnect()


async def test_the_stored_ack_only_ever_rises(demo, tokens):
    stream = f"unit.{demo.amb1010.pk}"
    ws = await connected(tokens["sara"])
    await subscribed(ws, stream)
    for _ in range(3):
        await db(event_publish)(stream=stream, type="crew.joined", data={})
    seqs = [(await next_event(ws, "crew.joined"))["seq"] for _ in range(3)]
    for seq in (seqs[1], seqs[0], seqs[2], seqs[1]):
        await ws.send_json_to({"op": "ack", "stream": stream, "seq": seq})
        assert (await receive(ws))["op"] == "acked"
    assert await db(stream_acked)(user_id=demo.sara.pk, stream=stream) == seqs[2]
    assert await db(stream_acked)(user_id=demo.maria.pk, stream=stream) == 0
    await ws.disconnect()
