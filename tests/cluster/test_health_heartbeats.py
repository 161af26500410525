"""/healthz sees a dead worker and a dead beat (issue 12, item 2), in the production shape.

Before, its only timer check was "a timer more than 15 s overdue", so a quiet centre with no
timer due stayed green with no worker or beat running. Now beat's tick and the worker's tick
task each record a heartbeat (timers.models.Heartbeat), and /healthz is red, naming the part,
once one is older than its limit (here 4 s), and green again when the part runs again. The
product has a Redis of its own (its processes are stopped and started under the test).
The limits themselves are tested in tests/timers/test_heartbeats.py (both shapes).
"""

import os
import time

import httpx
import pytest

from tests.live import LiveProduct, RedisServer

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                       reason="Celery worker and beat run in the production shape only (the "
                              "embedded shape's timer loop is both, inside the ASGI server)"),
]

LIMIT = 4.0


def health(product: LiveProduct) -> tuple[int, dict]:
    answer = httpx.get(product.url + "/healthz", timeout=10)
    return answer.status_code, answer.json()


def until(product: LiveProduct, condition, what: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    status, body = None, None
    while time.monotonic() < deadline:
        status, body = health(product)
        if condition(status, body):
            return body
        time.sleep(0.25)
    raise AssertionError(f"/healthz never showed {what}; last {status} {body}\n{product.logs()}")


def green(status: int, body: dict) -> bool:
    return status == 200 and not body.get("failing")


def test_healthz_is_red_while_no_worker_or_no_beat_runs_and_green_again_after():
    server = RedisServer().start()
    product = LiveProduct(extra_env={
        "REDIS_URL": server.url(0), "HEALTH_BEAT_MAX_AGE_SECONDS": str(LIMIT),
        "HEALTH_WORKER_MAX_AGE_SECONDS": str(LIMIT)})
    try:
        product.start()
        assert product.celery
        until(product, green, "green with worker and beat running")

        product.celery_stop("worker")
        stopped = time.monotonic()
        body = until(product, lambda s, b: s == 503, "red without a worker")
        assert time.monotonic() - stopped >= LIMIT - 1.5  # not before the limit
        assert body["failing"] == ["worker"], body  # beat still ticks, the rest answers
        assert body["worker"].startswith("late: ") and body["worker_age_seconds"] > LIMIT
        assert body["beat"] == "ok" and body["database"] == body["channel_layer"] == "ok"

        product.celery_start("worker")
        until(product, green, "green again with the worker back")

        product.celery_stop("beat")
        body = until(product, lambda s, b: s == 503, "red without beat")
        assert "beat" in body["failing"], body  # (no tick: the worker then runs no task)
        assert body["beat"].startswith("late: ")

        product.celery_start("beat")
        body = until(product, green, "green again with beat back")
        assert body["beat"] == body["worker"] == "ok"
    finally:
        product.stop()
        server.close()
