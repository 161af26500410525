"""Reads of the timer machinery's state, for /healthz."""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models.functions import Now

from .models import Heartbeat


def heartbeat_limits() -> dict[str, float]:
    """Seconds after which a missing heartbeat makes /healthz red (settings HEALTH_*)."""
    return {Heartbeat.BEAT: settings.HEALTH_BEAT_MAX_AGE_SECONDS,
            Heartbeat.WORKER: settings.HEALTH_WORKER_MAX_AGE_SECONDS}


@dataclass(frozen=True)
class HeartbeatState:
    name: str
    age_seconds: float | None  # None: never recorded
    limit_seconds: float

    @property
    def ok(self) -> bool:
        return self.age_seconds is not None and self.age_seconds <= self.limit_seconds

    @property
    def summary(self) -> str:
        if self.age_seconds is None:
            return "never"
        if self.ok:
            return "ok"
        # Rounded up: a heartbeat just past its limit reads as past it, never as equal.
        return f"late: {math.ceil(self.age_seconds)} s (limit {self.limit_seconds:g} s)"


def heartbeat_states() -> list[HeartbeatState]:
    """Each heartbeat's age, by the database's clock (the one that wrote it)."""
    ages = {name: (now - at).total_seconds()
            for name, at, now in Heartbeat.objects.annotate(now=Now())
            .values_list("name", "at", "now")}
    return [HeartbeatState(name, None if ages.get(name) is None else max(ages[name], 0.0), limit)
            for name, limit in heartbeat_limits().items()]
