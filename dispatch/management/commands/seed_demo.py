"""Demo data: the three regions of seed 000, their stations, a dozen ambulances and users per
role. Idempotent: running it again changes nothing that is already there."""

import functools

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from crews.models import Region, Station, Unit, UnitKind

DEMO_PASSWORD = "larm-demo-2026"


def demo_password_hash() -> str:
    """The demo password hashed once per process (and configured hashers) for all the demo
    users a seed makes (ivpa's and referrals' seeds use it too): the production hasher takes
    most of a second per hash on a loaded machine, and every live product of the end-to-end
    tests seeds the demo's 19 users. They share one password anyway, printed for all."""
    return _password_hash(DEMO_PASSWORD, tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _password_hash(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


REGIONS = [("VML", "Region Västmanland"), ("UPP", "Region Uppsala"), ("SRM", "Region Sörmland")]
STATIONS = [
    ("Västerås", "VML", 59.6099, 16.5448), ("Sala", "VML", 59.9200, 16.6066),
    ("Köping", "VML", 59.5140, 15.9926), ("Uppsala", "UPP", 59.8586, 17.6389),
    ("Enköping", "UPP", 59.6361, 17.0777), ("Tierp", "UPP", 60.3454, 17.5150),
    ("Eskilstuna", "SRM", 59.3710, 16.5098), ("Katrineholm", "SRM", 58.9959, 16.2072),
    ("Nyköping", "SRM", 58.7530, 17.0079),
]
UNITS = [
    ("AMB 1010", "Västerås", UnitKind.AMBULANCE), ("AMB 1020", "Västerås", UnitKind.AMBULANCE),
    ("IVA 1090", "Västerås", UnitKind.INTENSIVE_CARE), ("AMB 1110", "Sala", UnitKind.AMBULANCE),
    ("AMB 1210", "Köping", UnitKind.AMBULANCE), ("AMB 3010", "Uppsala", UnitKind.AMBULANCE),
    ("AMB 3020", "Uppsala", UnitKind.AMBULANCE), ("AMB 3110", "Enköping", UnitKind.AMBULANCE),
    ("AMB 3210", "Tierp", UnitKind.AMBULANCE), ("AMB 4010", "Eskilstuna", UnitKind.AMBULANCE),
    ("AMB 4020", "Eskilstuna", UnitKind.AMBULANCE), ("AMB 4110", "Katrineholm",
                                                      UnitKind.AMBULANCE),
    ("AMB 4210", "Nyköping", UnitKind.AMBULANCE), ("HKP 3900", "Uppsala", UnitKind.HELICOPTER),
    ("MVE 1500", "Västerås", UnitKind.MOBILE_CARE),
]
CAPABILITIES = {
    UnitKind.AMBULANCE: ["als"],
    UnitKind.INTENSIVE_CARE: ["als", "intensive_care", "bariatric"],
    UnitKind.HELICOPTER: ["als", "physician"],
    UnitKind.MOBILE_CARE: ["home_visit", "iv_antibiotics", "wound_care"],
}
USERS = [
    ("anna", "Anna Lindqvist", Role.DISPATCHER), ("erik", "Erik Holm", Role.DISPATCHER),
    ("sara", "Sara Nilsson", Role.CREW), ("johan", "Johan Berg", Role.CREW),
    ("maria", "Maria Ek", Role.CREW), ("ali", "Ali Hassan", Role.CREW),
    ("lars", "Lars Frivillig", Role.RESPONDER), ("karin", "Karin Mobil", Role.MOBILE_CARE),
    ("admin", "Administratör", Role.ADMIN),
    # Västerås's IVPA coordinator (seed_ivpa_demo links her): vets its volunteers in the admin.
    ("ulla", "Ulla Samordnare", Role.COORDINATOR),
    # The centre's manager (verksamhetschef): the follow-up screen, targets, monthly feedback.
    ("greta", "Greta Verksamhetschef", Role.MANAGER),
    # The official on duty (TiB): confirms a major incident on her phone (incidents/).
    ("tove", "Tove Tjänsteman", Role.TIB),
]
# Numbers from the range set aside for fiction (PTS: 070-1740605 to 070-1740699), so the
# SMS fallback of the demo never texts a real person.
DEMO_PHONE = {name: f"+467017406{i:02d}" for i, (name, _, _) in enumerate(USERS, start=5)}


class Command(BaseCommand):
    help = "Create the demo regions, stations, units and users (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        regions = {
            code: Region.objects.get_or_create(code=code, defaults={"name": name})[0]
            for code, name in REGIONS
        }
        stations = {}
        for name, region, lat, lon in STATIONS:
            stations[name] = Station.objects.get_or_create(
                name=name,
                defaults={"region": regions[region], "latitude": lat, "longitude": lon},
            )[0]
        for call_sign, station_name, kind in UNITS:
            station = stations[station_name]
            Unit.objects.get_or_create(
                call_sign=call_sign,
                defaults={
                    "kind": kind, "region": station.region, "home_station": station,
                    "capabilities": CAPABILITIES.get(kind, []), "latitude": station.latitude,
                    "longitude": station.longitude,
                },
            )
        created = []
        for username, name, role in USERS:
            user, new = User.objects.get_or_create(
                username=username,
                defaults={"display_name": name, "role": role, "phone_number": DEMO_PHONE[username],
                          "is_staff": role in (Role.ADMIN, Role.COORDINATOR),
                          "is_superuser": role == Role.ADMIN},
            )
            if new:
                user.password = demo_password_hash()
                user.save()
                created.append(username)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {Region.objects.count()} regions, {Station.objects.count()} "
            f"stations, {Unit.objects.count()} units, {User.objects.count()} users "
            f"({len(created)} new)."
        ))
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for username, name, role in USERS:
            self.stdout.write(f"  {username:<8} {role:<12} {name}")
