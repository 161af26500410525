"""Recommended units for a case (*förslag på enheter*): every unit, ranked by when it would
arrive at the case's position (places.travel, across region borders), the dispatchable ones
first (dispatch/dispatchable.py says which and why not). A read: it records nothing, and it
shows no patient data (the units and their times to a point).

The arrival is the travel time from the unit's position (else its home station's) plus its
turnout (settings.TRAVEL_PROFILES); a helicopter flies its own profile. The router is asked
once per profile for all the units (`routed=False`: the estimate, no I/O).
"""

from dataclasses import dataclass, field

from crews.models import Station, UnitKind
from crews.selectors import UnitRow, stations_by_id, unit_rows
from places.travel import travel_times, turnout_seconds

from .dispatchable import Reason, reason_texts, unit_reasons
from .holds import units_held
from .models import ACTIVE_STATUSES, Assignment, Case


@dataclass
class Recommendation:
    unit: UnitRow
    station: Station | None
    manned: bool
    eta_s: int | None  # travel and turnout; None: the unit has no position
    travel_s: int | None
    backend: str | None  # places.travel ROUTER or ESTIMATE
    why_not: list[Reason] = field(default_factory=list)
    fastest: bool = False

    @property
    def selectable(self) -> bool:
        return not self.why_not

    def as_dict(self) -> dict:
        """The answer's row (RecommendationSerializer documents it): built by hand, since a
        serializer's fields cost more than the ranking for 200 units (bench/recommendations.py)."""
        unit, station = self.unit, self.station
        return {
            "unit": unit.pk, "call_sign": unit.call_sign, "kind": unit.kind,
            "region": unit.region_id, "home_station_name": station.name if station else None,
            "status": unit.status, "capabilities": list(unit.capabilities or []),
            "manned": self.manned, "in_service": unit.in_service,
            "service_note": unit.service_note, "eta_s": self.eta_s, "travel_s": self.travel_s,
            "backend": self.backend, "fastest": self.fastest, "selectable": self.selectable,
            "why_not": [reason.as_dict() for reason in self.why_not],
        }


def travel_profile(unit: UnitRow) -> str:
    """A helicopter flies (never routed by road); every other unit drives as an ambulance."""
    return "helicopter" if unit.kind == UnitKind.HELICOPTER else "ambulance"


def _position(unit: UnitRow, station: Station | None) -> tuple[float, float] | None:
    if unit.latitude is not None and unit.longitude is not None:
        return unit.latitude, unit.longitude
    if station is not None:
        return station.latitude, station.longitude
    return None


def busy_cases() -> dict[int, tuple[int, str]]:
    """Each unit on an active assignment: (case id, case reference)."""
    rows = Assignment.objects.filter(status__in=ACTIVE_STATUSES).values_list(
        "unit_id", "case_id", "case__reference")
    return {unit_id: (case_id, reference or "") for unit_id, case_id, reference in rows}


def case_to_rank(*, pk: int) -> Case | None:
    """What the ranking needs of a case: its id, position and required capabilities."""
    return Case.objects.filter(pk=pk).only("pk", "latitude", "longitude",
                                           "required_capabilities").first()


def case_recommendations(*, case: Case, routed: bool = True) -> list[Recommendation]:
    """Every unit for `case`: the dispatchable ones by arrival (the first `fastest`), then
    the others by arrival with why not; units without a position last in each group."""
    units = unit_rows()
    stations = stations_by_id()
    busy = busy_cases()
    held = units_held(case_id=case.pk)
    texts = reason_texts()
    required = list(case.required_capabilities or [])
    here = (case.latitude, case.longitude)
    found: list[Recommendation] = []
    by_profile: dict[str, list[tuple[Recommendation, tuple[float, float]]]] = {}
    for unit in units:
        station = stations.get(unit.home_station_id)
        rec = Recommendation(
            unit=unit, station=station, manned=bool(unit.manned), eta_s=None, travel_s=None,
            backend=None,
            why_not=unit_reasons(unit=unit, manned=bool(unit.manned), required=required,
                                 busy_case=busy.get(unit.pk), case_id=case.pk,
                                 texts=texts, held=held.get(unit.pk, "")))
        found.append(rec)
        at = _position(unit, station)
        if at is not None:
            by_profile.setdefault(travel_profile(unit), []).append((rec, at))
    for profile, these in by_profile.items():
        times = travel_times(origins=[at for _rec, at in these], destination=here,
                             profile=profile, routed=routed)
        turnout = turnout_seconds(profile)
        for (rec, _at), time in zip(these, times, strict=True):
            rec.travel_s, rec.backend = time.seconds, time.source
            rec.eta_s = time.seconds + turnout
    found.sort(key=lambda r: (not r.selectable, r.eta_s is None, r.eta_s or 0,
                              r.unit.call_sign))
    if found and found[0].selectable:
        found[0].fastest = True
    return found
