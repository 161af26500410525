"""The Celery worker through Redis restarts (issue 12, item 1).

The fault test of issue 12 saw the worker die on a Redis restart under load, with `CRITICAL
Unrecoverable error: AttributeError("'NoneType' object has no attribute 'hostname'")`, after
which no timer fired. The cause is in kombu's Redis transport (config/broker.py explains it and
holds the fix): the connection breaks while a task runs (its message not yet acknowledged,
acks_late) and a BRPOP waits for the next one (a free pool slot).

- The first test shows the bug in kombu alone, with a Redis of its own: the same calls Celery
  makes on a lost connection (collect(), then close()) in the same state. Both shapes.
- The second restarts the Redis of a product in the production shape (tests.live: an ASGI
  process, a prefork worker with two pool slots as scripts/run-cluster.sh runs it, beat) under
  a dispatch load, with an acknowledgement timeout of 3 s so that ticks have timers to fire.
  Before each restart a tick is held in flight on a row lock, so that a task runs when Redis
  dies (under load that is a matter of luck: 1 of 5 restarts before the fix). The worker must
  live on, timers must fire after Redis is back, and /healthz must be green again.
"""

import os
import threading
import time

import httpx
import pytest
from kombu import Connection, Consumer, Exchange, Producer, Queue

from tests.live import LiveProduct, RedisServer

PRODUCTION = bool(os.environ.get("REDIS_URL")) and os.environ.get(
    "DATABASE_URL", "").startswith("postgres")

pytestmark = pytest.mark.cluster


def test_kombu_closes_a_channel_whose_brpop_died_with_the_connection():
    server = RedisServer().start()
    try:
        conn = Connection(server.url(0))
        tasks = Queue("tasks", Exchange("tasks"), "tasks")
        with conn.channel() as channel:
            Producer(channel).publish({"n": 1}, exchange=tasks.exchange, routing_key="tasks",
                                      declare=[tasks])
        running = []
        consumer = Consumer(conn, [tasks], callbacks=[lambda body, message: running.append(1)])
        consumer.qos(prefetch_count=2)  # two pool slots, one busy
        consumer.consume()
        # The remote control's broadcast queue (a subscription on its own channel).
        control = Queue("control", Exchange("control", type="fanout"), auto_delete=True)
        Consumer(conn.channel(), [control]).consume()
        deadline = time.monotonic() + 10
        while not running and time.monotonic() < deadline:
            try:
                conn.drain_events(timeout=0.5)
            except TimeoutError:
                pass
        assert running, "the message was not delivered"
        for _ in range(20):  # until nothing more comes: a BRPOP for the free slot waits
            try:
                conn.drain_events(timeout=0.2)
            except TimeoutError:
                break
        channel = conn.default_channel
        assert channel._in_poll and len(channel.qos._delivered) == 1

        server.stop(kill=True)
        conn.collect()  # what Celery does on a lost connection ...
        conn.close()  # ... and then: AttributeError ('hostname') without config/broker.py
        assert channel.closed
    finally:
        server.close()


def dispatcher(product: LiveProduct) -> httpx.Client:
    token = product.token("anna")
    return httpx.Client(base_url=product.url, headers={"Authorization": f"Token {token}"},
                        timeout=20)


def answered(answer: httpx.Response, status: int, product: LiveProduct) -> dict | list:
    """The answer's body, or a failure that shows the product's logs (a 500's traceback)."""
    assert answer.status_code == status, f"{answer.text[:500]}\n{product.logs()}"
    return answer.json()


def new_case(api: httpx.Client, product: LiveProduct, region_id: int) -> int:
    return answered(api.post("/api/cases/", json={
        "region": region_id, "caller_number": "+46701234567",
        "address": "Stora torget 1, Västerås", "latitude": 59.6099, "longitude": 16.5448,
        "complaint": "Bröstsmärta", "mbs_priority": "1A", "priority": "1A"}), 201, product)["id"]


def dispatch(api: httpx.Client, product: LiveProduct, region_id: int, unit_id: int) -> int:
    case_id = new_case(api, product, region_id)
    # The demo's units have no crew on a tablet here: sent with the reason a dispatcher gives.
    return answered(api.post(f"/api/cases/{case_id}/dispatch/", json={
        "units": [unit_id], "override_reason": "load test: no tablets"}), 201, product)[0]["id"]


def cancel(api: httpx.Client, product: LiveProduct, assignment_id: int) -> None:
    answered(api.post(f"/api/assignments/{assignment_id}/status/",
                      json={"status": "cancelled"}), 200, product)


