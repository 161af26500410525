"""The demo's municipality → region table and addresses (places/data/: municipalities.csv,
demo_addresses.csv). Run after seed_demo (the regions). Idempotent: a second run updates."""

from pathlib import Path

from django.core.management.base import BaseCommand

from .import_addresses import import_file, result_report

DATA = Path(__file__).resolve().parents[2] / "data"
FILES = (("municipalities.csv", True), ("demo_addresses.csv", False))


class Command(BaseCommand):
    help = "Load the demo's municipalities and addresses (places/data/), after seed_demo."

    def handle(self, *args, **options):
        for name, municipalities in FILES:
            path = DATA / name
            if not path.exists():
                self.stdout.write(f"{path}: not there, skipped")
                continue
            self.stdout.write(f"{name}:")
            result = import_file(path, municipalities=municipalities, stdout=self.stdout)
            result_report(result, self.stdout,
                          what="municipalities" if municipalities else "rows")
