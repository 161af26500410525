"""A loopback stand-in for OSRM's HTTP API (the table service), for tests and the benchmark.

A real HTTP server on 127.0.0.1 (a thread, a free port) answering
`GET /table/v1/<profile>/<lon,lat;…>?sources=…&destinations=…&annotations=duration,distance`
with OSRM's JSON: the distance is the great circle × ROAD_FACTOR and the duration that over a
speed per profile, figures of its own, so a test tells the router's answers from the product's
estimate. It can be told to fail (`mode`): "timeout" (answers only after `delay`), "500",
"garbage" (not JSON), "invalid" (`{"code": "InvalidQuery"}`), "negative", "short" (too few
rows); `unreachable` holds origins (lat, lon) it finds no road from (null). Every request is
recorded. Use:

    with OsrmStandin() as osrm:          # or the `osrm` fixture of tests/places/conftest.py
        settings.ROUTER_URL = osrm.url   # or LiveProduct(extra_env={"ROUTER_URL": osrm.url})
"""

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

ROAD_FACTOR = 1.2
SPEED_M_S = {"driving": 12.5, "car": 12.5, "foot": 2.0, "walking": 2.0, "bike": 5.0}
MODES = ("ok", "timeout", "500", "garbage", "invalid", "negative", "short")


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def standin_route(origin: tuple[float, float], destination: tuple[float, float],
                  profile: str = "driving") -> tuple[float, float]:
    """What the stand-in answers from `origin` to `destination`: (seconds, metres)."""
    metres = great_circle_m(*origin, *destination) * ROAD_FACTOR
    return metres / SPEED_M_S.get(profile, 10.0), metres


class OsrmStandin:
    def __init__(self):
        self.mode = "ok"
        self.delay = 5.0
        self.unreachable: set[tuple[float, float]] = set()
        # Seconds added to every way into a point (a one-way street: the way out is quicker).
        self.slower_into: dict[tuple[float, float], float] = {}
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="osrm-standin")

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "OsrmStandin":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> "OsrmStandin":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self.mode, self.delay = "ok", 5.0
            self.unreachable = set()
            self.slower_into = {}
            self.requests = []

    def table(self, profile: str, coords: str, query: dict) -> tuple[int, bytes]:
        points = []
        for pair in coords.split(";"):
            lon, lat = (float(x) for x in pair.split(","))
            points.append((lat, lon))
        sources = [int(i) for i in query.get("sources", [""])[0].split(";") if i] \
            or list(range(len(points)))
        destinations = [int(i) for i in query.get("destinations", [""])[0].split(";") if i] \
            or list(range(len(points)))
        durations, distances = [], []
        for s in sources:
            row_d, row_m = [], []
            for d in destinations:
                origin = points[s]
                if (round(origin[0], 5), round(origin[1], 5)) in self.unreachable:
                    row_d.append(None)
                    row_m.append(None)
                    continue
                seconds, metres = standin_route(origin, points[d], profile)
                seconds += self.slower_into.get(
                    (round(points[d][0], 5), round(points[d][1], 5)), 0.0)
                row_d.append(round(seconds, 1))
                row_m.append(round(metres, 1))
            durations.append(row_d)
            distances.append(row_m)

        def waypoint(i):
            return {"hint": "", "distance": 0.0, "name": "",
                    "location": [points[i][1], points[i][0]]}

        body = {"code": "Ok", "durations": durations, "distances": distances,
                "sources": [waypoint(i) for i in sources],
                "destinations": [waypoint(i) for i in destinations]}
        return 200, json.dumps(body).encode()

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes, kind="application/json") -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (a time-out test)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                pieces = parts.path.split("/")
                with standin._lock:
                    mode = standin.mode
                    standin.requests.append({"path": parts.path, "query": query})
                if len(pieces) != 5 or pieces[1:3] != ["table", "v1"]:
                    return self._send(400, json.dumps(
                        {"code": "InvalidUrl", "message": "URL string malformed"}).encode())
                if mode == "timeout":
                    standin._release.wait(standin.delay)
                    mode = "ok"
                if mode == "500":
                    return self._send(500, b"Internal Server Error", "text/plain")
                if mode == "garbage":
                    return self._send(200, b"<html>proxy error</html>", "text/html")
                if mode == "invalid":
                    return self._send(400, json.dumps(
                        {"code": "InvalidQuery", "message": "Query string malformed"}).encode())
                try:
                    status, body = standin.table(pieces[3], unquote(pieces[4]), query)
                except (ValueError, IndexError):
                    return self._send(400, json.dumps(
                        {"code": "InvalidQuery", "message": "bad coordinates"}).encode())
                if mode in ("negative", "short"):
                    answer = json.loads(body)
                    if mode == "negative":
                        answer["durations"][0][0] = -12.0
                    else:
                        answer["durations"] = answer["durations"][:-1]
                    body = json.dumps(answer).encode()
                return self._send(status, body)

        return Handler
