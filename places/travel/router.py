"""The routing engine over HTTP: OSRM's table service (*/table/v1*), many origins to one place
(router_table) or one origin to many places (router_table_from, the way from a scene to the
hospitals: one-way streets make the two directions differ).

One request per ROUTER_MAX_PER_CALL coordinates: `GET {ROUTER_URL}/table/v1/{profile}/
{lon,lat;…}?sources=0;…;n-1&destinations=n&annotations=duration,distance` (from one origin:
`sources=0&destinations=1;…;n`). Anything but a
well-formed answer (a time-out, a refused connection, an HTTP error, a `code` other than "Ok",
nonsense) is a failure: the caller falls back to the estimate. The time-out bounds the whole
call: the origins of requests it leaves no time for are estimated. A failure opens a breaker for
ROUTER_RETRY_SECONDS: a dead router then costs its time-out once, not on every call. An outage
is logged once (a warning when it starts, an info line when the router answers again).
"""

import json
import logging
import math
import threading
import time
from collections.abc import Sequence

import httpx
from django.conf import settings

logger = logging.getLogger("places.travel")

Point = tuple[float, float]  # (latitude, longitude)
Answer = tuple[float, float | None] | None  # (seconds, metres or None), None: no road there

MAX_BODY_BYTES = 1_000_000  # a table of 100 × 1 is a few kB


class RouterFailed(Exception):
    """The router gave no usable answer; the text says why (for the log)."""


class _Breaker:
    """Whether to ask the router now. Closed: ask. Open after a failure: do not ask until the
    retry time, then let one caller try (the others keep estimating meanwhile)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0

    def allow(self) -> bool:
        with self.lock:
            if self.down_since is None:
                return True
            now = time.monotonic()
            if now < self.retry_at:
                return False
            self.retry_at = now + settings.ROUTER_RETRY_SECONDS  # this caller probes
            return True

    def failed(self, url: str, reason: str) -> None:
        with self.lock:
            first = self.down_since is None
            now = time.monotonic()
            if first:
                self.down_since = now
            self.retry_at = now + settings.ROUTER_RETRY_SECONDS
        if first:
            logger.warning("router %s failed (%s): travel times are estimated until it answers "
                           "(retried every %s s)", url, reason, settings.ROUTER_RETRY_SECONDS)

    def answered(self, url: str) -> None:
        with self.lock:
            since, self.down_since, self.retry_at = self.down_since, None, 0.0
        if since is not None:
            logger.info("router %s answers again after %.0f s", url, time.monotonic() - since)


_breaker = _Breaker()
_client: httpx.Client | None = None
_client_lock = threading.Lock()


def _http() -> httpx.Client:
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(headers={"Accept": "application/json"},
                                   follow_redirects=False)
        return _client


def router_reset() -> None:
    """Forget an outage (tests, and after ROUTER_URL changed)."""
    global _breaker
    _breaker = _Breaker()


def router_configured() -> bool:
    return bool(settings.ROUTER_URL)


def _coords(points: Sequence[Point]) -> str:
    return ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)


def _number(value, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or value < 0:
        raise RouterFailed(f"{what} is not a time or distance: {value!r:.40}")
    return float(value)


def _column(answer, key: str, n: int) -> list[float | None]:
    """The first (only) column of an n × 1 matrix."""
    rows = answer.get(key)
    if not isinstance(rows, list) or len(rows) != n:
        raise RouterFailed(f"{key} has {len(rows) if isinstance(rows, list) else 'no'} rows, "
                           f"not {n}")
    column = []
    for row in rows:
        if not isinstance(row, list) or not row:
            raise RouterFailed(f"a row of {key} is not a list")
        column.append(_number(row[0], key))
    return column


def _row(answer, key: str, n: int) -> list[float | None]:
    """The one row of a 1 × n matrix."""
    rows = answer.get(key)
    if not isinstance(rows, list) or len(rows) != 1 or not isinstance(rows[0], list) \
            or len(rows[0]) != n:
        raise RouterFailed(f"{key} is not one row of {n}")
    return [_number(value, key) for value in rows[0]]


def _table(url: str, origins: Sequence[Point], destination: Point, profile: str,
           timeout: float) -> list[Answer]:
    n = len(origins)
    params = {"sources": ";".join(str(i) for i in range(n)), "destinations": str(n),
              "annotations": "duration,distance"}
    answer = _request(f"{url}/table/v1/{profile}/{_coords([*origins, destination])}", params,
                      timeout)
    durations = _column(answer, "durations", n)
    distances = _column(answer, "distances", n) if "distances" in answer else [None] * n
    return [None if d is None else (d, m) for d, m in zip(durations, distances, strict=True)]


def _table_from(url: str, origin: Point, destinations: Sequence[Point], profile: str,
                timeout: float) -> list[Answer]:
    n = len(destinations)
    params = {"sources": "0", "destinations": ";".join(str(i) for i in range(1, n + 1)),
              "annotations": "duration,distance"}
    answer = _request(f"{url}/table/v1/{profile}/{_coords([origin, *destinations])}", params,
                      timeout)
    durations = _row(answer, "durations", n)
    distances = _row(answer, "distances", n) if "distances" in answer else [None] * n
    return [None if d is None else (d, m) for d, m in zip(durations, distances, strict=True)]


def _request(address: str, params: dict, timeout: float) -> dict:
    """One table request's answer, a JSON object with code "Ok"; RouterFailed else."""
    deadline = time.monotonic() + timeout
    try:
        with _http().stream("GET", address, params=params,
                            timeout=httpx.Timeout(timeout)) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise RouterFailed("the answer is too large")
                if time.monotonic() > deadline:
                    raise RouterFailed(f"no whole answer within {timeout:.3g} s")
    except httpx.TimeoutException:
        raise RouterFailed(f"no answer within {timeout:.3g} s") from None
    except httpx.HTTPError as error:
        raise RouterFailed(f"{type(error).__name__}: {error}") from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise RouterFailed(f"HTTP {response.status_code}, not JSON") from None
    if not isinstance(answer, dict):
        raise RouterFailed("the answer is not a JSON object")
    if answer.get("code") != "Ok":
        raise RouterFailed(f"HTTP {response.status_code}, code {answer.get('code')!r:.40}: "
                           f"{str(answer.get('message', ''))[:120]}")
    if response.status_code != 200:
        raise RouterFailed(f"HTTP {response.status_code}")
    return answer


