"""A request that PostgreSQL ended on a lock conflict (a deadlock's loser, a serialisation
failure) was rolled back whole: the person is told to send it again (503 with Retry-After,
which the PWA's outbox retries by itself), never a bare 500."""

import psycopg
import pytest
from django.db import OperationalError
from django.test import override_settings

from dispatch import services
from dispatch.models import Assignment


def lost_a_deadlock(**_kwargs):
    try:
        raise psycopg.errors.DeadlockDetected("deadlock detected")
    except psycopg.Error as cause:
        raise OperationalError("deadlock detected") from cause


@override_settings(LANGUAGE_CODE="sv")
def test_a_dispatch_that_lost_a_deadlock_is_answered_503_and_goes_through_when_sent_again(
        demo, api, new_case, monkeypatch):
    case = new_case()
    client = api(demo.anna)
    url = f"/api/cases/{case.pk}/dispatch/"
    send = services.assignment_dispatch
    monkeypatch.setattr(services, "assignment_dispatch", lost_a_deadlock)

    refused = client.post(url, {"units": [demo.amb1010.pk]}, format="json")

    assert refused.status_code == 503
    assert refused["Retry-After"] == "1"
    assert refused.json()["detail"] == ("Någon annan ändrade samma uppgift i samma stund. "
                                        "Inget av detta sparades; försök igen.")
    monkeypatch.setattr(services, "assignment_dispatch", send)
    again = client.post(url, {"units": [demo.amb1010.pk]}, format="json")
    assert again.status_code == 201, again.json()
    assert Assignment.objects.filter(case=case).count() == 1


def test_other_database_errors_are_not_called_lock_conflicts(demo, api, new_case, monkeypatch):
    def disk_full(**_kwargs):
        raise OperationalError("could not extend file: No space left on device")

    monkeypatch.setattr(services, "assignment_dispatch", disk_full)
    client = api(demo.anna)
    with pytest.raises(OperationalError):
        client.post(f"/api/cases/{new_case().pk}/dispatch/", {"units": [demo.amb1010.pk]},
                    format="json")
