"""A loopback stand-in for OSRM's HTTP API (the table service), for tests and the benchmark.

A real HTTP server on 127.0.0.1 (tests/standin.py) answering
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
from urllib.parse import unquote

from tests.standin import Answer, LoopbackStandin

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


class OsrmStandin(LoopbackStandin):
    name = "osrm-standin"

    def __init__(self):
        self.unreachable: set[tuple[float, float]] = set()
        # Seconds added to every way into a point (a one-way street: the way out is quicker).
        self.slower_into: dict[tuple[float, float], float] = {}
        super().__init__()

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.unreachable = set()
            self.slower_into = {}

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

    def answer(self, path: str, query: dict, mode: str) -> Answer:
        pieces = path.split("/")
        if len(pieces) != 5 or pieces[1:3] != ["table", "v1"]:
            return 400, json.dumps(
                {"code": "InvalidUrl", "message": "URL string malformed"}).encode()
        failure = self.mode_failure(mode)
        if failure:
            return failure
        if mode == "invalid":
            return 400, json.dumps(
                {"code": "InvalidQuery", "message": "Query string malformed"}).encode()
        try:
            status, body = self.table(pieces[3], unquote(pieces[4]), query)
        except (ValueError, IndexError):
            return 400, json.dumps({"code": "InvalidQuery", "message": "bad coordinates"}).encode()
        if mode in ("negative", "short"):
            answer = json.loads(body)
            if mode == "negative":
                answer["durations"][0][0] = -12.0
            else:
                answer["durations"] = answer["durations"][:-1]
            body = json.dumps(answer).encode()
        return status, body
