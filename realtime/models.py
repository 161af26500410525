"""The event log: every event is stored here before it is sent.

A stream is one recipient's ordered feed (a unit's tablets, the dispatchers, one user).
Its sequence numbers have no gaps, so a client that reconnects says the last one it saw and
gets exactly what it missed.
"""

from django.conf import settings
from django.db import models


class Stream(models.Model):
    name = models.CharField(max_length=90, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.last_seq}"


class Event(models.Model):
    stream = models.CharField(max_length=90)
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="event_stream_seq_unique")
        ]
        ordering = ["stream", "seq"]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.type}"


class StreamAck(models.Model):
    """The highest sequence number a user's device said (op "ack") it has seen on a stream.
    Whoever wakes people for an event (push) asks this first."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stream_acks"
    )
    stream = models.CharField(max_length=90)
    seq = models.PositiveBigIntegerField(default=0)
    acked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "stream"], name="streamack_user_stream")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.stream}#{self.seq}"
