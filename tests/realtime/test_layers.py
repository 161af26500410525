"""realtime.layers: a batch of group sends on Redis in two round trips, delivering what
channels-redis's own group_send delivers. A Redis server of the test's own, in both shapes."""

import asyncio

import pytest
import redis

from realtime.layers import LayerClosed, ProcessInbox, RedisChannelLayer
from realtime.loops import loop_thread_start
from tests.live import (
    GENEROUS_S,
    RedisServer,
    loop_end,
    wait_until,
    wait_until_async,
)


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop(kill=True)


@pytest.fixture
def layer(redis_server):
    return RedisChannelLayer(hosts=[redis_server.url()], capacity=100, expiry=60)


@pytest.fixture
def other_process(redis_server):
    """A second server process's layer: its sockets' messages have a queue of their own."""
    return RedisChannelLayer(hosts=[redis_server.url()], capacity=100, expiry=60)


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, GENEROUS_S))


def recording(connection, *names: str, calls: list) -> None:
    """Record in `calls` each call of the connection's `names` (sync or async) from now on;
    forget_recording() ends it."""
    def recorded(name, call):
        def record(*args, **kwargs):
            calls.append(name)
            return call(*args, **kwargs)
        return record

    for name in names:
        setattr(connection, name, recorded(name, getattr(connection, name)))


def forget_recording(connection, *names: str) -> None:
    for name in names:
        delattr(connection, name)  # the class's own method again


async def closing(layer, coroutine, *others):
    try:
        return await coroutine
    finally:
        for each in (layer, *others):
            await each.flush()


def test_every_socket_of_every_group_gets_its_messages_in_order(layer, other_process):
    """Two sockets of one process (one Redis queue) in two groups, a socket of another process
    in a third: each gets its own groups' messages, in the order sent."""

    async def scenario():
        a, b = await layer.new_channel(), await layer.new_channel()
        c = await other_process.new_channel()
        await layer.group_add("rt.unit.1", a)
        await layer.group_add("rt.unit.2", b)
        await layer.group_add("rt.responder.7", c)
        sends = [("rt.unit.1", {"type": "rt.event", "n": 1}),
                 ("rt.unit.2", {"type": "rt.event", "n": 2}),
                 ("rt.unit.1", {"type": "rt.event", "n": 3}),
                 ("rt.responder.7", {"type": "rt.event", "n": 4}),
                 ("rt.nobody", {"type": "rt.event", "n": 5})]
        assert await layer.group_send_many(sends) == 0
        got = {name: [] for name in (a, b, c)}
        for receiver, name, count in ((layer, a, 2), (layer, b, 1), (other_process, c, 1)):
            for _ in range(count):
                got[name].append((await receiver.receive(name))["n"])
        return got[a], got[b], got[c]

    assert run(closing(layer, scenario(), other_process)) == ([1, 3], [2], [4])


def test_a_batch_takes_two_round_trips_where_group_send_takes_four_per_group(layer):
    calls = []

    async def scenario():
        channels = [await layer.new_channel() for _ in range(20)]
        for i, channel in enumerate(channels):
            await layer.group_add(f"rt.responder.{i}", channel)
        connection = layer.connection(0)
        recording(connection, "pipeline", "eval", calls=calls)
        await layer.group_send_many([(f"rt.responder.{i}", {"type": "rt.event", "n": i})
                                     for i in range(20)])
        forget_recording(connection, "pipeline", "eval")  # receive's own are not counted
        return [(await layer.receive(channel))["n"] for channel in channels]

    assert run(closing(layer, scenario())) == list(range(20))
    assert calls == ["pipeline", "eval"]


def test_a_full_queue_drops_the_message_as_group_send_does(redis_server):
    """Capacity 3: the fourth and fifth message for one socket are dropped and counted; the
    socket reads the event log for what it missed (realtime.consumers)."""
    layer = RedisChannelLayer(hosts=[redis_server.url()], capacity=3, expiry=60)

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add("rt.unit.1", channel)
        over = await layer.group_send_many(
            [("rt.unit.1", {"type": "rt.event", "n": n}) for n in range(5)])
        got = [(await layer.receive(channel))["n"] for _ in range(3)]
        return over, got

    assert run(closing(layer, scenario())) == (2, [0, 1, 2])


