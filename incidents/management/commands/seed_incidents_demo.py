"""The major incident demo: the healthcare region's seven regions and their contacts
(incidents.demo). Idempotent. Run after seed_demo (tove, the regions of this centre)."""

from django.core.management.base import BaseCommand

from incidents.demo import alarm_regions_seed
from incidents.models import AlarmContact, AlarmRegion


class Command(BaseCommand):
    help = "Create the demo's alarm regions and their contacts (after seed_demo)."

    def handle(self, *args, **options):
        regions, contacts = alarm_regions_seed()
        self.stdout.write(
            f"Alarm regions: {regions} made, {AlarmRegion.objects.count()} in all; contacts: "
            f"{contacts} made, {AlarmContact.objects.count()} in all.")