class Load(threading.Thread):
    """A dispatcher sending units one after another (about two a second), each assignment
    left unacknowledged for a few seconds (its timer re-sends it) and then cancelled."""

    def __init__(self, product: LiveProduct, region_id: int, unit_ids: list[int]):
        super().__init__(daemon=True)
        self.product, self.region_id, self.unit_ids = product, region_id, unit_ids
        self.stop = threading.Event()
        self.dispatched = 0
        self.failed = 0

    def run(self) -> None:
        api = dispatcher(self.product)
        current: dict[int, int] = {}
        while not self.stop.is_set():
            for unit_id in self.unit_ids:
                if self.stop.is_set():
                    break
                try:
                    if unit_id in current:
                        cancel(api, self.product, current.pop(unit_id))
                    current[unit_id] = dispatch(api, self.product, self.region_id, unit_id)
                    self.dispatched += 1
                except (AssertionError, httpx.HTTPError):
                    self.failed += 1  # counted; the outage may refuse a request
                self.stop.wait(0.5)
        api.close()


def hold_a_tick(product: LiveProduct, assignment_id: int):
    """Lock the assignment's acknowledgement timer, so that the next tick blocks on it (a
    task running, its message unacknowledged) while the worker's other slot waits for the
    next tick (BRPOP). Returns the locking connection (rollback() releases the tick)."""
    import psycopg

    worker = product.celery_processes["worker"]
    assert worker.poll() is None, f"The worker is not running:\n{product.logs()}"
    locker = psycopg.connect(product.env["DATABASE_URL"])
    rows = locker.execute(
        "SELECT id FROM timers_timer WHERE kind = 'dispatch.ack_timeout' AND key = %s"
        " AND state = 'pending' FOR UPDATE", [str(assignment_id)]).fetchall()
    assert len(rows) == 1
    with psycopg.connect(product.env["DATABASE_URL"], autocommit=True) as watcher:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE 'UPDATE \"timers_timer\"%'"
            ).fetchone()[0]
            if waiting:
                return locker
            time.sleep(0.02)
    locker.close()
    raise AssertionError(f"No tick blocked on the timer:\n{product.logs()}")


def database_now(product: LiveProduct):
    import psycopg

    with psycopg.connect(product.env["DATABASE_URL"]) as conn:
        return conn.execute("SELECT now()").fetchone()[0]


def worker_ran_since(product: LiveProduct, since) -> bool:
    import psycopg

    with psycopg.connect(product.env["DATABASE_URL"]) as conn:
        return bool(conn.execute("SELECT 1 FROM timers_heartbeat WHERE name = 'worker' AND"
                                 " at > %s", [since]).fetchone())


def wait_for(condition, *, timeout: float, what: str, product: LiveProduct):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"Timed out waiting for {what}:\n{product.logs()}")


@pytest.mark.skipif(not PRODUCTION, reason="the Celery worker and its Redis broker run in the "
                    "production shape only (REDIS_URL, and PostgreSQL for the row lock)")
def test_the_worker_lives_through_redis_restarts_under_load_and_timers_fire_after():
    server = RedisServer().start()
    product = LiveProduct(worker_concurrency=2, extra_env={
        "REDIS_URL": server.url(0), "ASSIGNMENT_ACK_TIMEOUT_SECONDS": "3",
        "HEALTH_BEAT_MAX_AGE_SECONDS": "6", "HEALTH_WORKER_MAX_AGE_SECONDS": "6"})
    load = None
    try:
        product.start()
        worker = product.celery_processes["worker"]
        api = dispatcher(product)
        region_id = next(r["id"] for r in api.get("/api/regions/").json() if r["code"] == "VML")
        units = [u["id"] for u in api.get("/api/units/").json()
                 if u["call_sign"].startswith("AMB")]
        held_unit, after_unit, load_units = units[0], units[1], units[2:8]
        assert len(load_units) == 6
        load = Load(product, region_id, load_units)
        load.start()
        wait_for(lambda: load.dispatched >= 6, timeout=60, what="the load", product=product)

        for restart in (1, 2):
            held = dispatch(api, product, region_id, held_unit)
            locker = hold_a_tick(product, held)
            server.restart(down_for=2.0, kill=True)
            back = database_now(product)
            locker.rollback()
            locker.close()
            # Either it died (at once, before the fix) or it runs ticks again after Redis is
            # back: its heartbeat is written again (every 2 s at most, per pool process).
            wait_for(lambda b=back: worker.poll() is not None or worker_ran_since(product, b),
                     timeout=60, what="the worker after the restart", product=product)
            assert worker.poll() is None, (
                f"The worker died on Redis restart {restart}:\n{product.logs()}")
            cancel(api, product, held)

        # Timers fire after Redis is back: an assignment dispatched now is re-sent at its
        # timeout, and the centre is healthy again (the worker's and beat's heartbeats).
        assignment = dispatch(api, product, region_id, after_unit)
        wait_for(lambda: api.get(f"/api/assignments/{assignment}/").json()["resend_count"] >= 1,
                 timeout=45, what="the re-send after the restarts", product=product)
        health = wait_for(lambda: (r := httpx.get(product.url + "/healthz", timeout=10))
                          .status_code == 200 and r.json(),
                          timeout=45, what="/healthz green again", product=product)
        assert health["beat"] == health["worker"] == "ok"
        assert worker.poll() is None
        load.stop.set()
        load.join(timeout=30)
        assert load.dispatched >= 20, (load.dispatched, load.failed)
    finally:
        if load:
            load.stop.set()
        product.stop()
        server.close()
