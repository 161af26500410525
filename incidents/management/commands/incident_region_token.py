"""manage.py incident_region_token ORB: a new inbound CAP token for a region of the healthcare
region (the one its system posts CAP to /api/incidents/cap/ with), printed once; the old one
stops working."""

from django.core.management.base import BaseCommand, CommandError

from incidents.models import AlarmRegion
from incidents.services.regions import region_inbound_token_issue


class Command(BaseCommand):
    help = "Issue a new inbound CAP token to a region and print it once."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The region's code (AlarmRegion.code, e.g. ORB).")

    def handle(self, *args, code, **options):
        region = AlarmRegion.objects.filter(code__iexact=code.strip()).first()
        if region is None:
            known = ", ".join(AlarmRegion.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No region with code {code!r} (regions: {known}).")
        token = region_inbound_token_issue(region=region)
        self.stdout.write(f"New inbound CAP token for {region.name} ({region.code}), shown only "
                          f"now: {token}\nIts system posts with: Authorization: Bearer <token>")