def test_an_empty_batch_sends_nothing(layer):
    assert run(closing(layer, layer.group_send_many([]))) == 0


def test_the_sockets_of_a_process_get_a_wave_in_one_read(layer):
    """Twenty sockets of one process, a message each: one blocking read and one batch, where
    channels-redis reads one message per four round trips, socket after socket."""
    reads = []

    async def scenario():
        channels = [await layer.new_channel() for _ in range(20)]
        for i, channel in enumerate(channels):
            await layer.group_add(f"rt.responder.{i}", channel)
        await layer.group_send_many([(f"rt.responder.{i}", {"type": "rt.event", "n": i})
                                     for i in range(20)])
        recording(layer.connection(0), "bzpopmin", "zpopmin", calls=reads)
        return [m["n"] for m in await asyncio.gather(*(layer.receive(c) for c in channels))]

    assert run(closing(layer, scenario())) == list(range(20))
    assert reads.count("zpopmin") == 1 and reads.count("bzpopmin") <= 2, reads


def test_one_socket_gets_a_long_batch_in_the_order_sent(layer):
    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add("rt.unit.1", channel)
        await layer.group_send_many([("rt.unit.1", {"type": "rt.event", "n": n})
                                     for n in range(50)])
        return [(await layer.receive(channel))["n"] for _ in range(50)]

    assert run(closing(layer, scenario())) == list(range(50))


def test_redis_going_away_fails_every_waiting_receive_and_a_later_one_reads_again():
    """So that every socket of the process goes offline and reads the event log
    (realtime.outage), and rejoins once Redis is back."""
    server = RedisServer().start()
    layer = RedisChannelLayer(hosts=[server.url()], capacity=100, expiry=60)
    watcher = redis.Redis.from_url(server.url())

    async def scenario():
        channels = [await layer.new_channel() for _ in range(3)]
        waiting = [asyncio.ensure_future(layer.receive(c)) for c in channels]
        # The reader is in its blocking read when Redis goes.
        await wait_until_async(lambda: watcher.info("clients")["blocked_clients"] >= 1,
                               what="the reader blocked in its read")
        server.stop(kill=True)
        failed = await asyncio.gather(*waiting, return_exceptions=True)
        server.start()
        await layer.group_add("rt.unit.1", channels[0])
        await layer.group_send_many([("rt.unit.1", {"type": "rt.event", "n": 1})])
        return failed, await layer.receive(channels[0])

    try:
        failed, later = run(closing(layer, scenario()))
    finally:
        watcher.close()
        server.stop(kill=True)
    assert all(isinstance(error, redis.exceptions.ConnectionError) for error in failed), failed
    assert later["n"] == 1


def test_the_reader_stops_when_nobody_listens_and_the_next_receive_starts_another(layer):
    layer.brpop_timeout = 0.2  # the reader looks round (stops when idle, sweeps) each 0.2 s

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add("rt.unit.1", channel)
        await layer.group_send_many([("rt.unit.1", {"type": "rt.event", "n": 1})])
        first = await layer.receive(channel)
        inbox = layer._inboxes[asyncio.get_running_loop()]
        await wait_until_async(lambda: not inbox.reading(), what="the idle reader stopped")
        await layer.group_send_many([("rt.unit.1", {"type": "rt.event", "n": 2})])
        return first["n"], (await layer.receive(channel))["n"]

    assert run(closing(layer, scenario())) == (1, 2)


