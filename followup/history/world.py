"""The world the history happens in: the demo's regions, stations and units (seed_demo), the
demo addresses and hospitals (places/data/), and the dispatchers who answered. Read once, in a
fixed order, so one seed gives one history."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

import places
from accounts.models import Role, User
from core.geo import distance_m
from crews.models import Region, Station, Unit, UnitKind
from places.models import Hospital

DATA = Path(places.__file__).resolve().parent / "data"
# The units an ambulance case is given (not mobile care, supervisors, first responders).
SENT_KINDS = (UnitKind.AMBULANCE, UnitKind.INTENSIVE_CARE, UnitKind.HELICOPTER)
# The generated dispatchers beside anna and erik: users who never sign in.
HISTORY_DISPATCHERS = [
    ("hist-disp-01", "Maja Andersson"), ("hist-disp-02", "Oskar Johansson"),
    ("hist-disp-03", "Elin Karlsson"), ("hist-disp-04", "Viktor Nilsson"),
    ("hist-disp-05", "Sofia Eriksson"), ("hist-disp-06", "Anton Larsson"),
    ("hist-disp-07", "Ida Olsson"), ("hist-disp-08", "Jonas Persson"),
]


class WorldMissing(Exception):
    """seed_demo has not been run: no regions, stations or units to make history with."""


@dataclass(slots=True)
class Vehicle:
    """A unit as the history books it (its id, and whether it flies)."""

    pk: int
    helicopter: bool


@dataclass
class Dispatcher:
    user: User
    user_id: int
    name: str
    weight: float
    speed: float  # a factor on the time to alert: some are quicker than others
    reason_rate: float  # how often they give the reason of a priority change


@dataclass
class Place:
    address: str
    municipality: str
    municipality_code: str
    region: Region
    region_id: int
    latitude: float
    longitude: float
    stations: list[int]  # indices into World.stations, nearest first
    station_km: list[float]
    hospital: int  # index into World.hospitals: the nearest emergency department
    hospital_km: float


@dataclass
class World:
    regions: dict[str, Region]
    stations: list[Station]
    units_at: list[list[Vehicle]]  # per station, ambulances first
    hospitals: list[dict]
    places: list[Place]
    dispatchers: list[Dispatcher]
    units: list[Unit] = field(default_factory=list)


def _hospitals() -> list[dict]:
    known = dict(Hospital.objects.values_list("name", "pk"))
    with (DATA / "hospitals.csv").open(encoding="utf-8", newline="") as file:
        rows = [r for r in csv.DictReader(file) if r["emergency"] == "1"]
    return [{"name": r["name"], "pk": known.get(r["name"]), "latitude": float(r["latitude"]),
             "longitude": float(r["longitude"])} for r in rows]


def _places(regions: dict[str, Region], stations: list[Station], served: list[int],
            hospitals: list[dict]) -> list[Place]:
    """The demo addresses in known regions, each with its nearest stations (of those with an
    ambulance) and emergency department."""
    with (DATA / "municipalities.csv").open(encoding="utf-8", newline="") as file:
        municipalities = {r["code"]: (r["name"], r["region_code"]) for r in csv.DictReader(file)}
    made = []
    with (DATA / "demo_addresses.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            name, region_code = municipalities.get(row["municipality_code"], ("", ""))
            region = regions.get(region_code)
            if region is None:
                continue
            lat, lon = float(row["latitude"]), float(row["longitude"])
            near = sorted((distance_m(lat, lon, stations[i].latitude,
                                      stations[i].longitude) / 1000, i) for i in served)[:6]
            far = min((distance_m(lat, lon, h["latitude"], h["longitude"]) / 1000, i)
                      for i, h in enumerate(hospitals))
            made.append(Place(
                address=f"{row['street']} {row['number']}{row['letter']}".strip(),
                municipality=name, municipality_code=row["municipality_code"], region=region,
                region_id=region.pk, latitude=lat, longitude=lon, stations=[i for _, i in near],
                station_km=[km for km, _ in near], hospital=far[1], hospital_km=far[0]))
    return made


def _dispatchers() -> list[Dispatcher]:
    made = []
    for username, name in HISTORY_DISPATCHERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=name, role=Role.DISPATCHER)
            user.set_unusable_password()
            user.save()
        made.append(user)
    demo = list(User.objects.filter(username__in=["anna", "erik"]).order_by("username"))
    users = demo + made
    # Fixed traits by position: anna and erik answer most; one is slow, one forgets reasons.
    speeds = [1.0, 0.92, 1.05, 0.95, 1.25, 1.0, 0.9, 1.1, 1.0, 0.97]
    reasons = [0.95, 0.97, 0.93, 0.9, 0.94, 0.8, 0.96, 0.93, 0.98, 0.92]
    return [Dispatcher(user=u, user_id=u.pk, name=u.display_name or u.username,
                       weight=1.6 if u.username in ("anna", "erik") else 1.0,
                       speed=speeds[i % len(speeds)], reason_rate=reasons[i % len(reasons)])
            for i, u in enumerate(users)]


def world_load() -> World:
    """The world as the database and places/data/ hold it now."""
    regions = {r.code: r for r in Region.objects.order_by("code")}
    stations = list(Station.objects.order_by("name", "pk"))
    units = list(Unit.objects.filter(kind__in=SENT_KINDS, home_station__isnull=False)
                 .order_by("call_sign"))
    if not regions or not stations or not units:
        raise WorldMissing("No regions, stations or ambulances: run `manage.py seed_demo` "
                           "first.")
    index = {s.pk: i for i, s in enumerate(stations)}
    grouped: list[list[Unit]] = [[] for _ in stations]
    for unit in units:
        grouped[index[unit.home_station_id]].append(unit)
    units_at = [[Vehicle(u.pk, u.kind == UnitKind.HELICOPTER)  # a helicopter goes second
                 for u in sorted(group, key=lambda u: (u.kind == UnitKind.HELICOPTER,
                                                       u.call_sign))]
                for group in grouped]
    served = [i for i, group in enumerate(units_at) if any(not v.helicopter for v in group)]
    if not served:
        raise WorldMissing("No station has an ambulance: run `manage.py seed_demo` first.")
    hospitals = _hospitals()
    world = World(regions=regions, stations=stations, units_at=units_at, hospitals=hospitals,
                  places=_places(regions, stations, served, hospitals), dispatchers=_dispatchers(),
                  units=units)
    if not world.places:
        raise WorldMissing("None of the demo addresses lies in a known region: run "
                           "`manage.py seed_demo` first.")
    return world
