"""Health check for operators and load balancers: database, channel layer, timer backlog."""

import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from timers.models import Timer, TimerState

# A pending timer this late means no worker is firing timers (beat or the in-process loop).
TIMER_LAG_LIMIT_SECONDS = 15


def healthz(request):
    checks: dict[str, object] = {}
    ok = True
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        ok, checks["database"] = False, f"error: {exc.__class__.__name__}"
    try:
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.send)(channel, {"type": "health.ping"})
        async_to_sync(layer.receive)(channel)
        checks["channel_layer"] = "ok"
    except Exception as exc:
        ok, checks["channel_layer"] = False, f"error: {exc.__class__.__name__}"
    try:
        oldest = (
            Timer.objects.filter(state=TimerState.PENDING, due_at__lte=timezone.now())
            .order_by("due_at").values_list("due_at", flat=True).first()
        )
        lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        checks["timer_lag_seconds"] = round(lag, 1)
        if lag > TIMER_LAG_LIMIT_SECONDS:
            ok = False
    except Exception as exc:
        ok, checks["timers"] = False, f"error: {exc.__class__.__name__}"
    checks["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)
