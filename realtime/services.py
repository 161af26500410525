"""Publishing: persist the event in the caller's transaction, send it after commit."""

import asyncio
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Sequence

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from timers.models import Timer

from . import registry
from .loops import layer_run
from .models import Event, Stream, StreamAck
from .schema import SCHEMA_VERSION, group_name, user_group_name, validate_stream_name, wire

logger = logging.getLogger(__name__)


def _next_seq(stream: str) -> int:
    # The UPDATE locks the stream's row until commit, so sequence order is commit order.
    # One statement (UPDATE ... RETURNING; PostgreSQL, SQLite >= 3.35) instead of two.
    connection = transaction.get_connection()
    table = connection.ops.quote_name(Stream._meta.db_table)
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_seq = last_seq + 1 WHERE name = %s RETURNING last_seq",
                [stream],
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        try:
            with transaction.atomic():
                Stream.objects.create(name=stream, last_seq=1)
            return 1
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not allocate a sequence number on {stream}")


def _reserve_seqs(counts: dict[str, int]) -> dict[str, int]:
    """Reserve counts[stream] numbers on each stream in one statement; returns the last one
    reserved per stream. On PostgreSQL the rows are locked in name order inside that
    statement (a sub-select FOR UPDATE ... ORDER BY name), so two batches over the same
    streams cannot deadlock; SQLite has one writer at a time. Only the named streams' rows
    are locked: unrelated streams never wait for each other."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(Stream._meta.db_table)
    last: dict[str, int] = {}
    for _ in range(3):
        pending = sorted(name for name in counts if name not in last)
        if not pending:
            return last
        marks = ", ".join(["%s"] * len(pending))
        step = " ".join(f"WHEN %s THEN {int(counts[name])}" for name in pending)
        with connection.cursor() as cursor:
            if connection.features.has_select_for_update:
                cursor.execute(
                    f"UPDATE {table} SET last_seq = {table}.last_seq + CASE {table}.name {step} "
                    f"END FROM (SELECT id FROM {table} WHERE name IN ({marks}) ORDER BY name "
                    f"FOR UPDATE) AS locked WHERE {table}.id = locked.id "
                    f"RETURNING {table}.name, {table}.last_seq",
                    [*pending, *pending],
                )
            else:
                cursor.execute(
                    f"UPDATE {table} SET last_seq = last_seq + CASE name {step} END "
                    f"WHERE name IN ({marks}) RETURNING name, last_seq",
                    [*pending, *pending],
                )
            last.update(cursor.fetchall())
        missing = [name for name in pending if name not in last]
        if missing:
            # New streams (a responder's first alert): created at 0, reserved on the next pass.
            Stream.objects.bulk_create([Stream(name=name, last_seq=0) for name in missing],
                                       ignore_conflicts=True)
    if len(last) < len(counts):
        raise RuntimeError("Could not allocate sequence numbers")
    return last


def events_publish(*, events: Sequence[tuple[str, str, dict]],
                   timers: Sequence[Timer] = ()) -> list[dict]:
    """Store several events (stream, type, data) at once and send them after commit: a wave
    of alerts to twenty responders' streams costs three statements instead of forty, and
    leaves in one hop. Events on one stream keep their order. `timers`: new timers of the
    publisher's (unsaved, keys new in this transaction, e.g. a new assignment's
    acknowledgement deadline), inserted with the events' wake-ups in one statement."""
    if not events:
        Timer.objects.bulk_create(list(timers))
        return []
    for stream, _type, _data in events:
        validate_stream_name(stream)
    with transaction.atomic(savepoint=False):
        counts = Counter(stream for stream, _type, _data in events)
        last = _reserve_seqs(counts)
        next_seq = {stream: last[stream] - counts[stream] + 1 for stream in counts}
        now = timezone.now()
        at = now.isoformat()
        rows, messages = [], []
        for stream, type_, data in events:
            seq = next_seq[stream]
            next_seq[stream] += 1
            rows.append(Event(stream=stream, seq=seq, type=type_, version=SCHEMA_VERSION,
                              data=data, created_at=now))
            messages.append(wire(stream=stream, seq=seq, type=type_, at=at, data=data,
                                 version=SCHEMA_VERSION))
        Event.objects.bulk_create(rows)
        transaction.on_commit(lambda: _send_many(messages))
        wakeups = registry.notify_many(messages)
        if timers or wakeups:
            Timer.objects.bulk_create([*timers, *wakeups])
    return messages


