"""A loopback stand-in for Nominatim's HTTP API (`/search` and `/reverse`, format=jsonv2,
addressdetails=1), for the geocoder's tests.

A real HTTP server on 127.0.0.1 (tests/standin.py) answering from a small list of places
the way Nominatim does: a JSON list for /search (lat and lon as strings, `address` broken down),
one object for /reverse, or `{"error": "Unable to geocode"}` where it knows nothing. `mode`
makes it fail: "timeout" (answers only after `delay`), "500", "garbage" (not JSON),
"nonsense" (JSON of the wrong shape). Every request is recorded with its headers.
"""

import json
import math

from tests.standin import Answer, LoopbackStandin

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


class NominatimStandin(LoopbackStandin):
    name = "nominatim-standin"

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

    def answer(self, path: str, query: dict, mode: str) -> Answer:
        failure = self.mode_failure(mode)
        if failure:
            return failure
        if mode == "nonsense":
            return 200, json.dumps({"results": "none", "lat": "north"}).encode()
        if query.get("format") != ["jsonv2"]:
            return 400, b'{"error": "format"}'
        if path == "/search":
            return 200, json.dumps(self.search(query)).encode()
        if path == "/reverse":
            return 200, json.dumps(self.reverse(query)).encode()
        return 404, b'{"error": "unknown path"}'
