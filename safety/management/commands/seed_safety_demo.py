"""The crew safety demo: the risk notices in Västerås (safety.demo) and the partner
organisation (safety.demo_partners). Idempotent. Run after seed_demo."""

import importlib

from django.core.management.base import BaseCommand

from safety.demo import notices_seed


class Command(BaseCommand):
    help = "Create the demo's risk notices and partner organisation (after seed_demo)."

    def handle(self, *args, **options):
        made, kept = notices_seed()
        partner = ""
        try:
            demo_partners = importlib.import_module("safety.demo_partners")
        except ImportError:
            demo_partners = None
        if demo_partners is not None:
            found, key = demo_partners.partners_seed()
            partner = f"; partner {found.name}" + (f" (token {key}, shown once)" if key
                                                  else "")
        self.stdout.write(f"Risk notices: {made} made, {kept} kept{partner}.")