def event_publish(*, stream: str, type: str, data: dict) -> dict:
    """Store an event on `stream` and send it to the stream's sockets once the transaction
    commits. Returns the event as it goes on the wire."""
    validate_stream_name(stream)
    # No savepoint inside the caller's transaction (two statements fewer per event): if this
    # fails, the caller's transaction fails with it.
    with transaction.atomic(savepoint=False):
        seq = _next_seq(stream)
        now = timezone.now()
        Event.objects.create(
            stream=stream, seq=seq, type=type, version=SCHEMA_VERSION, data=data, created_at=now
        )
        message = wire(
            stream=stream, seq=seq, type=type, at=now.isoformat(), data=data,
            version=SCHEMA_VERSION,
        )
        transaction.on_commit(lambda: _send(message))
        # Events that warrant waking people (registered by domain apps) go to the notifiers
        # in this transaction, so a rolled-back event wakes nobody.
        wakeups = registry.notify_many([message])
        if wakeups:
            Timer.objects.bulk_create(wakeups)
    return message


def _layer_message(message: dict) -> dict:
    return {
        "type": "rt.event",
        "event": message,
        # Serialised once here instead of once per socket.
        "text": json.dumps({"op": "event", "event": message}),
    }


def _not_sent(what: str, error: BaseException) -> None:
    # The event is durable: sockets read it from the event log while the layer is down
    # (realtime.outage). One line per event, not a traceback: an outage is expected.
    logger.warning("Could not send %s (%s: %s); sockets read it from the event log", what,
                   type(error).__name__, error)


def _send(message: dict) -> None:
    layer = get_channel_layer()
    try:
        layer_run(layer.group_send, group_name(message["stream"]), _layer_message(message))
    except Exception as error:  # noqa: BLE001
        _not_sent(f"event {message['stream']}#{message['seq']}", error)


def _send_many(messages: list[dict]) -> None:
    """Send a batch in one hop into the event loop: streams in parallel, each stream's
    events in order."""
    if len(messages) == 1:
        _send(messages[0])
        return
    layer = get_channel_layer()
    if hasattr(layer, "group_send_many"):  # realtime.layers: one round trip for them all
        try:
            layer_run(layer.group_send_many,
                      [(group_name(m["stream"]), _layer_message(m)) for m in messages])
        except Exception as error:  # noqa: BLE001
            _not_sent(f"{len(messages)} events", error)
        return
    by_stream: dict[str, list[dict]] = {}
    for message in messages:
        by_stream.setdefault(message["stream"], []).append(message)

    async def send_stream(stream: str, batch: list[dict]) -> None:
        for message in batch:
            try:
                await layer.group_send(group_name(stream), _layer_message(message))
            except Exception as error:  # noqa: BLE001
                _not_sent(f"event {stream}#{message['seq']}", error)

    async def send_all() -> None:
        await asyncio.gather(*(send_stream(s, b) for s, b in by_stream.items()))

    try:
        layer_run(send_all)
    except Exception as error:  # noqa: BLE001
        _not_sent(f"{len(messages)} events", error)


def stream_ack(*, user_id: int, stream: str, seq: int) -> None:
    """Record that a device of the user saw the stream up to `seq`: one upsert that only
    ever raises the stored number (PostgreSQL, SQLite >= 3.24)."""
    validate_stream_name(stream)
    connection = transaction.get_connection()
    table = connection.ops.quote_name(StreamAck._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, stream, seq, acked_at) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (user_id, stream) DO UPDATE SET seq = excluded.seq, "
            f"acked_at = excluded.acked_at WHERE {table}.seq < excluded.seq",
            [user_id, stream, seq, connection.ops.adapt_datetimefield_value(timezone.now())],
        )


def session_digest(session_key: str) -> str:
    """How a sign-out names the session it ends to the sockets (never the key itself)."""
    return hashlib.sha256(session_key.encode()).hexdigest()


def subscriptions_revalidate(*, user_id: int, ended_session: str | None = None) -> None:
    """After commit, make every open socket of the user check again what it may follow (the
    user left a unit, changed role, or signed out) and drop what it no longer may.
    `ended_session`: the key of a session being signed out, whose sockets close at once
    (the session is still in the store when the sign-out signal is sent)."""
    message = {"type": "rt.revalidate"}
    if ended_session:
        message["ended_session"] = session_digest(ended_session)

    def send() -> None:
        try:
            layer_run(get_channel_layer().group_send, user_group_name(user_id), message)
        except Exception as error:  # noqa: BLE001
            # While the layer is down, sockets check rights before every read of the log.
            logger.warning("Could not ask user %s's sockets to revalidate (%s: %s)", user_id,
                           type(error).__name__, error)

    transaction.on_commit(send)


def events_purge(*, older_than_days: int | None = None) -> int:
    days = older_than_days if older_than_days is not None else settings.EVENT_RETENTION_DAYS
    cutoff = timezone.now() - timezone.timedelta(days=days)
    deleted, _ = Event.objects.filter(created_at__lt=cutoff).delete()
    return deleted
