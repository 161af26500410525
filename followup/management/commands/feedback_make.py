"""Make each dispatcher's monthly feedback for one month by hand (the timer makes it on the
first of every month): `manage.py feedback_make --month 2026-11`, or without --month the
month before this one. Making it again changes only what changed."""

import re
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from followup.services import dispatcher_reports_make
from followup.timers import month_before


def _month(text: str) -> date:
    found = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise CommandError("Give the month as YYYY-MM, e.g. --month 2026-11.")
    return date(int(found[1]), int(found[2]), 1)


class Command(BaseCommand):
    help = "Make every dispatcher's monthly feedback for one month (YYYY-MM; by default the " \
           "month before this one)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month, e.g. 2026-11 (by default the month "
                                             "before this one).")

    def handle(self, *args, month: str | None = None, **options):
        month_start = _month(month) if month else month_before(timezone.now())
        started = time.monotonic()
        self.stdout.write(f"Computing the figures for {month_start:%Y-%m}…")

        def progress(done: int, total: int) -> None:
            if done == total or done % 10 == 0:
                self.stdout.write(f"  {done}/{total} reports")

        made = dispatcher_reports_make(month=month_start, progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"{month_start:%Y-%m}: {made} dispatcher report(s) in "
            f"{time.monotonic() - started:.1f} s."))
