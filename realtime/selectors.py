from .models import Event, Stream, StreamAck
from .schema import wire

REPLAY_LIMIT = 500


def stream_head(*, stream: str) -> int:
    return Stream.objects.filter(name=stream).values_list("last_seq", flat=True).first() or 0


def stream_heads(*, streams) -> dict[str, int]:
    """The last sequence number of each stream (absent: nothing published yet), in one query:
    what a process's offline sockets poll while the channel layer is down."""
    return dict(Stream.objects.filter(name__in=list(streams)).values_list("name", "last_seq"))


def events_after(*, stream: str, after: int, limit: int = REPLAY_LIMIT) -> list[dict]:
    rows = Event.objects.filter(stream=stream, seq__gt=after).order_by("seq")[:limit]
    return [
        wire(
            stream=e.stream, seq=e.seq, type=e.type, at=e.created_at.isoformat(), data=e.data,
            version=e.version,
        )
        for e in rows
    ]


def replay_is_complete(*, stream: str, after: int) -> bool:
    """False when events after `after` were purged: the client must reload its state."""
    first = (
        Event.objects.filter(stream=stream, seq__gt=after)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    head = stream_head(stream=stream)
    if head <= after:
        return True
    return first == after + 1


def stream_acked(*, user_id: int, stream: str) -> int:
    """The highest sequence number the user's devices acknowledged on the stream (0: none)."""
    return (
        StreamAck.objects.filter(user_id=user_id, stream=stream)
        .values_list("seq", flat=True)
        .first()
        or 0
    )
