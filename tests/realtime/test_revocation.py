"""Sockets lose what their user may no longer follow, and close when the session ends."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from crews.services import crew_leave

from .test_consumers import (
    WAIT,
    communicator,
    connected,
    publish,
    receive,
    still_open,
    subscribe,
    tokens,  # noqa: F401
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_crew_member_who_leaves_the_unit_stops_getting_its_events(demo, tokens):  # noqa: F811
    stream = f"unit.{demo.amb1010.pk}"
    ws = await connected(tokens["sara"])
    _, answer = await subscribe(ws, stream)
    assert answer["op"] == "subscribed"

    await database_sync_to_async(crew_leave)(user=demo.sara)

    left = await receive(ws)
    assert left["event"]["type"] == "crew.left"  # her own leaving, the last she sees
    assert await receive(ws) == {"op": "unsubscribed", "stream": stream, "reason": "revoked"}
    await publish(stream=stream, type="assignment.created", data={"id": 1})
    await still_open(ws)  # the pong comes, and no event before it
    await ws.disconnect()


async def test_a_member_who_stays_keeps_the_stream_when_another_leaves(demo, tokens):  # noqa: F811
    from crews.services import crew_join

    await database_sync_to_async(crew_join)(user=demo.maria, unit=demo.amb1010)
    stream = f"unit.{demo.amb1010.pk}"
    ws = await connected(tokens["sara"])
    await subscribe(ws, stream)

    await database_sync_to_async(crew_leave)(user=demo.maria)

    event = await receive(ws)
    assert event["op"] == "event" and event["event"]["type"] == "crew.left"
    await still_open(ws)
    await ws.disconnect()


async def test_signing_out_closes_the_browsers_socket(demo):
    client = Client()
    await database_sync_to_async(client.force_login)(demo.sara)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    ws = communicator(None, extra=[(b"cookie", cookie)])
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok

    await database_sync_to_async(client.logout)()

    output = await ws.receive_output(timeout=WAIT)
    assert output == {"type": "websocket.close", "code": 4401}


async def test_an_integration_without_origin_connects_with_its_token(tokens):  # noqa: F811
    ws = communicator(tokens["anna"], origin=None)
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok
    _, answer = await subscribe(ws, "dispatch")
    assert answer["op"] == "subscribed"
    await ws.disconnect()


async def test_without_origin_a_socket_still_needs_credentials(demo):
    ws = communicator(None, origin=None)
    ok, code = await ws.connect(timeout=WAIT)
    assert (ok, code) == (False, 4401)
