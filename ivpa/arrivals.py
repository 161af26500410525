"""When the first ambulance is expected at a case (IVPA's before-the-ambulance rule and the
console's IVPA panel), from the travel time service across region borders."""

from dataclasses import dataclass

from django.conf import settings

from core.geo import distance_m
from crews.models import Unit, UnitKind, UnitStatus
from dispatch.models import ACTIVE_STATUSES, Assignment, AssignmentStatus, Case
from places.travel import travel_times, turnout_seconds

from . import geo

AMBULANCE_KINDS = (UnitKind.AMBULANCE, UnitKind.INTENSIVE_CARE, UnitKind.HELICOPTER)


@dataclass(frozen=True)
class Eta:
    """An expected arrival in seconds from now and what made it: places.travel's ROUTER or
    ESTIMATE, or "" when it is known (on scene)."""

    seconds: int
    source: str


# Assigned ambulances not yet on the way still have their turnout ahead of them.
NOT_YET_LEAVING = (AssignmentStatus.ALERTED, AssignmentStatus.ACKNOWLEDGED)


def _profile(unit: Unit) -> str:
    """A helicopter flies: its own profile, never routed by road (the straight line at its
    speed, settings.TRAVEL_PROFILES["helicopter"])."""
    return "helicopter" if unit.kind == UnitKind.HELICOPTER else "ambulance"


def ambulance_eta(case: Case, *, routed: bool = True) -> Eta | None:
    """When the first ambulance is expected: now once one is on scene; else the first of the
    ambulances on the case (AMBULANCE_KINDS: a supervisor or first-responder unit is not the
    ambulance), or else, when none of them has a position, of the nearest available ambulances
    of any region (a case near a region border is often reached first from the next region).
    The nearest TRAVEL_AMBULANCE_CANDIDATES by straight line within TRAVEL_AMBULANCE_RADIUS_M
    go to the travel time service in one call (`routed=False`: the estimate, no I/O, for a
    caller holding locks); turnout is added for those not yet on the way."""
    active = list(
        Assignment.objects.filter(case=case, status__in=ACTIVE_STATUSES,
                                  unit__kind__in=AMBULANCE_KINDS)
        .select_related("unit")
    )
    if any(a.status == AssignmentStatus.ON_SCENE for a in active):
        return Eta(0, "")
    here = (case.latitude, case.longitude)
    units = [(a.unit, a.status in NOT_YET_LEAVING) for a in active
             if a.unit.latitude is not None and a.unit.longitude is not None]
    if not units:
        radius = settings.TRAVEL_AMBULANCE_RADIUS_M
        south, north, west, east = geo.bounding_box(*here, radius)
        nearby = Unit.objects.filter(
            kind__in=AMBULANCE_KINDS, status=UnitStatus.AVAILABLE,
            latitude__range=(south, north), longitude__range=(west, east))
        ranked = sorted(
            ((distance_m(*here, u.latitude, u.longitude), u.pk, u) for u in nearby),
            key=lambda row: row[:2])
        units = [(u, True) for d, _pk, u in ranked[:settings.TRAVEL_AMBULANCE_CANDIDATES]
                 if d <= radius]
    if not units:
        return None
    found = []
    for profile in sorted({_profile(u) for u, _ in units}):
        these = [(u, leaving) for u, leaving in units if _profile(u) == profile]
        times = travel_times(origins=[(u.latitude, u.longitude) for u, _ in these],
                             destination=here, profile=profile, routed=routed)
        turnout = turnout_seconds(profile)
        found += [(t.seconds + (turnout if leaving else 0), t.source)
                  for (_u, leaving), t in zip(these, times, strict=True)]
    return Eta(*min(found, key=lambda pair: pair[0]))
