"""Travel times (*körtider*): one service for every estimated time a screen shows.

Two backends: a routing engine over HTTP (OSRM's /table, settings.ROUTER_URL) and the built-in
estimate (straight-line distance × a detour factor over the profile's speed), used when no
router is configured or it fails. Every result says which backend made it, so a screen can show
an estimate as such. Turnout (the time before leaving) is not travel: callers add
`turnout_seconds(profile)` where they mean an arrival time.

A profile (settings.TRAVEL_PROFILES) without a `router_profile` is never routed (a helicopter
flies the straight line: its `detour` is 1.0); one with `own_speed` takes only the way from the
router (metres along its paths) and times it at the profile's own speed (volunteers run or
cycle; OSRM's foot profile walks at 5 km/h). Never call the router while a transaction holds
locks: `routed=False` gives the estimate without I/O (IVPA refines after its commit).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from core.geo import distance_m

from .router import Point, router_configured, router_reset, router_table, router_table_from

__all__ = ["ESTIMATE", "ROUTER", "Point", "TravelTime", "router_configured", "router_reset",
           "travel_estimate", "travel_time", "travel_times", "travel_times_from",
           "turnout_seconds"]

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
    settings_of = _profile(profile)
    metres = distance_m(*origin, *destination) * _detour(settings_of)
    return TravelTime(seconds=int(round(metres / settings_of["speed_m_s"])),
                      metres=int(round(metres)), source=ESTIMATE)


def _detour(settings_of: dict) -> float:
    return float(settings_of.get("detour", settings.TRAVEL_DETOUR_FACTOR))


def travel_times(*, origins: Sequence[Point], destination: Point, profile: str,
                 routed: bool = True) -> list[TravelTime]:
    """From each origin to one destination, in the origins' order: the router's answer where
    it gives one (one request for many origins), the estimate elsewhere (and everywhere when
    not `routed`). Never raises for the router: a router that fails costs at most its time-out,
    and then nothing while it is down."""
    settings_of = _profile(profile)
    origins = list(origins)
    answers = None
    if routed and settings_of.get("router_profile"):
        answers = router_table(origins=origins, destination=destination,
                               profile=settings_of["router_profile"])
    return _travel_found([(origin, destination) for origin in origins], answers, profile)


def travel_times_from(*, origin: Point, destinations: Sequence[Point], profile: str,
                      routed: bool = True) -> list[TravelTime]:
    """From one origin to each destination, in the destinations' order (the way from a scene
    to the hospitals: one router request, the right direction on one-way streets); as
    travel_times otherwise."""
    settings_of = _profile(profile)
    destinations = list(destinations)
    answers = None
    if routed and settings_of.get("router_profile"):
        answers = router_table_from(origin=origin, destinations=destinations,
                                    profile=settings_of["router_profile"])
    return _travel_found([(origin, destination) for destination in destinations], answers,
                         profile)


def _travel_found(pairs: list[tuple[Point, Point]], answers, profile: str) -> list[TravelTime]:
    """The router's answer for each (origin, destination) where it gave one, else the
    estimate; a profile with its own speed times the router's way at that speed."""
    settings_of = _profile(profile)
    found = []
    for i, (origin, destination) in enumerate(pairs):
        answer = answers[i] if answers else None
        if answer is None:
            found.append(travel_estimate(origin=origin, destination=destination,
                                         profile=profile))
            continue
        seconds, metres = answer
        if metres is None:
            metres = distance_m(*origin, *destination) * _detour(settings_of)
        if settings_of.get("own_speed"):
            seconds = metres / settings_of["speed_m_s"]
        found.append(TravelTime(seconds=int(round(seconds)), metres=int(round(metres)),
                                source=ROUTER))
    return found


def travel_time(*, origin: Point, destination: Point, profile: str,
                routed: bool = True) -> TravelTime:
    return travel_times(origins=[origin], destination=destination, profile=profile,
                        routed=routed)[0]
