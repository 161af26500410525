"""Demo data for first-responder alerting: the municipalities of the three demo regions (three
connected), volunteers and a fire/rescue unit around Västerås, and public defibrillators.
Run after seed_demo. Idempotent; positions are refreshed each run so the volunteers are
selectable right away."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from crews.models import Region
from dispatch.management.commands.seed_demo import demo_password_hash
from ivpa import geo
from ivpa.models import Aed, Approval, Municipality, Responder, ResponderKind, Training

DEMO_PASSWORD = "larm-demo-2026"
MUNICIPALITIES = [
    ("1980", "Västerås", "VML", True), ("1981", "Sala", "VML", False),
    ("1983", "Köping", "VML", False), ("0380", "Uppsala", "UPP", True),
    ("0381", "Enköping", "UPP", False), ("0360", "Tierp", "UPP", False),
    ("0484", "Eskilstuna", "SRM", True), ("0483", "Katrineholm", "SRM", False),
    ("0480", "Nyköping", "SRM", False),
]
# (username, name, kind, latitude, longitude, phone): around Stora torget, Västerås. Phone
# numbers from the range set aside for fiction (PTS 070-1740605..699).
RESPONDERS = [
    ("lars", "Lars Frivillig", ResponderKind.VOLUNTEER, 59.6112, 16.5471, "+46701740611"),
    ("eva", "Eva Sjöberg", ResponderKind.VOLUNTEER, 59.6131, 16.5402, "+46701740620"),
    ("nils", "Nils Åkesson", ResponderKind.VOLUNTEER, 59.6052, 16.5533, "+46701740621"),
    ("olle", "Olle Grahn", ResponderKind.VOLUNTEER, 59.6201, 16.5305, "+46701740622"),
    ("rtj2110", "Räddning 2110 Västerås", ResponderKind.FIRE_RESCUE, 59.6166, 16.5651,
     "+46701740623"),
]
AEDS = [
    ("demo-1", "Stadshuset", 59.6105, 16.5435, "Entrén, vänster vägg", "Fiskartorget 1",
     "", "24/7"),
    ("demo-2", "Västerås Centralstation", 59.6074, 16.5519, "Vänthallen", "Centralplan 1",
     "", "Mo-Su 05:00-24:00"),
    ("demo-3", "Kyrkbacken", 59.6129, 16.5448, "Skåp vid kyrktrappan", "Djäknegatan 2",
     "1234", "24/7"),
]


class Command(BaseCommand):
    help = "Create the demo data of first-responder alerting (after seed_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        for code, name, region, connected in MUNICIPALITIES:
            municipality, _ = Municipality.objects.get_or_create(
                code=code, defaults={"name": name, "region": Region.objects.get(code=region)})
            if connected and municipality.connected_at is None:
                municipality.connected_at = now
                municipality.debrief_contact = "Krisstöd Region Västmanland, 021-17 30 00"
                municipality.save()
        vasteras = Municipality.objects.get(name="Västerås")
        today = timezone.localdate(now)
        coordinator = User.objects.filter(username="ulla", role=Role.COORDINATOR).first()
        if coordinator is not None:
            vasteras.coordinators.add(coordinator)
        for username, name, kind, lat, lon, phone in RESPONDERS:
            user, new = User.objects.get_or_create(
                username=username,
                defaults={"display_name": name, "role": Role.RESPONDER, "phone_number": phone})
            if new:
                user.password = demo_password_hash()
                user.save()
            fixed = kind != ResponderKind.VOLUNTEER
            # The demo's volunteers are vetted (the approval an administrator gives), so the
            # demo and the end-to-end tests alert them; a new sign-up waits for approval.
            vetted = {} if fixed else {
                "approval": Approval.APPROVED, "trained_on": today, "approved_at": now,
                "approved_until": today + timedelta(days=settings.IVPA_TRAINING_VALID_DAYS),
                "municipality": vasteras}
            Responder.objects.update_or_create(user=user, defaults={**vetted,
                "kind": kind,
                "training": Training.PROFESSIONAL if fixed else Training.CPR_AED,
                "training_confirmed_at": now, "available": True, "available_changed_at": now,
                "latitude": None if fixed else lat, "longitude": None if fixed else lon,
                "position_at": None if fixed else now,
                "station_latitude": lat if fixed else None,
                "station_longitude": lon if fixed else None,
                "cell": geo.cell_of(lat, lon), "registered_at": now,
            })
        for external_id, name, lat, lon, where, address, code, hours in AEDS:
            Aed.objects.update_or_create(external_id=external_id, defaults={
                "name": name, "latitude": lat, "longitude": lon, "location": where,
                "address": address, "access_code": code, "opening_hours": hours,
                "cell": geo.cell_of(lat, lon), "updated_at": now,
            })
        self.stdout.write(self.style.SUCCESS(
            f"IVPA demo ready: {Municipality.objects.exclude(connected_at=None).count()} "
            f"connected municipalities, {Responder.objects.count()} responders, "
            f"{Aed.objects.count()} defibrillators."
        ))
