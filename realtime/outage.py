"""The channel layer's outages, as the sockets of one server process live through them.

The channel layer (Redis) only carries events; the event log in the database holds every one
of them. When a socket's call to the layer fails, the sockets of the process stay open and go
*offline*: this process's one watch then, every POLL_SECONDS, reads the heads of the streams
they follow (one query for all of them), wakes the sockets that are behind so that they read
the event log, and asks the layer whether it answers again. When it does, every offline
socket is woken to rejoin its groups and read the log once more; from then on events come
through the layer again, and sequence numbers drop what was already sent.

One log line when the layer is lost and one when it is back, whatever the number of sockets.
"""

import asyncio
import logging
import weakref

from channels.db import database_sync_to_async

from . import selectors

logger = logging.getLogger(__name__)
POLL_SECONDS = 1.0
PROBE_GROUP = "rt-probe"


class LayerWatch:
    """The sockets of one channel layer on one event loop (a server process)."""

    def __init__(self, layer):
        self.layer = layer
        self.sockets: weakref.WeakSet = weakref.WeakSet()
        self.down = False
        self.task: asyncio.Task | None = None
        self.probe_channel: str | None = None

    def add(self, socket) -> None:
        """A new socket: offline from the start while the layer is down."""
        self.sockets.add(socket)
        if self.down:
            socket.offline = True

    def forget(self, socket) -> None:
        self.sockets.discard(socket)

    def lost(self, error: BaseException) -> None:
        """A socket's call to the layer failed. Every socket of the process goes offline, not
        only the one that noticed: a Redis restarted meanwhile lost the groups of all of them,
        and some may be reading the new server already, joined to nothing."""
        if not self.down:
            self.down = True
            logger.warning("Channel layer unreachable (%s: %s): sockets read the event log "
                           "every %.0f s until it answers", type(error).__name__, error,
                           POLL_SECONDS)
            for socket in list(self.sockets):
                socket.offline = True
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            while self.down:
                await asyncio.sleep(POLL_SECONDS)
                if await self._layer_answers():
                    self.down = False
                    waiting = [socket for socket in self.sockets if socket.offline]
                    logger.warning("Channel layer back: %d sockets rejoin it", len(waiting))
                    for socket in waiting:
                        await socket.wake("rt.rejoin")
                    continue  # down again if a socket's rejoining failed meanwhile
                await self._wake_those_behind()
        finally:
            self.task = None

    async def _layer_answers(self) -> bool:
        try:
            if self.probe_channel is None:
                self.probe_channel = await self.layer.new_channel()
            async with asyncio.timeout(POLL_SECONDS):
                await self.layer.group_discard(PROBE_GROUP, self.probe_channel)
            return True
        except Exception:  # noqa: BLE001 - still down; said once when it was lost
            return False

    async def _wake_those_behind(self) -> None:
        sockets = [socket for socket in self.sockets if socket.offline]
        streams = {stream for socket in sockets for stream in socket.cursors}
        if not streams:
            return
        try:
            heads = await database_sync_to_async(selectors.stream_heads)(streams=streams)
        except Exception as error:  # noqa: BLE001 - the database too: try again next time
            logger.warning("Could not read the stream heads (%s: %s)", type(error).__name__,
                           error)
            return
        for socket in sockets:
            if any(heads.get(stream, 0) > seq for stream, seq in socket.cursors.items()):
                await socket.wake("rt.poll")


_watches: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LayerWatch]" = (
    weakref.WeakKeyDictionary())


def watch_for(layer) -> LayerWatch:
    """This event loop's watch over `layer` (a new one if the layer was replaced)."""
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None or watch.layer is not layer:
        watch = _watches[loop] = LayerWatch(layer)
    return watch
