"""The demo's past (*historik*): a deterministic generator of a centre's calls, cases, priority
edits, dispatches, referrals, recontacts and hospital visits over the three demo regions, so
the follow-up has figures on a fresh `make run` (`manage.py seed_history`) and the benchmark
its 400,000 cases. One seed gives one history (random.Random(seed), the world read in a fixed
order). Generated records are marked: Case.reference and Call.call_id start with "H-", and the
hospital visits belong to an ImportRun named `HISTORY_RUN`."""

import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dispatch.models import Assignment, Call, Case, CaseChange
from followup.models import HospitalVisit, ImportKind, ImportRun

from . import shares as S
from .draw import REFERENCE_PREFIX, HistoryDraw
from .world import WorldMissing, world_load
from .writer import RowWriter

__all__ = ["HISTORY_RUN", "REFERENCE_PREFIX", "WorldMissing", "history_delete",
           "history_generate", "history_present"]

HISTORY_RUN = "seed_history"
CHUNK = 2000  # cases drawn before a write


def history_present() -> bool:
    return (Case.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()
            or Call.objects.filter(call_id__startswith=REFERENCE_PREFIX).exists())


@transaction.atomic
def history_delete() -> int:
    """Removes every generated record; returns the number of cases removed."""
    cases = Case.objects.filter(reference__startswith=REFERENCE_PREFIX)
    Assignment.objects.filter(case__in=cases).delete()
    CaseChange.objects.filter(case__in=cases).delete()
    removed = cases.count()
    cases.delete()
    Call.objects.filter(call_id__startswith=REFERENCE_PREFIX).delete()
    runs = ImportRun.objects.filter(kind=ImportKind.HOSPITAL_VISITS, file_name=HISTORY_RUN)
    HospitalVisit.objects.filter(import_run__in=runs).delete()
    runs.delete()
    return removed


def _day_counts(rng: random.Random, first: date, days: int, *, per_day: float | None,
                total: int | None) -> list[int]:
    """Cases per day: Poisson-like around per_day, higher in winter and on Mondays; with
    `total`, shared out so they add up to it exactly."""
    weights = []
    for i in range(days):
        day = first + timedelta(days=i)
        season = 1 + S.SEASON * math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
        weights.append(season * S.WEEKDAY[day.weekday()])
    if total is not None:
        scale = total / sum(weights)
        exact = [w * scale for w in weights]
        counts = [int(x) for x in exact]
        by_rest = sorted(range(days), key=lambda i: (counts[i] - exact[i], i))
        for i in by_rest[:total - sum(counts)]:
            counts[i] += 1
        return counts
    return [max(0, round(rng.gauss(per_day * w, math.sqrt(per_day * w)))) for w in weights]


def _moments(rng: random.Random, day: date, count: int, tz) -> list[datetime]:
    """`count` moments of one local day, by the hour's weight, in order."""
    cumulative, acc = [], 0.0
    for weight in S.HOURS:
        acc += weight
        cumulative.append(acc)
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
    seconds = sorted(rng.choices(range(24), cum_weights=cumulative, k=count))
    moments = [(midnight + timedelta(seconds=h * 3600 + rng.random() * 3600)) for h in seconds]
    return sorted(m.astimezone(UTC) for m in moments)


def _write(draw: HistoryDraw, writer: RowWriter) -> None:
    batch = draw.batch
    for name in ("calls", "cases", "assignments", "changes", "visits"):
        writer.write(name, getattr(batch, name))
    batch.__init__()


def history_generate(*, days: int, end: date | None = None, per_day: float = 60,
                     total: int | None = None, seed: int = 2026,
                     progress: Callable[[str], None] | None = None) -> dict:
    """Draws `days` days of history up to `end` (default yesterday, the centre's time) and
    writes it; `total` fixes the number of cases (recontacts come on top). Returns the counts
    (what `seed_history` summarises). Raises WorldMissing without seed_demo's world."""
    started, cpu = time.monotonic(), time.process_time()
    tz = ZoneInfo(settings.TIME_ZONE)
    end = end or timezone.localdate() - timedelta(days=1)
    first = end - timedelta(days=days - 1)
    until = datetime(end.year, end.month, end.day, tzinfo=tz) + timedelta(days=1)
    rng = random.Random(seed)
    world = world_load()
    counts = _day_counts(rng, first, days, per_day=per_day, total=total)
    step = max(1, days // 10)
    writer = RowWriter()
    with transaction.atomic():
        run = ImportRun.objects.create(kind=ImportKind.HOSPITAL_VISITS, file_name=HISTORY_RUN,
                                       sha256=HISTORY_RUN, at=timezone.now())
        draw = HistoryDraw(world, rng, until=until.astimezone(UTC), ids=writer.ids_start(),
                           run_id=run.pk, now=timezone.now())
        for i, count in enumerate(counts):
            day = first + timedelta(days=i)
            tertial = (day.month - 1) // 4 + 1
            day_end = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(days=1)
            fresh = [(at, None) for at in _moments(rng, day, count, tz)]
            due = draw.later_due(day_end)
            for at, later in sorted(fresh + due, key=lambda item: (item[0], item[1] is None)):
                if later is None and rng.random() < S.ABANDONED:
                    draw.abandoned_draw(at)
                draw.case_draw(at, tertial, later=later)
            if len(draw.batch.cases) >= CHUNK:
                _write(draw, writer)
            if progress and ((i + 1) % step == 0 or i + 1 == days):
                progress(f"  {100 * (i + 1) // days:3d} %  {day}  {draw.counts.cases:,} cases "
                         f"({time.monotonic() - started:.0f} s)")
        _write(draw, writer)
        writer.sequences_reset()
        run.rows = run.created = draw.counts.visits
        run.save(update_fields=["rows", "created"])
    return {**asdict(draw.counts), "days": days, "first": first.isoformat(),
            "last": end.isoformat(), "seed": seed,
            "seconds": round(time.monotonic() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1)}
