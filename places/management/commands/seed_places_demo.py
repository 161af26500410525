"""The demo's municipality → region table, addresses and hospitals (places/data/:
municipalities.csv, demo_addresses.csv, hospitals.csv). Run after seed_demo (the regions).
Idempotent: a second run updates."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand

from places.services import hospitals_import

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
        hospitals = DATA / "hospitals.csv"
        if hospitals.exists():
            with hospitals.open(encoding="utf-8", newline="") as file:
                rows = enumerate(csv.DictReader(file), start=2)
                result = hospitals_import(rows=rows)
            self.stdout.write("hospitals.csv:")
            result_report(result, self.stdout, what="hospitals")
