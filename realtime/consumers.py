"""The one WebSocket endpoint, /ws/stream/.

Client to server (JSON):
    {"op": "subscribe", "stream": "unit.12", "after": 41}   after: last seq seen, or null
    {"op": "unsubscribe", "stream": "unit.12"}
    {"op": "sync"}                                            resend anything missed
    {"op": "ping", "t": <any>}
    {"op": "ack", "stream": "unit.12", "seq": 41}             this device has seen up to 41
Server to client:
    {"op": "event", "event": {...}}        see realtime.schema
    {"op": "subscribed", "stream": ..., "head": N, "replayed": K}
    {"op": "reset", "stream": ..., "head": N}   history is gone: reload the state over HTTP
    {"op": "error", "message": ..., "request": {...}}   the connection stays open
    {"op": "pong", "t": <any>}
    {"op": "acked", "stream": ..., "seq": N}   the ack is stored (no push will wake this user
                                            for events up to N on that stream)
    {"op": "unsubscribed", "stream": ..., "reason": "revoked"}   no longer allowed (left the unit)
    close code 4401                         not signed in, or the session or token has ended
                                            (seen on a ping, when told, and when it expires)

Sequence numbers make the channel layer's silent drops harmless: a gap is filled from the
event log before the next event is passed on. The layer's outages too: a socket whose layer
fails stays open and reads the event log until the layer answers again (realtime.outage).
"""

import asyncio
import json
import logging
import math

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch

from accounts.sessions import session_absolute_end

from . import registry, selectors, services
from .credential import CredentialWatch
from .outage import watch_for
from .schema import (
    InvalidStreamName,
    group_name,
    nesting_depth,
    user_group_name,
    validate_stream_name,
)

logger = logging.getLogger(__name__)
MAX_FRAME = 4096
MAX_STREAMS = 16
MAX_DEPTH = 8  # requests are flat objects; deeper JSON is refused before it is parsed


