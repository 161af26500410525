"""Health check for operators and load balancers: database, channel layer, timer backlog, and
the heartbeats of beat and a worker (timers.models.Heartbeat). A 503 names what failed."""

import math
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from timers.models import Timer, TimerState
from timers.selectors import heartbeat_states


def healthz(request):
    checks: dict[str, object] = {}
    failing: list[str] = []
    started = time.perf_counter()

    def error(name: str, exc: Exception) -> None:
        checks[name] = f"error: {exc.__class__.__name__}"
        failing.append(name)

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        error("database", exc)
    try:
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.send)(channel, {"type": "health.ping"})
        async_to_sync(layer.receive)(channel)
        checks["channel_layer"] = "ok"
    except Exception as exc:
        error("channel_layer", exc)
    try:
        oldest = (
            Timer.objects.filter(state=TimerState.PENDING, due_at__lte=timezone.now())
            .order_by("due_at").values_list("due_at", flat=True).first()
        )
        lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        checks["timer_lag_seconds"] = round(lag, 1)
        # A pending timer this late: nothing fires timers (beat, a worker or the in-process
        # loop), or they cannot keep up.
        if lag > settings.HEALTH_TIMER_LAG_SECONDS:
            failing.append("timer_lag_seconds")
    except Exception as exc:
        error("timers", exc)
    try:
        # A quiet centre has no timer due, so the lag alone never shows a dead beat or worker.
        for heartbeat in heartbeat_states():
            checks[heartbeat.name] = heartbeat.summary
            checks[f"{heartbeat.name}_age_seconds"] = (
                # Rounded up: a late heartbeat's age reads as past its limit, never as equal.
                None if heartbeat.age_seconds is None
                else math.ceil(heartbeat.age_seconds * 10) / 10)
            if not heartbeat.ok:
                failing.append(heartbeat.name)
    except Exception as exc:
        error("heartbeats", exc)
    checks["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    ok = not failing
    return JsonResponse({"ok": ok, "failing": failing, **checks}, status=200 if ok else 503)
