"""Sockets through a channel-layer outage (realtime.outage), in process: a layer that goes
down like Redis (every call fails, reads in progress fail, and it comes back with no groups)
while the database, and so the event log, stays up. The same in a real Redis outage across
two server processes: tests/cluster/test_stream_outage.py."""

import asyncio
import logging

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer

from crews.services import crew_leave

from .test_consumers import (
    WAIT,
    communicator,
    connected,
    head_of,
    publish,
    receive,
    still_open,
    subscribe,
    tokens,  # noqa: F401
)

pytestmark = pytest.mark.django_db(transaction=True)


class FlakyLayer:
    """An in-memory channel layer that can fail like Redis."""

    def __init__(self):
        self.inner = InMemoryChannelLayer()
        self.is_down = False
        self.interrupts: dict[str, asyncio.Event] = {}

    def _check(self):
        if self.is_down:
            raise ConnectionError("Error 111 connecting to the layer. Connection refused.")

    def down(self):
        self.is_down = True
        for event in self.interrupts.values():
            event.set()

    def up(self):
        """Back, as a restarted Redis: empty."""
        self.inner.groups.clear()
        self.is_down = False

    def restart(self, *, noticed_by: str):
        """Restarted at once: the groups are gone, and only `noticed_by`'s read failed."""
        self.inner.groups.clear()
        self.interrupts.setdefault(noticed_by, asyncio.Event()).set()

    async def new_channel(self, prefix="specific."):
        return await self.inner.new_channel(prefix)

    async def receive(self, channel):
        self._check()
        interrupt = self.interrupts[channel] = asyncio.Event()
        read = asyncio.ensure_future(self.inner.receive(channel))
        broken = asyncio.ensure_future(interrupt.wait())
        try:
            done, _ = await asyncio.wait({read, broken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            broken.cancel()
        if read in done:
            return read.result()
        read.cancel()
        raise ConnectionError("Connection closed by server.")

    async def send(self, channel, message):
        self._check()
        await self.inner.send(channel, message)

    async def group_add(self, group, channel):
        self._check()
        await self.inner.group_add(group, channel)

    async def group_discard(self, group, channel):
        self._check()
        await self.inner.group_discard(group, channel)

    async def group_send(self, group, message):
        self._check()
        await self.inner.group_send(group, message)


@pytest.fixture
def layer(monkeypatch):
    flaky = FlakyLayer()
    monkeypatch.setattr("realtime.consumers.get_channel_layer", lambda alias=None: flaky)
    monkeypatch.setattr("channels.consumer.get_channel_layer", lambda alias=None: flaky)
    monkeypatch.setattr("realtime.services.get_channel_layer", lambda: flaky)
    monkeypatch.setattr("realtime.outage.POLL_SECONDS", 0.2)
    return flaky


async def events(ws, n):
    got = [await receive(ws) for _ in range(n)]
    assert all(m["op"] == "event" for m in got), got
    return [m["event"] for m in got]


async def test_sockets_live_through_an_outage_on_the_event_log(layer, tokens, demo, caplog):  # noqa: F811
    stream = f"unit.{demo.amb1010.pk}"
    crew = await connected(tokens["sara"])
    console = await connected(tokens["anna"])
    _, answer = await subscribe(crew, stream)
    await subscribe(console, "dispatch")
    head = answer["head"]
    caplog.set_level(logging.WARNING)

    layer.down()
    for i in range(3):
        await publish(stream=stream, type="assignment.created", data={"id": i})
    got = await events(crew, 3)
    assert [e["seq"] for e in got] == [head + 1, head + 2, head + 3]
    await still_open(crew)
    await publish(stream="dispatch", type="case.created", data={"id": 7})
    assert (await events(console, 1))[0]["data"] == {"id": 7}

    layer.up()
    # Back on the layer: the next events come once each, in order, live.
    async with asyncio.timeout(WAIT):
        while not layer.inner.groups.get(f"rt.{stream}"):
            await asyncio.sleep(0.05)
    await publish(stream=stream, type="assignment.created", data={"id": 3})
    got = await events(crew, 1)
    assert got[0]["seq"] == head + 4
    await still_open(crew)  # nothing twice: the pong is next
    unreachable = [r for r in caplog.records if "Channel layer unreachable" in r.message]
    back = [r for r in caplog.records if "Channel layer back" in r.message]
    assert len(unreachable) == len(back) == 1, caplog.text
    assert not any(r.exc_info for r in caplog.records), caplog.text
    await crew.disconnect()
    await console.disconnect()


async def test_a_socket_opened_while_the_layer_is_down_gets_in_and_catches_up(
        layer, tokens, demo):  # noqa: F811
    stream = f"unit.{demo.amb1010.pk}"
    before = await head_of(stream)
    layer.down()
    await publish(stream=stream, type="assignment.created", data={"id": 1})
    crew = await connected(tokens["sara"])
    replayed, answer = await subscribe(crew, stream, after=before)
    assert [m["event"]["seq"] for m in replayed] == [before + 1]
    assert answer["head"] == before + 1
    await publish(stream=stream, type="assignment.created", data={"id": 2})
    assert [e["seq"] for e in await events(crew, 1)] == [before + 2]

    layer.up()
    async with asyncio.timeout(WAIT):
        while not layer.inner.groups.get(f"rt.{stream}"):
            await asyncio.sleep(0.05)
    await publish(stream=stream, type="assignment.created", data={"id": 3})
    assert [e["seq"] for e in await events(crew, 1)] == [before + 3]
    await crew.disconnect()


async def test_rights_are_checked_before_the_log_is_read_during_an_outage(layer, tokens, demo):  # noqa: F811
    """A crew member who leaves the unit while the layer is down (the revocation is lost with
    it) gets none of the unit's events from the log."""
    stream = f"unit.{demo.amb1010.pk}"
    crew = await connected(tokens["sara"])
    await subscribe(crew, stream)
    layer.down()
    await database_sync_to_async(crew_leave)(user=demo.sara)
    await publish(stream=stream, type="assignment.created", data={"id": 1})
    assert await receive(crew) == {"op": "unsubscribed", "stream": stream, "reason": "revoked"}
    await still_open(crew)
    await crew.disconnect()


async def test_every_socket_of_the_process_rejoins_after_a_restart_only_one_noticed(
        layer, tokens, demo):  # noqa: F811
    """A Redis restarted at once: the groups are gone, but only the socket whose read was on
    the old connection failed; the others already read the new server, joined to nothing."""
    stream = f"unit.{demo.amb1010.pk}"
    noticed = communicator(tokens["sara"])
    deaf = communicator(tokens["sara"])
    for ws in (noticed, deaf):
        ok, _ = await ws.connect(timeout=WAIT)
        assert ok
        await subscribe(ws, stream)
    head = await head_of(stream)
    channels = sorted(layer.interrupts)
    assert len(channels) == 2
    layer.restart(noticed_by=channels[0])
    async with asyncio.timeout(WAIT):
        while len(layer.inner.groups.get(f"rt.{stream}", {})) < 2:
            await asyncio.sleep(0.05)
    await publish(stream=stream, type="assignment.created", data={"id": 1})
    for ws in (noticed, deaf):
        assert [e["seq"] for e in await events(ws, 1)] == [head + 1]
        await ws.disconnect()

