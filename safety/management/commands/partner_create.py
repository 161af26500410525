"""manage.py partner_create "Polisregion Bergslagen" --kind police --regions VML[,ORE]
[--username polisen]: a partner organisation, its service account and its first API token,
printed once."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from safety.models import PartnerKind
from safety.services.partners import partner_create, partner_regions_resolve


class Command(BaseCommand):
    help = ("Create a partner organisation (police region, SOS Alarm, another centre) that "
            "reads and posts the shareable risk notices of its regions, and print its API "
            "token once.")

    def add_arguments(self, parser):
        parser.add_argument("name", help="The organisation's name, e.g. \"Polisregion "
                                         "Bergslagen\".")
        parser.add_argument("--kind", required=True, choices=PartnerKind.values)
        parser.add_argument("--regions", required=True,
                            help="The regions' codes, comma-separated, e.g. VML,UPP.")
        parser.add_argument("--username", default="",
                            help="The service account's user name (default from the name).")

    def handle(self, *args, name, kind, regions, username, **options):
        try:
            regions = partner_regions_resolve(codes=regions.split(","))
            partner, key = partner_create(name=name, kind=kind, regions=regions,
                                          username=username)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        codes = ",".join(r.code for r in regions)
        self.stdout.write(
            f"Partner {partner.name} ({partner.get_kind_display()}, regions {codes}) created "
            f"with the service account {partner.user.username}; its API token, shown only "
            f"now: {key}")
