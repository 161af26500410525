"""No router request while a transaction holds locks, nor while a person waits for an answer
(real commits: transactional_db). A case's registration and a responder's accept decide on the
estimate inside their transaction and leave a due-now timer; the timer loop asks the router
after its own commit: a slow router (answering under its time-out) costs no other writer and
no dispatcher or volunteer a wait, and the router's times still reach the alerts."""

import threading
import time

import pytest
from django.db import connection, connections

import places.travel
from crews.models import Unit, UnitStatus
from ivpa import services
from ivpa.models import Aed, Callout, ResponderAlert
from places.travel import ESTIMATE, ROUTER
from tests.conftest import case_payload
from tests.live import wait_until
from tests.places.conftest import osrm, osrm_server  # noqa: F401 (fixtures)
from timers.services import fire_due_timers

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
        wait_until(lambda: router.requests, what="the router was never asked", timeout=60,
                   interval=0.01)
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
    case = arrest()
    assert slow_router.requests == []
    outcome: dict = {}
    other = _write_while_the_router_thinks(slow_router, outcome)
    assert fire_due_timers() >= 1
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
    fire_due_timers()  # the wave's
    slow_router.in_transaction.clear()
    accepted = services.alert_accept(alert=alert, by=ivpa.lars.user)
    assert slow_router.in_transaction == []
    assert [leg["source"] for leg in accepted.legs] == [ESTIMATE, ESTIMATE]
    assert fire_due_timers() == 1
    assert slow_router.in_transaction and not any(slow_router.in_transaction)
    stored = ResponderAlert.objects.get(pk=alert.pk)
    assert [leg["source"] for leg in stored.legs] == [ROUTER, ROUTER]
    assert stored.eta_source == ROUTER


def test_the_dispatcher_and_the_volunteer_get_their_answers_without_waiting_for_the_router(
    slow_router, api, demo, ivpa, settings
):
    # Each router request answered after 2 s here: an answer in under 1 s did not wait for one
    # (the first request of the process warmed up before, as a running server is).
    slow_router.delay = 2 * ROUTER_DELAY_S
    settings.ROUTER_TIMEOUT_SECONDS = 3 * slow_router.delay
    api(demo.anna).get("/api/cases/")
    Aed.objects.update(opening_hours="24/7")
    payload = case_payload(demo.vml, municipality="Västerås", case_type="cardiac_arrest",
                           complaint="Hjärtstopp")
    started = time.monotonic()
    answer = api(demo.anna).post("/api/cases/", payload, format="json")
    registered_in = time.monotonic() - started
    assert answer.status_code == 201, answer.content
    assert registered_in < slow_router.delay / 2 and slow_router.requests == []
    alert = ResponderAlert.objects.get(callout__case_id=answer.json()["id"],
                                       responder=ivpa.lars)
    started = time.monotonic()
    accepted = api(ivpa.lars.user).post(f"/api/ivpa/alerts/{alert.pk}/accept/", {},
                                        format="json", HTTP_IDEMPOTENCY_KEY="accept-lars-0001")
    accepted_in = time.monotonic() - started
    assert accepted.status_code == 200, accepted.content
    assert accepted_in < slow_router.delay / 2 and slow_router.requests == []
    assert {leg["source"] for leg in accepted.json()["legs"]} == {ESTIMATE}
    # The timer loop's turn: the router's times arrive afterwards.
    assert fire_due_timers() == 2
    assert set(ResponderAlert.objects.filter(callout__case_id=answer.json()["id"])
               .exclude(pk=alert.pk).values_list("eta_source", flat=True)) == {ROUTER}
    stored = ResponderAlert.objects.get(pk=alert.pk)
    assert {leg["source"] for leg in stored.legs} == {ROUTER} and stored.eta_source == ROUTER
