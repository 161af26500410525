"""manage.py partner_token "Polisregion Bergslagen": a new API token for a partner's service
account (e.g. when the old one was lost or is about to expire), printed once."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from safety.models import Partner
from safety.services.partners import partner_token_issue


class Command(BaseCommand):
    help = "Issue a new API token to a partner organisation and print it once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The partner's name, as partner_create was given it.")

    def handle(self, *args, name, **options):
        partner = Partner.objects.filter(name__iexact=name.strip()).first()
        if partner is None:
            known = ", ".join(Partner.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No partner named {name!r} (partners: {known}).")
        try:
            key = partner_token_issue(partner=partner)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"New API token for {partner.name} ({partner.user.username}), shown "
                          f"only now: {key}")
