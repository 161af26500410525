"""A responder's socket: their own alerts live, nobody else's, and what they missed while
the phone was in a pocket replayed on reconnect (the real router and channel layer)."""

import json

import pytest
from channels.db import database_sync_to_async
from django.db import connections

from bench.sessions import session_cookie
from ivpa import services
from ivpa.models import Callout
from tests.realtime.conftest import channel_layer  # noqa: F401  (a fresh layer per test)
from tests.realtime.test_consumers import connected, receive, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def close_worker_connections():
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def tokens(ivpa, demo):
    users = {"lars": ivpa.lars.user, "eva": ivpa.eva.user, "anna": demo.anna,
             "sara": demo.sara}
    return {name: (b"cookie", session_cookie(user).encode()) for name, user in users.items()}


async def test_a_volunteer_gets_the_alert_live_without_the_patient(ivpa, tokens, arrest):
    ws = await connected(tokens["lars"])
    _, answer = await subscribe(ws, f"responder.{ivpa.lars.user_id}")
    assert answer["op"] == "subscribed"
    case = await database_sync_to_async(arrest)()
    message = await receive(ws)
    event = message["event"]
    assert (event["type"], event["data"]["case_type"]) == ("alert.created", "cardiac_arrest")
    assert event["data"]["distance_m"] < 300
    text = json.dumps(message)
    for secret in (case.address, case.patient_name, case.personal_identity_number,
                   case.caller_number):
        assert secret not in text
    assert await ws.receive_nothing(timeout=0.3)  # eva's alert is not on lars's socket
    await ws.disconnect()


@pytest.mark.parametrize(("who", "stream"), [
    ("eva", "responder.lars"), ("sara", "responder.lars"), ("lars", "ivpa"),
    ("lars", "dispatch"),
])
async def test_nobody_follows_another_responders_alerts(ivpa, tokens, who, stream):
    stream = stream.replace("lars", str(ivpa.lars.user_id))
    ws = await connected(tokens[who])
    _, answer = await subscribe(ws, stream, after=0)
    assert answer["op"] == "error"
    await ws.disconnect()


async def test_the_dispatcher_follows_the_callout_live(ivpa, tokens, arrest):
    ws = await connected(tokens["anna"])
    await subscribe(ws, "ivpa")
    await database_sync_to_async(arrest)()
    event = (await receive(ws))["event"]
    assert event["type"] == "callout.started"
    names = {a["name"] for a in event["data"]["alerts"]}
    assert {"Lars Frivillig", "Eva Sjöberg", "Räddning 2110 Västerås"} <= names
    await ws.disconnect()


async def test_a_phone_that_reconnects_gets_the_alert_and_the_stand_down_it_missed(
        ivpa, tokens, arrest, demo):
    stream = f"responder.{ivpa.lars.user_id}"
    ws = await connected(tokens["lars"])
    _, answer = await subscribe(ws, stream)
    seen = answer["head"]
    await ws.disconnect()

    def alert_then_cancel():
        callout = Callout.objects.get(case=arrest())
        services.callout_end(callout=callout, reason="cancelled", by=demo.anna)

    await database_sync_to_async(alert_then_cancel)()
    ws = await connected(tokens["lars"])
    replayed, answer = await subscribe(ws, stream, after=seen)
    assert [m["event"]["type"] for m in replayed] == ["alert.created", "alert.ended"]
    assert replayed[1]["event"]["data"]["status"] == "stood_down"
    assert answer["replayed"] == 2
    await ws.disconnect()
