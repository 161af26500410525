"""realtime.layers: a batch of group sends on Redis in two round trips, delivering what
channels-redis's own group_send delivers. A Redis server of the test's own, in both shapes."""

import asyncio
import collections

import pytest

from realtime.layers import RedisChannelLayer
from tests.live import RedisServer


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
    return asyncio.run(asyncio.wait_for(coroutine, 120))


def counted(call, counter: collections.Counter, name: str):
    async def counting(*args, **kwargs):
        counter[name] += 1
        return await call(*args, **kwargs)
    return counting


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
        real_eval, real_pipeline = connection.eval, connection.pipeline

        async def eval(*args, **kwargs):
            calls.append("eval")
            return await real_eval(*args, **kwargs)

        def pipeline(*args, **kwargs):
            calls.append("pipeline")
            return real_pipeline(*args, **kwargs)

        connection.eval, connection.pipeline = eval, pipeline
        await layer.group_send_many([(f"rt.responder.{i}", {"type": "rt.event", "n": i})
                                     for i in range(20)])
        connection.eval, connection.pipeline = real_eval, real_pipeline  # receive's own
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
    reads = collections.Counter()

    async def scenario():
        channels = [await layer.new_channel() for _ in range(20)]
        for i, channel in enumerate(channels):
            await layer.group_add(f"rt.responder.{i}", channel)
        await layer.group_send_many([(f"rt.responder.{i}", {"type": "rt.event", "n": i})
                                     for i in range(20)])
        connection = layer.connection(0)
        for name in ("bzpopmin", "zpopmin"):
            setattr(connection, name, counted(getattr(connection, name), reads, name))
        return [m["n"] for m in await asyncio.gather(*(layer.receive(c) for c in channels))]

    assert run(closing(layer, scenario())) == list(range(20))
    assert reads["zpopmin"] == 1 and reads["bzpopmin"] <= 2, reads


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

    async def scenario():
        channels = [await layer.new_channel() for _ in range(3)]
        waiting = [asyncio.ensure_future(layer.receive(c)) for c in channels]
        await asyncio.sleep(0)
        server.stop(kill=True)
        failed = await asyncio.gather(*waiting, return_exceptions=True)
        server.start()
        await layer.group_add("rt.unit.1", channels[0])
        await layer.group_send_many([("rt.unit.1", {"type": "rt.event", "n": 1})])
        return failed, await layer.receive(channels[0])

    try:
        failed, later = run(closing(layer, scenario()))
    finally:
        server.stop(kill=True)
    assert all(isinstance(error, Exception) for error in failed), failed
    assert later["n"] == 1