def router_table(*, origins: Sequence[Point], destination: Point,
                 profile: str) -> list[Answer] | None:
    """The router's (seconds, metres) from each origin, None for one it finds no road from;
    None as a whole when there is no router, it is down, or it failed now (logged)."""
    return _chunked(list(origins), lambda url, part, left: _table(url, part, destination,
                                                                  profile, left))


def router_table_from(*, origin: Point, destinations: Sequence[Point],
                      profile: str) -> list[Answer] | None:
    """The router's (seconds, metres) from one origin to each destination, None for one it
    finds no road to; None as a whole as router_table."""
    return _chunked(list(destinations), lambda url, part, left: _table_from(url, origin, part,
                                                                           profile, left))


def _chunked(points: list[Point], fetch) -> list[Answer] | None:
    """`fetch(url, part, seconds_left)` over parts of ROUTER_MAX_PER_CALL - 1 points (the one
    other end is a coordinate too), within one deadline, behind the breaker."""
    url = settings.ROUTER_URL.rstrip("/")
    if not url or not points or not _breaker.allow():
        return None
    size = max(1, int(settings.ROUTER_MAX_PER_CALL) - 1)  # the destination is a coordinate too
    timeout = float(settings.ROUTER_TIMEOUT_SECONDS)
    # One deadline for the whole call, not one time-out per request: many origins split into
    # several requests still cost at most ROUTER_TIMEOUT_SECONDS.
    deadline = time.monotonic() + timeout
    answers: list[Answer] = []
    try:
        for start in range(0, len(points), size):
            left = deadline - time.monotonic()
            if left <= 0:
                raise RouterFailed(f"no whole answer within {timeout:.3g} s")
            answers += fetch(url, points[start:start + size], left)
    except RouterFailed as failure:
        _breaker.failed(url, str(failure))
        if not answers:
            return None
        # The requests answered in time keep the router's times; the rest are estimated.
        return answers + [None] * (len(points) - len(answers))
    _breaker.answered(url)
    return answers
