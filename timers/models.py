"""Stored deadlines (acknowledgement timeouts, escalations, link expiry).

A timer is a row with a due time, so it survives a restart. Whoever fires it (Celery beat in
the production shape, the in-process loop in the embedded one) first claims it with a
conditional UPDATE; a claim that is not completed expires and the timer is tried again.
"""

from django.db import models


class TimerState(models.TextChoices):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Timer(models.Model):
    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=120)
    due_at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=TimerState.choices,
                             default=TimerState.PENDING)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    fired_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(state="pending"),
                name="timer_one_pending_per_key",
            )
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="timer_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} @ {self.due_at:%H:%M:%S} ({self.state})"


class Heartbeat(models.Model):
    """When a part of the timer machinery last ran: `beat` (Celery beat sent its tick, or the
    embedded loop ticked) and `worker` (a worker ran the tick task, or the embedded loop fired).
    /healthz (core.health) turns red when one is older than its limit in settings. Written in
    the database's own time (Now()), so hosts with unsynchronised clocks do not matter."""

    BEAT = "beat"
    WORKER = "worker"

    name = models.CharField(max_length=20, primary_key=True)
    at = models.DateTimeField()
    by = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%H:%M:%S} ({self.by})"