def test_the_queue_of_a_socket_that_is_gone_is_dropped_after_the_expiry(redis_server):
    """A socket that left without leaving its group (the layer was down at its disconnect)
    is still sent its group's messages: they are not kept for ever."""
    layer = RedisChannelLayer(hosts=[redis_server.url()], capacity=100, expiry=2)
    layer.brpop_timeout = 0.2  # the reader looks round (stops when idle, sweeps) each 0.2 s

    async def scenario():
        gone, alive = await layer.new_channel(), await layer.new_channel()
        listening = asyncio.ensure_future(layer.receive(alive))
        loop = asyncio.get_running_loop()
        inbox = await wait_until_async(lambda: layer._inboxes.get(loop), what="the inbox")
        # A message for a socket that is gone, as the reader delivers it.
        inbox._deliver(layer.serialize({"type": "rt.event", "__asgi_channel__": [gone]}))
        assert gone in inbox.queues
        await wait_until_async(lambda: gone not in inbox.queues, what="the queue dropped")
        still_known = alive in inbox.queues  # a socket waiting all along is never dropped
        listening.cancel()
        return still_known

    assert run(closing(layer, scenario())) is True


async def socket_waiting(layer) -> tuple[str, asyncio.Future, object]:
    """A socket of this process waiting for its next message: its channel, its read and the
    process's inbox (its reader started)."""
    channel = await layer.new_channel()
    receiving = asyncio.ensure_future(layer.receive(channel))
    loop = asyncio.get_running_loop()
    inbox = await wait_until_async(
        lambda: (found := layer._inboxes.get(loop)) and channel in found.waiting and found,
        what="the socket waiting")
    return channel, receiving, inbox


def test_a_cancelled_receive_forgets_its_socket(layer):
    async def scenario():
        channel, receiving, inbox = await socket_waiting(layer)
        # A message arrives as the socket goes: it is dropped with the socket's queue.
        inbox._deliver(layer.serialize({"type": "rt.event", "__asgi_channel__": [channel]}))
        receiving.cancel()
        await asyncio.gather(receiving, return_exceptions=True)
        return channel in inbox.queues

    assert run(closing(layer, scenario())) is False


def test_closing_the_layer_fails_the_receives_still_waiting(layer):
    async def scenario():
        _channel, receiving, inbox = await socket_waiting(layer)
        assert inbox.reading()
        await layer.close_pools()
        return (await asyncio.gather(receiving, return_exceptions=True))[0]

    assert isinstance(run(closing(layer, scenario())), LayerClosed)


def test_two_event_loops_cannot_receive_on_one_layer(layer):
    """As channels-redis: the second loop's reader would take the first one's messages."""
    other = loop_thread_start("another-process")

    async def listen():
        return await layer.receive(await layer.new_channel())

    asyncio.run_coroutine_threadsafe(listen(), other)
    try:
        wait_until(lambda: other in layer._inboxes and layer._inboxes[other].reading(),
                   what="the first loop reading")

        async def second():
            with pytest.raises(RuntimeError, match="Two event loops"):
                await layer.receive(await layer.new_channel())

        run(second())
    finally:
        loop_end(other)


def test_a_message_that_cannot_be_read_is_dropped_and_the_next_one_delivered(layer, caplog):
    async def scenario():
        channel = await layer.new_channel()
        inbox = ProcessInbox(layer, layer.non_local_name(channel))
        inbox._deliver(b"\xc1 not msgpack")
        inbox._deliver(layer.serialize({"type": "rt.event", "n": 2,
                                        "__asgi_channel__": [channel]}))
        return inbox.queues[channel].get_nowait()["n"]

    assert run(closing(layer, scenario())) == 2
    assert "could not be read" in caplog.text


def test_a_single_group_send_is_a_batch_of_one_and_keeps_its_place_among_batches(layer):
    calls = []

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add("rt.unit.1", channel)
        connection = layer.connection(0)
        recording(connection, "pipeline", "eval", calls=calls)
        await layer.group_send("rt.unit.1", {"type": "rt.event", "n": 1})
        forget_recording(connection, "pipeline", "eval")
        await layer.group_send_many([("rt.unit.1", {"type": "rt.event", "n": n})
                                     for n in (2, 3)])
        await layer.group_send("rt.unit.1", {"type": "rt.event", "n": 4})
        return [(await layer.receive(channel))["n"] for _ in range(4)]

    assert run(closing(layer, scenario())) == [1, 2, 3, 4]
    assert calls == ["pipeline", "eval"]
