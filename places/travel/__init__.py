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

from .router import Point, router_configured, router_reset, router_table

__all__ = ["ESTIMATE", "ROUTER", "Point", "TravelTime", "router_configured", "router_reset",
           "travel_estimate", "travel_time", "travel_times", "turnout_seconds"]

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
    """From each origin to one destination, in the origins' order: the router's answer where
    it gives one (one request for many origins), the estimate elsewhere. Never raises for the
    router: a router that fails costs at most its time-out, and then nothing while it is down."""
    settings_of = _profile(profile)
    origins = list(origins)
    answers = None
    if settings_of.get("router_profile"):
        answers = router_table(origins=origins, destination=destination,
                               profile=settings_of["router_profile"])
    found = []
    for i, origin in enumerate(origins):
        answer = answers[i] if answers else None
        if answer is None:
            found.append(travel_estimate(origin=origin, destination=destination,
                                         profile=profile))
            continue
        seconds, metres = answer
        if metres is None:
            metres = distance_m(*origin, *destination) * settings.TRAVEL_DETOUR_FACTOR
        found.append(TravelTime(seconds=int(round(seconds)), metres=int(round(metres)),
                                source=ROUTER))
    return found


def travel_time(*, origin: Point, destination: Point, profile: str) -> TravelTime:
    return travel_times(origins=[origin], destination=destination, profile=profile)[0]
