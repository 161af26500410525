"""Benchmark of editing a case (`PATCH /api/cases/{id}/`, dispatch/services/case_edit.py) and of
reading its history (`GET /api/cases/{id}/history/`, dispatch/history.py).

    python bench/case_edit.py [--edits 300] [--json]
    python bench/case_edit.py --database-url postgres://postgres@127.0.0.1:5432/postgres

On a throwaway database (SQLite under LARMKEDJAN_VAR_DIR or a temporary directory; or a
PostgreSQL database next to --database-url's, dropped after) with one case and two units on it
(each with its crew), times in the server's process (Django's test client, signed in as a
dispatcher), after a warm-up that is not counted:

edit      a PATCH that changes the priority (with its reason) and the door code on the version
          the editor has: the version claimed, three history rows, the access log, the events to
          the console and to both units' crews, the answer;
history   the case's history once it holds every edit made (hundreds of changes, the units'
          statuses), with its log entry.

Prints the figures next to the load average; with --json the last line is the figures as JSON.
Not a timed test: the figures depend on the machine.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Throwaway,
    commit_short,
    database_migrate,
    django_start,
    figures,
    load_text,
    report_save,
)


def build():
    """One case, two units on it, their crews; returns (case, dispatcher)."""
    from django.utils import timezone

    from accounts.models import Role, User
    from crews.models import CrewShift, Region, Station, Unit, UnitKind
    from dispatch.models import Case
    from dispatch.services import assignment_dispatch

    region = Region.objects.create(code="VML", name="Region Västmanland")
    station = Station.objects.create(name="Västerås", region=region, latitude=59.61,
                                     longitude=16.54)
    now = timezone.now()
    units = [Unit.objects.create(call_sign=f"B {i}", kind=UnitKind.AMBULANCE, region=region,
                                 home_station=station, capabilities=["als"]) for i in (1, 2)]
    for i, unit in enumerate(units):
        crew = User.objects.create(username=f"bench-crew-{i}", role=Role.CREW)
        CrewShift.objects.create(user=crew, unit=unit, joined_at=now)
    anna = User.objects.create(username="bench-anna", role=Role.DISPATCHER)
    case = Case.objects.create(
        region=region, caller_number="+46701740605", complaint="Andningsbesvär",
        address="Stora torget 1, Västerås", latitude=59.6099, longitude=16.5448,
        mbs_priority="2A", priority="2A", call_received_at=now, call_answered_at=now,
        registered_at=now, created_by=anna, reference="VML-BENCH-EDIT")
    assignment_dispatch(case=case, units=units, by=anna)
    return case, anna


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--reads", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    db = Throwaway(args.database_url, args.keep, label="caseedit")
    try:
        django_start()
        load_start = database_migrate(db, "case edit")
        from django.db import connection
        from rest_framework.test import APIClient

        case, anna = build()
        client = APIClient()
        client.force_authenticate(user=anna)
        url = f"/api/cases/{case.pk}/"
        version = 1

        def edit(i: int) -> None:
            nonlocal version
            body = {"priority": "1A" if i % 2 == 0 else "2A", "door_code": str(1000 + i),
                    "priority_change_reason": f"Ändrad bedömning {i}", "version": version}
            answer = client.patch(url, body, format="json")
            assert answer.status_code == 200, answer.content
            version = answer.json()["version"]

        def history() -> None:
            answer = client.get(url + "history/")
            assert answer.status_code == 200, answer.content

        for i in range(args.warmup):
            edit(i)
        samples = []
        for i in range(args.warmup, args.warmup + args.edits):
            started = time.perf_counter()
            edit(i)
            samples.append((time.perf_counter() - started) * 1000)
        edit_figures = figures(samples)
        for _ in range(5):
            history()
        reads = []
        for _ in range(args.reads):
            started = time.perf_counter()
            history()
            reads.append((time.perf_counter() - started) * 1000)
        history_figures = figures(reads)
        entries = len(client.get(url + "history/").json()["entries"])
        load_end = os.getloadavg()
        print(f"   edit     {edit_figures}")
        print(f"   history  {history_figures} ({entries} entries)")
        print(f"   load average {load_text(load_start)} -> {load_text(load_end)}")
        report = {"benchmark": "case-edit", "commit": commit_short(),
                  "vendor": connection.vendor, "edit_ms": edit_figures,
                  "history_ms": history_figures, "history_entries": entries,
                  "load_start": list(load_start), "load_end": list(load_end)}
        report_save(report, echo=args.json)
        return report
    finally:
        db.drop()


if __name__ == "__main__":
    main()
