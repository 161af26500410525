"""Benchmark of the person behind a case (`GET /api/cases/{id}/person/`, careplans/access.py):
the person's earlier cases of the last 12 months among a year of a centre's cases, by personal
identity number and by the caller's number, and the care plan in force.

    python bench/person_history.py [--cases 200000] [--calls 200] [--json]
    python bench/person_history.py --database-url postgres://postgres@127.0.0.1:5432/postgres

Builds N cases over the last 13 months (identity numbers and caller numbers typed in the
forms a dispatcher types them: with and without the century, dash and spaces), among them
six of one person, and a care plan for that person, on a throwaway database (SQLite under
LARMKEDJAN_VAR_DIR or a temporary directory; or a PostgreSQL database next to
--database-url's, dropped after). Then times, after a warm-up that is not counted:

pin       `cases_of_person(personal_identity_number=...)`: by identity number;
phone     `case_pks_by_caller` and `cases_of_person(pks=...)`: by the caller's number
          (careplans.models.CaseCaller, the index of the numbers in E.164);
request   the whole request in the server's process (Django's test client, signed in as a
          dispatcher) for a case with an identity number: the case, the history, the plan,
          the access log, the JSON.

Prints the figures next to the load average; with --json the last line is the figures as JSON
(bench/run.py reads it).
"""

import argparse
import os
import random
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

PERSON_PIN = "19410315-9804"
PERSON_PHONE = "+46701740677"


def typed_pin(rng: random.Random) -> str:
    year, month, day = rng.randint(1925, 2020), rng.randint(1, 12), rng.randint(1, 28)
    serial = rng.randint(0, 9999)
    form = rng.random()
    if form < 0.6:
        return f"{year}{month:02d}{day:02d}-{serial:04d}"
    if form < 0.8:
        return f"{year % 100:02d}{month:02d}{day:02d}-{serial:04d}"
    if form < 0.9:
        return f"{year}{month:02d}{day:02d}{serial:04d}"
    return ""


def typed_phone(rng: random.Random) -> str:
    digits = f"7{rng.randint(0, 9)}{rng.randint(0, 9999999):07d}"
    form = rng.random()
    if form < 0.4:
        return f"+46{digits}"
    if form < 0.8:
        return f"0{digits[:2]}-{digits[2:5]} {digits[5:7]} {digits[7:]}"
    return f"0{digits}"


def build(cases: int, seed: int = 14):
    """The year's cases, the person's six and their plan; returns (the person's new case,
    dispatcher)."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Role, User
    from careplans.services import care_plan_create
    from crews.models import Region
    from dispatch.models import Case

    rng = random.Random(seed)
    region = Region.objects.create(code="VML", name="Region Västmanland")
    anna = User.objects.create(username="bench-anna", role=Role.DISPATCHER)
    now = timezone.now()
    batch, made = [], 0
    person_at = {rng.randrange(cases) for _ in range(6)}
    for i in range(cases):
        at = now - timedelta(minutes=rng.randint(5, 395 * 24 * 60))
        mine = i in person_at
        batch.append(Case(
            reference=f"VML-BENCH-{i:07d}", region=region,
            caller_number="070-174 06 77" if mine else typed_phone(rng),
            personal_identity_number=("410315-9804" if i % 2 else PERSON_PIN) if mine
            else typed_pin(rng), address="Stora torget 1", latitude=59.61, longitude=16.54,
            complaint="Bröstsmärta", mbs_priority="2A", priority="2A", status="closed",
            call_received_at=at, call_answered_at=at, registered_at=at, created_by=anna))
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            made += len(batch)
            batch = []
            print(f"   {made} cases", end="\r", flush=True)
    Case.objects.bulk_create(batch)
    print(f"   {cases} cases built      ")
    # Made in bulk, not registered: their callers indexed as careplans' receiver would.
    from careplans.models import CaseCaller
    from core.phones import phone_normalise

    rows = [CaseCaller(case_id=pk, number=phone_normalise(typed), registered_at=at)
            for pk, typed, at in Case.objects.values_list("pk", "caller_number",
                                                          "registered_at")]
    CaseCaller.objects.bulk_create(rows, batch_size=5000)
    today = timezone.localdate()
    care_plan_create(
        by=anna, personal_identity_number=PERSON_PIN, phones=[PERSON_PHONE],
        care_unit="Västerås mobila team", valid_from=today - timedelta(days=10),
        valid_to=today + timedelta(days=200), review_date=today + timedelta(days=90),
        consent_recorded_by="Eva Lind", consent_recorded_at=today - timedelta(days=11),
        consent_method="written", dispatcher_instructions="Ring teamet först.")
    new = Case.objects.create(
        reference="VML-BENCH-NEW", region=region, caller_number="070-174 06 77",
        personal_identity_number=PERSON_PIN, address="Stora torget 1", latitude=59.61,
        longitude=16.54, complaint="Andnöd", mbs_priority="2A", priority="2A",
        call_received_at=now, call_answered_at=now, registered_at=now, created_by=anna)
    return new, anna


def timed(calls: int, action) -> list[float]:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    db = Throwaway(args.database_url, args.keep, label="person")
    try:
        django_start()
        from datetime import timedelta

        from django.db import connection
        from django.test.utils import override_settings
        from django.utils import timezone
        from rest_framework.test import APIClient

        from careplans.selectors import case_pks_by_caller
        from dispatch.selectors import cases_of_person

        load_start = database_migrate(db, "person_history")
        case, anna = build(args.cases)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        since = timezone.now() - timedelta(days=365)
        client = APIClient()
        client.force_authenticate(user=anna)
        url = f"/api/cases/{case.pk}/person/"

        def by_pin():
            return cases_of_person(personal_identity_number=PERSON_PIN, since=since,
                                   exclude_pk=case.pk)

        def by_phone():
            return cases_of_person(pks=case_pks_by_caller(phone="070-174 06 77", since=since),
                                   since=since, exclude_pk=case.pk)

        def request():
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            return response

        with override_settings(ALLOWED_HOSTS=["*"]):
            found = len(request().json()["earlier_cases"])
            assert found == len(by_pin()) == len(by_phone()), (found, len(by_phone()))
            for action in (by_pin, by_phone, request):
                timed(args.warmup, action)
            pin = figures(timed(args.calls, by_pin))
            phone = figures(timed(args.calls, by_phone))
            whole = figures(timed(args.calls, request))
        load_end = os.getloadavg()
        report = {
            "benchmark": "person_history", "commit": commit_short(),
            "vendor": connection.vendor, "cases": args.cases, "found": found,
            "calls": args.calls, "pin": pin, "phone": phone, "request": whole,
            "loadavg_at_start": list(load_start), "loadavg_at_end": list(load_end),
        }
        print(f"   the person's earlier cases among {args.cases} cases of 13 months "
              f"({found} found), {args.calls} calls, {connection.vendor}")
        for name, fig in (("pin", pin), ("phone", phone), ("request", whole)):
            print(f"   {name:<9} p50 {fig['p50']:7.2f}  p95 {fig['p95']:7.2f}  "
                  f"p99 {fig['p99']:7.2f}  max {fig['max']:7.2f} ms")
        print(f"   load average {load_text(load_start)} -> {load_text(load_end)}")
        report_save(report, echo=args.json)
        return report
    finally:
        db.drop()


if __name__ == "__main__":
    main()