class StreamConsumer(AsyncWebsocketConsumer):
    session_key = None
    user_group = None
    offline = False  # the channel layer failed: events come from the event log (outage.py)
    waiting_on_layer = False
    signed_out = False  # closed with 4401: nothing more is handled but the disconnect
    gone = False  # the browser closed the socket: nothing more is sent

    async def __call__(self, scope, receive, send):
        """AsyncConsumer.__call__, with a channel-layer receive that lives through the layer's
        outages (_from_layer) instead of ending the socket when Redis goes away."""
        self.scope = scope
        self.cursors: dict[str, int] = {}
        self.wakeups: asyncio.Queue = asyncio.Queue()
        self.credential = CredentialWatch()  # when the socket's token or session ends
        self.pending: set[str] = set()
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.base_send = send
        self.watch = watch_for(self.channel_layer)
        self.watch.add(self)
        try:
            await await_many_dispatch([receive, self._from_layer, self.credential.due],
                                      self.dispatch)
        except StopConsumer:
            pass
        finally:
            self.watch.forget(self)

    async def _from_layer(self) -> dict:
        if self.offline:
            message = await self.wakeups.get()
            self.pending.discard(message["type"])
            return message
        self.waiting_on_layer = True
        try:
            return await self.channel_layer.receive(self.channel_name)
        except Exception as error:  # noqa: BLE001 - Redis is down: read the event log
            self._layer_failed(error)
            return {"type": "rt.poll"}
        finally:
            self.waiting_on_layer = False

    def _layer_failed(self, error: BaseException) -> None:
        self.offline = True
        self.watch.lost(error)

    async def wake(self, kind: str) -> None:
        """From the process's watch: "rt.poll" (the log has news) or "rt.rejoin" (the layer
        answers again)."""
        if kind not in self.pending:
            self.pending.add(kind)
            self.wakeups.put_nowait({"type": kind})
        if kind == "rt.rejoin" and self.waiting_on_layer:
            # Still reading the layer (only a group call failed): tell it there.
            try:
                await self.channel_layer.send(self.channel_name, {"type": "rt.wakeup"})
            except Exception:  # noqa: BLE001 - then the read fails and the queue is read
                pass

    async def _group_add(self, group: str) -> None:
        if self.offline:
            return  # joined when the layer answers again (rt_rejoin)
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception as error:  # noqa: BLE001
            self._layer_failed(error)

    async def _group_discard(self, group: str) -> None:
        if self.offline:
            return  # a layer that lost its data lost the group; one that kept it expires it
        try:
            await self.channel_layer.group_discard(group, self.channel_name)
        except Exception as error:  # noqa: BLE001
            self._layer_failed(error)

    async def rt_wakeup(self, message):
        """Only interrupts a read of the layer; the next read takes the queued wake-up."""

    async def rt_poll(self, message):
        """While the layer is down: the event log may have news for this socket (the watch saw
        a stream move on, or the layer was just lost). Rights are checked before anything is
        sent, since the revocations sent meanwhile were lost with the layer."""
        if self.offline:
            await self._read_log(checked=False)

    async def _read_log(self, *, checked: bool) -> None:
        """Send what the event log holds past the cursors of the streams that moved on (one
        query for their heads); `checked`: the rights were just re-checked."""
        if not self.cursors:
            return
        heads = await database_sync_to_async(selectors.stream_heads)(streams=self.cursors)
        behind = [stream for stream, seq in self.cursors.items() if heads.get(stream, 0) > seq]
        if not behind or (not checked and not await self._revalidate()):
            return
        for stream in behind:
            if stream in self.cursors:
                await self._catch_up(stream)

    async def rt_rejoin(self, message):
        """The layer answers again: join the groups, then read the log once more for what was
        published before they were joined (later events come twice; seq drops the second)."""
        if not self.offline:
            return
        self.offline = False
        await self._group_add(self.user_group)
        for stream in list(self.cursors):
            await self._group_add(group_name(stream))
        if self.offline:
            return  # down again; the watch has it
        if await self._revalidate():
            await self._read_log(checked=True)

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        token_expires = self.scope.get("api_token_expires_at")
        if token_expires is not None:
            self.credential.until(token_expires)
        elif self.session_key is not None:
            self.credential.until(await database_sync_to_async(session_absolute_end)(
                user=user, session=session))
        self.user_group = user_group_name(user.pk)
        await self._group_add(self.user_group)
        await self.accept()

    async def disconnect(self, code):
        for stream in list(self.cursors):
            await self._group_discard(group_name(stream))
        if self.user_group:
            await self._group_discard(self.user_group)

    async def rt_revalidate(self, message):
        """The user's rights changed (left a unit, signed out): drop what is no longer allowed.
        A sign-out names the session it ended (its hash): the revalidation is sent before
        Django deletes the session, so the socket of that session cannot wait to see it gone."""
        ended = message.get("ended_session")
        if ended and self.session_key and services.session_digest(self.session_key) == ended:
            await self._sign_out()
            return
        await self._revalidate()

    async def _revalidate(self) -> bool:
        """Close the socket if its session has ended, drop the streams no longer allowed;
        False when the socket was closed."""
        if not await self._still_signed_in():
            await self._sign_out()
            return False
        for stream in list(self.cursors):
            if not await database_sync_to_async(registry.may_subscribe)(
                self.scope["user"], stream
            ):
                del self.cursors[stream]
                await self._group_discard(group_name(stream))
                await self._send({"op": "unsubscribed", "stream": stream, "reason": "revoked"})
        return True

    async def _sign_out(self) -> None:
        self.cursors.clear()  # nothing more is sent, whatever is still queued for the socket
        self.signed_out = True
        self.credential.until(math.inf)
        await self.close(code=4401)

    async def _still_signed_in(self) -> bool:
        """Asks the credential again, and learns when it ends."""
        ends = await database_sync_to_async(registry.signed_in_until)(
            self.scope["user"], self.session_key, self.scope.get("api_token_id")
        )
        if ends is None:
            return False
        self.credential.until(ends)
        return True

    async def rt_due(self, message):
        """The credential's end is past: dispatch has checked it (and closed the socket)."""

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None or len(text_data) > MAX_FRAME:
            await self._error("Send JSON text frames of at most 4 kB.", None)
            return
        if (text_data.count("[") + text_data.count("{") > MAX_DEPTH
                and nesting_depth(text_data) > MAX_DEPTH):
            await self._error("The frame nests too deeply.", None)
            return
        try:
            request = json.loads(text_data)
        except ValueError:
            await self._error("The frame is not JSON.", None)
            return
        if not isinstance(request, dict) or not isinstance(request.get("op"), str):
            await self._error('A request is a JSON object with an "op".', None)
            return
        handler = getattr(self, f"op_{request['op']}", None)
        if handler is None:
            await self._error(
                "Unknown op. Use subscribe, unsubscribe, sync, ack or ping.", request
            )
            return
        try:
            await handler(request)
        except Exception:
            logger.exception("Stream request failed: %r", request)
            await self._error("The request failed; try again.", request)

    async def op_ping(self, request):
        # Clients ping every half minute or so: the moment to notice an ended session.
        if not await self._still_signed_in():
            await self._sign_out()
            return
        await self._send({"op": "pong", "t": request.get("t")})

    async def op_subscribe(self, request):
        stream = request.get("stream")
        after = request.get("after")
        try:
            validate_stream_name(stream)
        except InvalidStreamName:
            await self._error("Not a stream name.", request)
            return
        if after is not None and (isinstance(after, bool) or not isinstance(after, int)
                                  or after < 0):
            await self._error('"after" is the last sequence number seen, or null.', request)
            return
        if stream not in self.cursors and len(self.cursors) >= MAX_STREAMS:
            await self._error("Too many streams on one socket.", request)
            return
        if not await database_sync_to_async(registry.may_subscribe)(self.scope["user"], stream):
            await self._error("You may not follow this stream.", request)
            return
        await self._group_add(group_name(stream))
        head = await database_sync_to_async(selectors.stream_head)(stream=stream)
        if after is None or after > head:
            self.cursors[stream] = head
            replayed = 0
            if after is not None:
                await self._send({"op": "reset", "stream": stream, "head": head})
        else:
            self.cursors[stream] = after
            replayed = await self._catch_up(stream)
        await self._send(
            {"op": "subscribed", "stream": stream, "head": self.cursors[stream],
             "replayed": replayed}
        )

    async def op_ack(self, request):
        """The device has seen the stream up to `seq`: stored per user and stream, so that
        whoever would wake the user for those events (Web Push, SMS) knows not to."""
        stream, seq = request.get("stream"), request.get("seq")
        if stream not in self.cursors:
            await self._error("Subscribe to the stream before acknowledging it.", request)
            return
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            await self._error('"seq" is the last sequence number seen.', request)
            return
        if seq > self.cursors[stream]:
            await self._error("That sequence number was not sent on this socket.", request)
            return
        await database_sync_to_async(services.stream_ack)(
            user_id=self.scope["user"].pk, stream=stream, seq=seq
        )
        await self._send({"op": "acked", "stream": stream, "seq": seq})

    async def op_unsubscribe(self, request):
        stream = request.get("stream")
        if stream in self.cursors:
            del self.cursors[stream]
            await self._group_discard(group_name(stream))
        await self._send({"op": "unsubscribed", "stream": stream})

    async def op_sync(self, request):
        total = 0
        for stream in list(self.cursors):
            total += await self._catch_up(stream)
        await self._send({"op": "synced", "replayed": total,
                          "heads": dict(self.cursors)})

    async def dispatch(self, message):
        # A socket past its credential's end (the watch may not have woken it yet) checks it
        # before anything else; a signed-out one handles nothing but its disconnect.
        if message["type"] != "websocket.disconnect" and (
                self.signed_out
                or (self.credential.past() and not await self._revalidate())):
            return
        # Hot path: one event fanned out to every socket of a group. Channels' dispatch first
        # runs close_old_connections() through the process's one sync thread: a thread hop
        # per socket per event, which serialises a fan-out (measured: bench/). rt_event uses
        # the database only to fill a gap, and database_sync_to_async closes old connections
        # there itself.
        if message["type"] == "rt.event":
            await self.rt_event(message)
        else:
            await super().dispatch(message)

    async def rt_event(self, message):
        event = message["event"]
        stream = event["stream"]
        last = self.cursors.get(stream)
        if last is None or event["seq"] <= last:
            return
        if event["seq"] > last + 1:
            await self._catch_up(stream)
            if event["seq"] <= self.cursors[stream]:
                return
        self.cursors[stream] = event["seq"]
        await self._send(message.get("text") or {"op": "event", "event": event})

    async def _catch_up(self, stream: str) -> int:
        after = self.cursors[stream]
        complete = await database_sync_to_async(selectors.replay_is_complete)(
            stream=stream, after=after
        )
        if not complete:
            head = await database_sync_to_async(selectors.stream_head)(stream=stream)
            self.cursors[stream] = head
            await self._send({"op": "reset", "stream": stream, "head": head})
            return 0
        sent = 0
        while True:
            events = await database_sync_to_async(selectors.events_after)(
                stream=stream, after=self.cursors[stream]
            )
            for event in events:
                await self._send({"op": "event", "event": event})
                self.cursors[stream] = event["seq"]
                sent += 1
            if len(events) < selectors.REPLAY_LIMIT:
                return sent

    async def _error(self, message: str, request):
        await self._send({"op": "error", "message": message, "request": request})

    async def _send(self, payload: dict | str):
        """A browser gone mid-request (navigated on while a subscribe was answered) is normal:
        the server refuses the send (an OSError: ClientDisconnected), its disconnect follows."""
        if not self.gone:
            try:
                await self.send(text_data=payload if isinstance(payload, str)
                                else json.dumps(payload))
            except OSError:
                self.gone = True
                logger.info("Socket closed by the browser (user %s).", self.scope["user"].pk)
