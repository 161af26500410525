"""A loopback stand-in for Nominatim's HTTP API (`/search` and `/reverse`, format=jsonv2,
addressdetails=1), for the geocoder's tests.

A real HTTP server on 127.0.0.1 (a thread, a free port) answering from a small list of places
the way Nominatim does: a JSON list for /search (lat and lon as strings, `address` broken down),
one object for /reverse, or `{"error": "Unable to geocode"}` where it knows nothing. `mode`
makes it fail: "timeout" (answers only after `delay`), "500", "garbage" (not JSON),
"nonsense" (JSON of the wrong shape). Every request is recorded with its headers.
"""

import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PLACES = [
    {"place_id": 1, "lat": "59.6180", "lon": "16.5520", "category": "place",
     "type": "house", "display_name": "12, Svartåvägen, Västerås, Västmanlands län, Sverige",
     "address": {"house_number": "12", "road": "Svartåvägen", "city": "Västerås",
                 "municipality": "Västerås kommun", "state": "Västmanlands län",
                 "postcode": "722 20", "country": "Sverige", "country_code": "se"}},
    {"place_id": 2, "lat": "59.9139", "lon": "10.7522", "category": "place",
     "type": "house", "display_name": "1, Karl Johans gate, Oslo, Norge",
     "address": {"house_number": "1", "road": "Karl Johans gate", "city": "Oslo",
                 "postcode": "0154", "country": "Norge", "country_code": "no"}},
    # A village: only Nominatim's municipality key, in the Swedish genitive, names it.
    {"place_id": 3, "lat": "59.7820", "lon": "16.9190", "category": "place",
     "type": "house", "display_name": "3, Bygatan, Fjärdhundra, Enköpings kommun, Sverige",
     "address": {"house_number": "3", "road": "Bygatan", "village": "Fjärdhundra",
                 "municipality": "Enköpings kommun", "state": "Uppsala län",
                 "postcode": "745 96", "country": "Sverige", "country_code": "se"}},
]
MODES = ("ok", "timeout", "500", "garbage", "nonsense")


class NominatimStandin:
    def __init__(self):
        self.mode = "ok"
        self.delay = 5.0
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="nominatim-standin")

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "NominatimStandin":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def reset(self) -> None:
        with self._lock:
            self.mode, self.delay, self.requests = "ok", 5.0, []

    @staticmethod
    def search(query: dict) -> list:
        words = query.get("q", [""])[0].lower().split()
        countries = query.get("countrycodes", [""])[0].split(",")
        limit = int(query.get("limit", ["10"])[0])
        found = [p for p in PLACES if p["address"]["country_code"] in countries
                 and words and all(w in p["display_name"].lower() for w in words)]
        return found[:limit]

    @staticmethod
    def reverse(query: dict) -> dict:
        lat, lon = float(query["lat"][0]), float(query["lon"][0])
        for place in PLACES:
            if math.hypot(float(place["lat"]) - lat, float(place["lon"]) - lon) < 0.01:
                return place
        return {"error": "Unable to geocode"}

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
                with standin._lock:
                    mode = standin.mode
                    standin.requests.append({"path": parts.path, "query": query,
                                             "headers": dict(self.headers)})
                if mode == "timeout":
                    standin._release.wait(standin.delay)
                    mode = "ok"
                if mode == "500":
                    return self._send(500, b"Internal Server Error", "text/plain")
                if mode == "garbage":
                    return self._send(200, b"<html>proxy error</html>", "text/html")
                if mode == "nonsense":
                    return self._send(200, json.dumps(
                        {"results": "none", "lat": "north"}).encode())
                if query.get("format") != ["jsonv2"]:
                    return self._send(400, b'{"error": "format"}')
                if parts.path == "/search":
                    return self._send(200, json.dumps(standin.search(query)).encode())
                if parts.path == "/reverse":
                    return self._send(200, json.dumps(standin.reverse(query)).encode())
                return self._send(404, b'{"error": "unknown path"}')

        return Handler
