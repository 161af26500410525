"""Travel times (*körtider*): one service for every estimated time a screen shows.

Two backends: a routing engine over HTTP (OSRM's /table, settings.ROUTER_URL) and the built-in
estimate (straight-line distance × a detour factor over the profile's speed), used when no
router is configured or it fails. Every result says which backend made it, so a screen can show
an estimate as such. Turnout (the time before leaving) is not travel: callers add
`turnout_seconds(profile)` where they mean an arrival time.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from core.geo import distance_m

Point = tuple[float, float]  # (latitude, longitude)

ROUTER = "router"
ESTIMATE = "estimate"


@dataclass(frozen=True)
class TravelTime:
    seconds: int  # on the way, turnout not included
    metres: int  # along the road (router) or the estimated road distance
    source: str  # ROUTER or ESTIMATE

    @property
    def estimated(self) -> bool:
        return self.source == ESTIMATE


def _profile(profile: str) -> dict:
    try:
        return settings.TRAVEL_PROFILES[profile]
    except KeyError:
        raise ValueError(f"unknown travel profile {profile!r}") from None


def turnout_seconds(profile: str) -> int:
    return int(_profile(profile).get("turnout_s", 0))


def travel_estimate(*, origin: Point, destination: Point, profile: str) -> TravelTime:
    """The built-in estimate: the straight line × TRAVEL_DETOUR_FACTOR at the profile's speed."""
    metres = distance_m(*origin, *destination) * settings.TRAVEL_DETOUR_FACTOR
    return TravelTime(seconds=int(round(metres / _profile(profile)["speed_m_s"])),
                      metres=int(round(metres)), source=ESTIMATE)


def travel_times(*, origins: Sequence[Point], destination: Point,
                 profile: str) -> list[TravelTime]:
    """From each origin to one destination, in the origins' order."""
    return [travel_estimate(origin=o, destination=destination, profile=profile)
            for o in origins]


def travel_time(*, origin: Point, destination: Point, profile: str) -> TravelTime:
    return travel_times(origins=[origin], destination=destination, profile=profile)[0]
