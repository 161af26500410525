"""The grid that indexes positions (distances: core.geo; travel times: places.travel).

The grid: cells of 0.02° latitude × 0.04° longitude (about 2.2 × 2.2 km at 60° N) numbered
row * 100000 + column. A search of radius r reads the cells of the bounding box (at most 36 for
5 km in Sweden) through an ordinary B-tree index, on SQLite and PostgreSQL alike.
"""

import math

from core.geo import EARTH_RADIUS_M

# A degree of latitude on the sphere distance_m measures on (≈ 111 195 m). A larger figure
# (such as the equatorial 111 320 m) makes the search box smaller than the circle, and a
# responder just inside the radius but across a cell edge is never found.
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
CELL_LAT = 0.02
CELL_LON = 0.04
ROW = 100_000
COARSE_DECIMALS = 3  # ~110 m: a volunteer's position is kept no finer than this


def _row(lat: float) -> int:
    return int(math.floor((lat + 90) / CELL_LAT))


def _col(lon: float) -> int:
    return int(math.floor((lon + 180) / CELL_LON))


def cell_of(lat: float, lon: float) -> int:
    return _row(lat) * ROW + _col(lon)


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    dlat = radius_m / METRES_PER_DEGREE
    north = min(89.9, lat + dlat)
    south = max(-89.9, lat - dlat)
    widest = max(abs(north), abs(south))
    dlon = radius_m / (METRES_PER_DEGREE * max(0.01, math.cos(math.radians(widest))))
    return south, north, lon - dlon, lon + dlon


def cells_covering(lat: float, lon: float, radius_m: float) -> list[int]:
    south, north, west, east = bounding_box(lat, lon, radius_m)
    cols = range(_col(west), _col(east) + 1)
    return [row * ROW + col for row in range(_row(south), _row(north) + 1) for col in cols]


def coarse(value: float) -> float:
    return round(value, COARSE_DECIMALS)
