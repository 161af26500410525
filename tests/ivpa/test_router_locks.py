"""No router request while a transaction holds locks (real commits: transactional_db). A case's
registration and a responder's accept decide on the estimate inside their transaction and ask
the router after it: a slow router (answering under its time-out) costs no other writer a wait,
and the router's times still reach the alerts."""

import threading
import time

import pytest
from django.db import connection, connections

import places.travel
from crews.models import Unit, UnitStatus
from ivpa import services
from ivpa.models import Aed, Callout, ResponderAlert
from places.travel import ROUTER
from tests.places.conftest import osrm, osrm_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

ROUTER_DELAY_S = 1.0  # every request answered after this, under the time-out below


@pytest.fixture
def slow_router(osrm, settings, monkeypatch):  # noqa: F811
    """The stand-in answering slowly but in time; each router call records whether its
    caller's connection was in a transaction."""
    settings.ROUTER_TIMEOUT_SECONDS = 3 * ROUTER_DELAY_S
    osrm.mode, osrm.delay = "timeout", ROUTER_DELAY_S
    osrm.in_transaction = []
    table = places.travel.router_table

    def recorded(**kwargs):
        osrm.in_transaction.append(connection.in_atomic_block)
        return table(**kwargs)

    monkeypatch.setattr(places.travel, "router_table", recorded)
    return osrm


def _write_while_the_router_thinks(router, outcome: dict) -> threading.Thread:
    """Another connection's write, started once the router has a request: how long it took,
    or the error (SQLite's "database table is locked")."""

    def write():
        deadline = time.monotonic() + 30
        while not router.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
        try:
            Unit.objects.filter(call_sign="AMB 4010").update(status=UnitStatus.EN_ROUTE)
        except Exception as error:  # noqa: BLE001 (reported by the test)
            outcome["error"] = repr(error)
        outcome["seconds"] = time.monotonic() - started
        connections.close_all()

    thread = threading.Thread(target=write, name="other-writer")
    thread.start()
    return thread


def test_a_slow_router_holds_no_lock_while_a_case_registers(slow_router, arrest, ivpa):
    outcome: dict = {}
    other = _write_while_the_router_thinks(slow_router, outcome)
    case = arrest()
    other.join(timeout=60)
    assert "error" not in outcome, outcome
    assert outcome["seconds"] < ROUTER_DELAY_S / 2
    assert slow_router.in_transaction and not any(slow_router.in_transaction)
    # The router's times reached the wave and the callout after the commit.
    alerts = ResponderAlert.objects.filter(callout__case=case)
    assert alerts.count() >= 4
    assert {a.eta_source for a in alerts} == {ROUTER}
    assert Callout.objects.get(case=case).ambulance_eta_source == ROUTER


def test_accepting_asks_the_router_for_the_legs_with_no_lock_held(slow_router, arrest, ivpa):
    Aed.objects.update(opening_hours="24/7")
    case = arrest()
    slow_router.in_transaction.clear()
    alert = ResponderAlert.objects.get(callout__case=case, responder=ivpa.lars)
    accepted = services.alert_accept(alert=alert, by=ivpa.lars.user)
    assert slow_router.in_transaction and not any(slow_router.in_transaction)
    assert [leg["source"] for leg in accepted.legs] == [ROUTER, ROUTER]
    stored = ResponderAlert.objects.get(pk=alert.pk)
    assert stored.legs == accepted.legs and stored.eta_source == ROUTER
