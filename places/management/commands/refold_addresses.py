"""Refold the searched words of every address (`Address.folded`) from its street, locality and
municipality's current name: redoes a municipality rename's refold that a killed process left
half done. Writes only rows out of date; safe to run any time."""

import time

from django.core.management.base import BaseCommand

from places.services import addresses_refold_all


class Command(BaseCommand):
    help = "Refold every address's searched words (after an interrupted municipality rename)."

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(municipality, changed):
            if changed:
                self.stdout.write(f"… {municipality.name} ({municipality.code}): "
                                  f"{changed:,} addresses refolded")

        changed, municipalities = addresses_refold_all(progress=progress)
        self.stdout.write(f"{changed:,} addresses refolded in {municipalities:,} "
                          f"municipalities in {time.monotonic() - started:.1f} s")
