"""Two care plans for one person saved at once, in threads with their own database
connections: the check for an overlapping plan and the write are serialised per person
(core.locks), so exactly one is stored and the other is the 409 that names the first."""

import threading
from datetime import date

import pytest
from django.db import connection

from careplans import selectors, services
from careplans.models import CarePlan
from core.errors import Conflict
from tests.careplans.conftest import plan_payload
from tests.live import wait_until

# SQLite's shared in-memory test database answers a second writer "table is locked" at once
# instead of waiting (and serialises writes anyway), so real threads race only on PostgreSQL,
# as in tests/referrals/test_races.py.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads race on PostgreSQL"),
]


def plan_data(**overrides) -> dict:
    data = plan_payload(**overrides)
    for name in ("valid_from", "valid_to", "review_date", "consent_recorded_at"):
        data[name] = date.fromisoformat(data[name])
    return data


def someone_waits_for_an_advisory_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                       "AND NOT granted")
        return cursor.fetchone()[0] > 0


def test_two_plans_for_one_person_saved_at_once_one_is_stored(demo, monkeypatch):
    """Each save checks, then waits until the other has checked too before it writes (the
    race without a lock: both find no plan), unless the other is waiting for the person's
    lock (the race serialised: it checks after the first has written)."""
    checked = selectors.overlapping_plan
    arrived, done = [], []

    def both_or_serialised(seen: list) -> bool:
        return len(seen) >= 2 or someone_waits_for_an_advisory_lock()

    def check_when_both_are_there(**kwargs):
        arrived.append(threading.get_ident())
        wait_until(lambda: both_or_serialised(arrived),
                   what="the other save reaching the check or the person's lock")
        found = checked(**kwargs)
        done.append(threading.get_ident())
        wait_until(lambda: both_or_serialised(done),
                   what="the other save's check or its wait for the person's lock")
        return found

    monkeypatch.setattr(services, "overlapping_plan", check_when_both_are_there)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def save(i: int, unit: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = services.care_plan_create(by=demo.admin,
                                                   **plan_data(care_unit=unit))
        except Exception as exc:  # noqa: BLE001  (the outcome is what is compared)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i, unit))
               for i, unit in enumerate(["Västerås mobila team", "Köpings hemsjukvård"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    stored = [r for r in results if isinstance(r, CarePlan)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(stored) == 1 and len(refused) == 1, results
    assert stored[0].care_unit in refused[0].message
    assert CarePlan.objects.count() == 1
