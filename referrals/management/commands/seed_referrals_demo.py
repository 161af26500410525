"""Demo data for referrals: the profile of MVE 1500 (Västerås, Hallstahammar), a second
mobile care unit in Uppsala (MVE 3500) with its profile, a second staff member, and karin
joined to MVE 1500. Run after seed_demo. Idempotent: the profiles are set to the demo values
each run, and a staff member already on a unit stays there."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from crews.models import CrewShift, Station, Unit, UnitKind
from crews.services import crew_join
from dispatch.management.commands.seed_demo import demo_password_hash
from referrals.models import MobileCareProfile

DEMO_PASSWORD = "larm-demo-2026"
# (call sign, station, municipalities, (centre lat, lon, radius km) or None, hours, skills,
# capacity)
UNITS = [
    ("MVE 1500", "Västerås", ["Västerås", "Hallstahammar"], None, "Mo-Su 07:00-22:00",
     ["home_visit", "iv_antibiotics", "wound_care", "catheter_care", "blood_sampling",
      "medication_review"], 4),
    ("MVE 3500", "Uppsala", ["Uppsala"], (59.8586, 17.6389, 25.0), "Mo-Fr 08:00-20:00",
     ["home_visit", "palliative", "catheter_care", "blood_sampling"], 3),
]
# (username, name, unit): fiction-range phone numbers (PTS 070-1740605..699).
STAFF = [
    ("karin", "Karin Mobil", "MVE 1500", "+46701740612"),
    ("mats", "Mats Hemsjukvård", "MVE 3500", "+46701740624"),
]


class Command(BaseCommand):
    help = "Create the demo data of referrals to mobile care units (after seed_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        for call_sign, station_name, municipalities, centre, hours, skills, capacity in UNITS:
            station = Station.objects.get(name=station_name)
            unit, _ = Unit.objects.get_or_create(
                call_sign=call_sign,
                defaults={"kind": UnitKind.MOBILE_CARE, "region": station.region,
                          "home_station": station, "capabilities": skills,
                          "latitude": station.latitude, "longitude": station.longitude})
            lat, lon, radius = centre or (None, None, None)
            MobileCareProfile.objects.update_or_create(unit=unit, defaults={
                "available": True, "available_changed_at": now,
                "municipalities": municipalities, "centre_latitude": lat,
                "centre_longitude": lon, "radius_km": radius, "opening_hours": hours,
                "skills": skills, "capacity": capacity, "updated_at": now})
        for username, name, call_sign, phone in STAFF:
            user, new = User.objects.get_or_create(
                username=username,
                defaults={"display_name": name, "role": Role.MOBILE_CARE,
                          "phone_number": phone})
            if new:
                user.password = demo_password_hash()
                user.save()
                self.stdout.write(f"  {username:8} {DEMO_PASSWORD}  (mobile care, {call_sign})")
            if not CrewShift.objects.filter(user=user, left_at__isnull=True).exists():
                crew_join(user=user, unit=Unit.objects.get(call_sign=call_sign))
        self.stdout.write("Referral demo data ready: MVE 1500 (karin), MVE 3500 (mats).")
