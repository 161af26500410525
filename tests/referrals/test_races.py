"""Real races, in threads with their own database connections: two staff members of one unit
accepting at once, and an acceptance against the dispatcher's withdrawal. Exactly one wins;
the other gets a 409 that says who holds the patient, and the record never shows two."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role, User
from core.errors import Conflict
from crews.services import crew_join
from referrals import services
from referrals.models import Referral, ReferralTransition

# SQLite's shared in-memory test database answers a second writer "table is locked" at
# once instead of waiting, so real threads race only on PostgreSQL (the production shape);
# tests/referrals/test_lifecycle.py plays the same races out step by step on both.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="threads race on PostgreSQL"),
]


def race(*actions):
    """Run the actions at once; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=10)
            results[i] = action()
        except Exception as exc:  # noqa: BLE001  (the outcome is what is compared)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.fixture
def pia(care):
    user = User.objects.create(username="pia", display_name="Pia Mobil", role=Role.MOBILE_CARE)
    crew_join(user=user, unit=care.mve1500)
    return user


def test_two_staff_accepting_at_once_one_wins(demo, care, send, pia):
    referral = send()
    visit = timezone.now() + timedelta(hours=1)
    results = race(
        lambda: services.referral_accept(referral=referral, by=care.karin,
                                         expected_visit_at=visit),
        lambda: services.referral_accept(referral=referral, by=pia, expected_visit_at=visit),
    )
    won = [r for r in results if isinstance(r, Referral)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "already accepted" in lost[0].message
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.state == "accepted" and stored.responsible == "unit"
    assert stored.accepted_by_id == won[0].accepted_by_id
    assert ReferralTransition.objects.filter(referral=referral, to_state="accepted").count() == 1


def test_accepting_while_the_dispatcher_withdraws_one_wins(demo, care, send):
    referral = send()
    visit = timezone.now() + timedelta(hours=1)
    results = race(
        lambda: services.referral_accept(referral=referral, by=care.karin,
                                         expected_visit_at=visit),
        lambda: services.referral_withdraw(referral=referral, by=demo.anna),
    )
    won = [r for r in results if isinstance(r, Referral)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1 and len(lost) == 1, results
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.state == won[0].state
    assert (stored.state, stored.responsible) in {("accepted", "unit"),
                                                  ("withdrawn", "centre")}
    assert ReferralTransition.objects.filter(referral=referral).count() == 2


def test_closing_the_case_while_the_unit_accepts_leaves_one_party(demo, care, send):
    """The dispatcher closes the case as the unit accepts: either the close came first (the
    referral withdrawn, the acceptance refused, the centre holds the patient) or the
    acceptance did (it stands, the unit holds the patient); never an accepted referral
    undone behind the unit's back."""
    from dispatch.services import case_close
    from referrals.selectors import case_responsibility

    referral = send()
    visit = timezone.now() + timedelta(hours=1)
    results = race(
        lambda: services.referral_accept(referral=referral, by=care.karin,
                                         expected_visit_at=visit),
        lambda: case_close(case=referral.case, by=demo.anna),
    )
    stored = Referral.objects.get(pk=referral.pk)
    accepted = isinstance(results[0], Referral)
    assert accepted or isinstance(results[0], Conflict), results
    assert (stored.state, stored.responsible) == (
        ("accepted", "unit") if accepted else ("withdrawn", "centre"))
    assert case_responsibility(stored.case)["party"] == stored.responsible
    assert ReferralTransition.objects.filter(referral=referral).count() == 2
