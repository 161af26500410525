"""The panic alarm's events through the real stream consumer (ASGI router, the shape's channel
layer): a console and a crew tablet that were away get every panic.* event they missed when
they resubscribe after the last sequence number they saw."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from bench.sessions import session_cookie
from config.asgi import router
from safety.services.panic import panic_acknowledge, panic_raise

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://testserver")
WAIT = 60  # a bound on waits that end when the message arrives, on a loaded machine


@pytest.fixture(autouse=True)
async def close_worker_connections():
    yield
    await database_sync_to_async(connections.close_all)()


async def subscribe(user, stream, after=None):
    cookie = await database_sync_to_async(session_cookie)(user)
    ws = WebsocketCommunicator(router, "/ws/stream/", headers=[ORIGIN,
                                                              (b"cookie", cookie.encode())])
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok
    await ws.send_json_to({"op": "subscribe", "stream": stream, "after": after})
    replayed = []
    while True:
        message = await ws.receive_json_from(timeout=WAIT)
        if message["op"] == "subscribed":
            return ws, replayed, message
        assert message["op"] == "event", message
        replayed.append(message["event"])


async def test_a_reconnecting_console_and_tablet_get_the_alarms_steps(demo):
    unit_stream = f"unit.{demo.amb1010.pk}"
    console, _, answer = await subscribe(demo.anna, "dispatch")
    console_seen = answer["head"]
    tablet, _, answer = await subscribe(demo.sara, unit_stream)
    tablet_seen = answer["head"]
    await console.disconnect()
    await tablet.disconnect()

    alarm, _ = await database_sync_to_async(panic_raise)(
        user=demo.sara, idempotency_key="stream-panic-0001", latitude=59.61, longitude=16.55)
    await database_sync_to_async(panic_acknowledge)(alarm_id=alarm.pk, by=demo.anna)

    console, replayed, _ = await subscribe(demo.anna, "dispatch", after=console_seen)
    panic = [(e["type"], e["data"]["alarm"]["id"]) for e in replayed
             if e["type"].startswith("panic.")]
    assert panic == [("panic.raised", alarm.pk), ("panic.acknowledged", alarm.pk)]
    tablet, replayed, _ = await subscribe(demo.sara, unit_stream, after=tablet_seen)
    panic = [e for e in replayed if e["type"].startswith("panic.")]
    assert [e["type"] for e in panic] == ["panic.raised", "panic.acknowledged"]
    assert panic[1]["data"]["alarm"]["acknowledged_by_name"] == str(demo.anna)
    await console.disconnect()
    await tablet.disconnect()
