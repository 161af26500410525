"""`manage.py seed_history --days N`: the demo's past activity (followup.history), after
seed_demo. Deterministic by --seed; --replace removes an earlier run's records first; without
it, a second run with history present changes nothing and says so."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from followup.history import WorldMissing, history_delete, history_generate, history_present


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--end: {text!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = ("Generate past calls, cases, dispatches, referrals and hospital visits for the "
            "demo regions (run after seed_demo).")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365, help="days back from --end")
        parser.add_argument("--end", type=_date, default=None,
                            help="the last day (YYYY-MM-DD; default yesterday)")
        parser.add_argument("--per-day", type=float, default=60.0,
                            help="cases a day for the whole centre, on average")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--replace", action="store_true",
                            help="remove the history an earlier run made first")

    def handle(self, *args, days, end, per_day, seed, replace, **options):
        if days < 1 or per_day < 0:
            raise CommandError("--days must be at least 1 and --per-day not negative.")
        end = end or timezone.localdate() - timedelta(days=1)
        if history_present():
            if not replace:
                self.stdout.write("History is already there (cases H-...): nothing done; "
                                  "--replace makes it again.")
                return
            self.stdout.write(f"Removed the earlier history: {history_delete():,} cases.")
        self.stdout.write(f"History: {days} days up to {end}, about {per_day:g} cases a day, "
                          f"seed {seed}")
        try:
            made = history_generate(days=days, end=end, per_day=per_day, seed=seed,
                                    progress=self.stdout.write)
        except WorldMissing as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"History {made['first']} – {made['last']}: {made['cases']:,} cases "
            f"({made['referrals']:,} referrals, {made['recontacts_24h']:,} recontacts within "
            f"24 h), {made['calls']:,} calls, {made['assignments']:,} assignments, "
            f"{made['changes']:,} priority changes, {made['visits']:,} hospital visits; seed "
            f"{seed}, {made['seconds']:g} s."))
