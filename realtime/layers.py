"""The production shape's channel layer: channels-redis's core layer, with one send for many
groups at once, and one reader for all the sockets of a process.

channels-redis sends to a group in four round trips to Redis (the group's expired members
dropped, its members read, their queues' expired messages dropped, then a script that
queues the message). A wave of IVPA alerts goes to twenty responders' streams, each a group:
eighty round trips, twenty connections at once. `group_send_many` does the same work in two
round trips per Redis server: the members of every group in one pipeline, then one script
that drops what expired and queues every message. What each socket receives, and how
(capacity, expiry, one message per process for all its sockets in a group), is unchanged.

On the receiving side, channels-redis has every socket's receive take a lock in turn and read
one message per four round trips (a clean-up script, BZPOPMIN, a back-up copy and its
removal), with two new tasks per waiting socket for each message: the tenth volunteer of a
wave in one process heard of it some 30 ms after the first. Here one task per process reads
what its sockets are sent, a batch per round trip, and hands each socket its messages."""

import asyncio
import collections
import logging
import time
import weakref

from channels_redis.core import BoundedQueue
from channels_redis.core import RedisChannelLayer as CoreRedisChannelLayer

# KEYS: the channel queues, one per message (a key may repeat: messages to two groups whose
# members share a process). ARGV: each message, each one's capacity, each one's score, then
# the oldest score still wanted and the queues' expiry. A message's score is its time, and a
# queue pops the lowest first: messages of one batch for one queue get rising scores in the
# order given, so that a socket's events keep their order (the core layer's group_send gives
# each message a time of its own).
QUEUE_MANY = """
local n = #KEYS
local oldest = ARGV[3 * n + 1]
local expiry = ARGV[3 * n + 2]
local over_capacity = 0
for i = 1, n do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, oldest)
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[n + i]) then
        redis.call('ZADD', KEYS[i], ARGV[2 * n + i], ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""

# The step between the scores of one queue's messages in a batch: above a double's
# resolution at today's epoch (about 0.24 µs), and ten messages for one process span 10 µs.
SCORE_STEP = 1e-6


# How many more messages the reader takes in the round trip after the one it waited for.
READ_BATCH = 200

logger = logging.getLogger(__name__)


class LayerClosed(ConnectionError):
    """The reader was stopped (the layer flushed or its pools closed) while sockets waited."""


class ProcessInbox:
    """What the sockets of this process (on one event loop) are sent, read by one task while
    any of them waits; each socket's messages in a queue of its own, bounded by the layer's
    capacity as channels-redis bounds it. A read that fails (Redis is down) fails every
    socket's waiting receive, so that each goes offline (realtime.outage); the next receive
    starts a new reader. A queue nobody has read for longer than the layer's expiry belongs to
    a socket that is gone, and is dropped."""

    def __init__(self, layer: "RedisChannelLayer", name: str):
        self.layer, self.name = layer, name  # name: "specific.<this process>!"
        self.key = layer.prefix + name
        # channel -> its messages; a queue's `read_at`: when a receive last asked for it
        self.queues: dict[str, BoundedQueue] = {}
        self.waiting: collections.Counter = collections.Counter()
        self.task: asyncio.Task | None = None
        self.swept_at = time.monotonic()

    def reading(self) -> bool:
        return self.task is not None and not self.task.done()

    def _queue(self, channel: str) -> BoundedQueue:
        queue = self.queues.get(channel)
        if queue is None:
            queue = self.queues[channel] = BoundedQueue(self.layer.capacity)
            queue.read_at = time.monotonic()
        return queue

    async def receive(self, channel: str) -> dict:
        queue = self._queue(channel)
        queue.read_at = time.monotonic()
        if queue.empty() and not self.reading():
            self.task = asyncio.get_running_loop().create_task(self._read())
        self.waiting[channel] += 1
        try:
            item = await queue.get()
        except asyncio.CancelledError:
            # The socket is going away (channels cancels its read at the disconnect).
            if self.waiting[channel] == 1:
                self.queues.pop(channel, None)
            raise
        finally:
            self.waiting[channel] -= 1
            if not self.waiting[channel]:
                del self.waiting[channel]
                if queue.empty() and self.queues.get(channel) is queue:
                    self.queues.pop(channel, None)
        if isinstance(item, BaseException):
            raise item
        return item

    async def _read(self) -> None:
        connection = self.layer.connection(self.layer.consistent_hash(self.name))
        try:
            while True:
                popped = await connection.bzpopmin(self.key, timeout=self.layer.brpop_timeout)
                if popped is None:
                    if not self.waiting:
                        return  # nobody listens any more: the next receive starts a reader
                    self._sweep()
                    continue
                members = [popped[1]]
                try:
                    members += [member for member, _score in
                                await connection.zpopmin(self.key, READ_BATCH)]
                finally:  # what was popped is delivered, even if the batch's read failed
                    for member in members:
                        self._deliver(member)
                self._sweep()
        except Exception as error:  # noqa: BLE001 - each waiting socket hears of it
            self._fail(error)
        finally:
            self.task = None

    def _fail(self, error: BaseException) -> None:
        """Each socket still waiting, with nothing delivered to it meanwhile, gets `error`; one
        that has a message reads it and starts a new reader with its next receive."""
        for channel, count in list(self.waiting.items()):
            queue = self._queue(channel)
            if queue.empty():
                for _ in range(count):
                    queue.put_nowait(error)

    def _deliver(self, member: bytes) -> None:
        try:
            message = self.layer.deserialize(member)
            channels = message.pop("__asgi_channel__", None)
        except Exception:  # noqa: BLE001 - one bad message does not stop the others
            logger.exception("Dropped a message that could not be read from %s", self.key)
            return
        for channel in channels if isinstance(channels, list) else [channels]:
            self._queue(channel).put_nowait(message)

    def _sweep(self) -> None:
        now = time.monotonic()
        if now - self.swept_at < self.layer.expiry / 4:
            return
        self.swept_at = now
        for channel, queue in list(self.queues.items()):
            if channel not in self.waiting and now - queue.read_at > self.layer.expiry:
                self.queues.pop(channel, None)

    async def close(self) -> None:
        task = self.task
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self._fail(LayerClosed(f"{self.key}: the channel layer was closed"))


class RedisChannelLayer(CoreRedisChannelLayer):
    """channels_redis.core.RedisChannelLayer with `group_send_many` and a reader per
    process."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._inboxes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._score_floor = 0.0

    async def receive(self, channel: str) -> dict:
        if "!" not in channel:
            return await super().receive(channel)
        assert self.require_valid_channel_name(channel)
        name = self.non_local_name(channel)
        assert name.endswith(self.client_prefix + "!"), "Wrong client prefix"
        loop = asyncio.get_running_loop()
        if any(other is not loop and inbox.reading() for other, inbox in self._inboxes.items()):
            # As channels-redis: two loops would take each other's messages.
            raise RuntimeError("Two event loops are trying to receive() on one channel layer")
        inbox = self._inboxes.get(loop)
        if inbox is None:
            inbox = self._inboxes[loop] = ProcessInbox(self, name)
        return await inbox.receive(channel)

    async def close_pools(self):
        inbox = self._inboxes.get(asyncio.get_running_loop())
        if inbox is not None:
            await inbox.close()
        await super().close_pools()

    async def group_send(self, group: str, message: dict) -> None:
        """One group send is a batch of one: two round trips instead of four, and its score
        rises with the batches'."""
        await self.group_send_many([(group, message)])

    async def group_send_many(self, sends: list[tuple[str, dict]]) -> int:
        """Send each (group, message) in the order given. Returns how many queues were over
        capacity: their message dropped and logged, as channels-redis's group_send does (those
        sockets read the event log)."""
        if not sends:
            return 0
        now = time.time()
        by_server: dict[int, list[tuple[int, bytes]]] = collections.defaultdict(list)
        for index, (group, _message) in enumerate(sends):
            assert self.require_valid_group_name(group), "Group name not valid"
            by_server[self.consistent_hash(group)].append((index, self._group_key(group)))
        members: dict[int, list[str]] = {}
        for server, keys in by_server.items():
            pipe = self.connection(server).pipeline(transaction=False)
            for _index, key in keys:
                pipe.zremrangebyscore(key, min=0, max=int(now) - self.group_expiry)
                pipe.zrange(key, 0, -1)
            replies = await pipe.execute()
            for (index, _key), names in zip(keys, replies[1::2], strict=True):
                members[index] = [name.decode("utf8") for name in names]
        queued: dict[int, list[tuple[bytes, bytes, int]]] = collections.defaultdict(list)
        for index, (_group, message) in enumerate(sends):
            servers, messages, capacities = self._map_channel_keys_to_connection(
                members[index], message)
            for server, keys in servers.items():
                queued[server].extend((key, messages[key], capacities[key]) for key in keys)
        over = 0
        for server, entries in queued.items():
            keys = [key for key, _message, _capacity in entries]
            # Above every score this process gave before: a large batch's last scores may lie
            # past the next batch's clock.
            base, seen = max(now, self._score_floor), collections.Counter()
            scores = []
            for key in keys:
                scores.append(base + seen[key] * SCORE_STEP)
                seen[key] += 1
            self._score_floor = max(scores) + SCORE_STEP
            over += await self.connection(server).eval(
                QUEUE_MANY, len(keys), *keys,
                *(message for _key, message, _capacity in entries),
                *(capacity for _key, _message, capacity in entries),
                *scores, now - int(self.expiry), int(self.expiry),
            )
        if over:
            logger.info("%s of %s messages over capacity", over, len(sends))
        return over
