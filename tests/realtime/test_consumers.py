"""The WebSocket stream at /ws/stream/, through the real ASGI router (origin check, session
or token authentication, URL routing) and the real channel layer of the shape under test."""

import json
import logging
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client
from django.utils import timezone
from uvicorn.protocols.utils import ClientDisconnected

from bench.sessions import session_cookie
from config.asgi import router
from dispatch import services as dispatch_services
from realtime import services as realtime_services
from realtime.consumers import MAX_FRAME, MAX_STREAMS
from realtime.models import Event
from realtime.services import event_publish, events_purge

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://testserver")
WAIT = 3  # seconds: the Redis layer is another process


@pytest.fixture(autouse=True)
async def close_worker_connections():
    """The consumer's queries run in asgiref's worker thread; close its connection after
    each test so that the test database can be dropped at the end of the run."""
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.fixture
def tokens(demo):
    """Per persona, the credential its screen signs the socket in with: the session cookie
    (an integration's `Authorization: Token` is a dispatcher's: tests/accounts)."""
    return {name: (b"cookie", session_cookie(getattr(demo, name)).encode())
            for name in ("anna", "sara", "johan", "lars", "karin", "maria", "admin")}


@pytest.fixture
def streams(demo):
    return {"own": f"unit.{demo.amb1010.pk}", "other": f"unit.{demo.amb3010.pk}"}


def communicator(token=None, *, origin=ORIGIN, extra=()):
    headers = [origin] if origin else []
    if isinstance(token, tuple):
        headers.append(token)
    elif token:
        headers.append((b"authorization", f"Token {token}".encode()))
    headers.extend(extra)
    return WebsocketCommunicator(router, "/ws/stream/", headers=headers)


async def connected(token):
    ws = communicator(token)
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok
    return ws


async def receive(ws):
    return await ws.receive_json_from(timeout=WAIT)


async def subscribe(ws, stream, after=None):
    """Subscribe and return (events replayed before the answer, the answer)."""
    await ws.send_json_to({"op": "subscribe", "stream": stream, "after": after})
    before = []
    while True:
        message = await receive(ws)
        if message["op"] in ("subscribed", "error"):
            return before, message
        before.append(message)


async def still_open(ws):
    await ws.send_json_to({"op": "ping", "t": 42})
    assert await receive(ws) == {"op": "pong", "t": 42}


publish = database_sync_to_async(event_publish)


async def head_of(stream):
    from realtime.selectors import stream_head

    return await database_sync_to_async(stream_head)(stream=stream)


# --- connecting ----------------------------------------------------------------------------


async def test_an_anonymous_connection_is_refused(demo):
    ws = communicator(None)
    ok, code = await ws.connect(timeout=WAIT)
    assert (ok, code) == (False, 4401)


async def test_a_wrong_token_is_refused(demo):
    ws = communicator("0" * 40)
    ok, code = await ws.connect(timeout=WAIT)
    assert (ok, code) == (False, 4401)


async def test_a_foreign_origin_is_refused(tokens):
    ws = communicator(tokens["anna"], origin=(b"origin", b"https://evil.example"))
    ok, _ = await ws.connect(timeout=WAIT)
    assert not ok


async def test_the_pwa_session_cookie_signs_the_socket_in(demo):
    client = Client()
    await database_sync_to_async(client.force_login)(demo.sara)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    ws = communicator(None, extra=[(b"cookie", cookie)])
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok
    _, answer = await subscribe(ws, f"unit.{demo.amb1010.pk}")
    assert answer["op"] == "subscribed"
    await ws.disconnect()


# --- subscribing ---------------------------------------------------------------------------


async def test_the_crew_follows_its_own_unit(tokens, streams):
    ws = await connected(tokens["sara"])
    head = await head_of(streams["own"])
    assert head >= 1  # sara joining the unit is on it
    replayed, answer = await subscribe(ws, streams["own"])
    assert replayed == []
    assert answer == {"op": "subscribed", "stream": streams["own"], "head": head,
                      "replayed": 0}
    await ws.disconnect()


@pytest.mark.parametrize(
    ("who", "stream"),
    [("sara", "other"), ("sara", "dispatch"), ("sara", "units"), ("johan", "own"),
     ("maria", "own"), ("lars", "own"), ("lars", "dispatch"), ("karin", "units"),
     ("anna", "user.1"), ("admin", "audit")],
)
async def test_a_stream_the_user_may_not_follow_is_refused_and_the_socket_stays_open(
    tokens, streams, who, stream
):
    stream = streams.get(stream, stream)
    ws = await connected(tokens[who])
    replayed, answer = await subscribe(ws, stream, after=0)
    assert replayed == []
    assert answer["op"] == "error" and answer["message"] == "You may not follow this stream."
    assert answer["request"]["stream"] == stream
    # Not subscribed: an event on that stream does not reach the socket.
    await publish(stream=stream, type="secret", data={"x": 1})
    assert await ws.receive_nothing(timeout=0.3)
    await still_open(ws)
    await ws.disconnect()


@pytest.mark.parametrize("stream", ["dispatch", "units", "own", "other"])
async def test_a_dispatcher_follows_the_console_streams_and_any_unit(tokens, streams, stream):
    ws = await connected(tokens["anna"])
    _, answer = await subscribe(ws, streams.get(stream, stream))
    assert answer["op"] == "subscribed"
    await ws.disconnect()


async def test_live_events_reach_the_units_crew_in_order_and_no_one_else(demo, tokens,
                                                                        streams, new_case):
    sara, johan = await connected(tokens["sara"]), await connected(tokens["johan"])
    _, answer = await subscribe(sara, streams["own"])
    await subscribe(johan, streams["other"])
    head = answer["head"]
    case = await database_sync_to_async(new_case)()
    await database_sync_to_async(dispatch_services.assignment_dispatch)(
        case=case, units=[demo.amb1010], by=demo.anna)
    first, second = await receive(sara), await receive(sara)
    assert [m["op"] for m in (first, second)] == ["event", "event"]
    assert [m["event"]["seq"] for m in (first, second)] == [head + 1, head + 2]
    assert [m["event"]["type"] for m in (first, second)] == ["unit.updated",
                                                            "assignment.created"]
    created = second["event"]
    assert created["v"] == 1 and created["stream"] == streams["own"]
    assert created["data"]["case"] == case.pk and created["data"]["status"] == "alerted"
    assert "personal_identity_number" not in json.dumps(created)
    assert await sara.receive_nothing(timeout=0.3)
    assert await johan.receive_nothing(timeout=0.3)
    await sara.disconnect()
    await johan.disconnect()


async def test_unsubscribing_stops_the_events(tokens, streams):
    ws = await connected(tokens["sara"])
    await subscribe(ws, streams["own"])
    await ws.send_json_to({"op": "unsubscribe", "stream": streams["own"]})
    assert await receive(ws) == {"op": "unsubscribed", "stream": streams["own"]}
    await publish(stream=streams["own"], type="t", data={})
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


# --- reconnect, replay, gaps ---------------------------------------------------------------


async def test_a_reconnecting_tablet_gets_exactly_the_missed_events_in_order(tokens, streams):
    stream = streams["own"]
    ws = await connected(tokens["sara"])
    _, answer = await subscribe(ws, stream)
    seen = answer["head"]
    await ws.disconnect()
    for n in range(3):  # while the tablet is in a tunnel
        await publish(stream=stream, type="missed", data={"n": n})
    ws = await connected(tokens["sara"])
    replayed, answer = await subscribe(ws, stream, after=seen)
    assert [(m["op"], m["event"]["seq"], m["event"]["data"]["n"]) for m in replayed] == [
        ("event", seen + 1, 0), ("event", seen + 2, 1), ("event", seen + 3, 2)]
    assert answer == {"op": "subscribed", "stream": stream, "head": seen + 3, "replayed": 3}
    # ...then live events continue from there, nothing twice.
    await publish(stream=stream, type="live", data={})
    live = await receive(ws)
    assert (live["event"]["seq"], live["event"]["type"]) == (seen + 4, "live")
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


async def test_replay_from_an_older_point_gives_the_rest(tokens, streams):
    stream = streams["own"]
    for n in range(4):
        await publish(stream=stream, type="t", data={"n": n})
    head = await head_of(stream)
    ws = await connected(tokens["sara"])
    replayed, answer = await subscribe(ws, stream, after=head - 2)
    assert [m["event"]["seq"] for m in replayed] == [head - 1, head]
    assert answer["replayed"] == 2
    _, again = await subscribe(ws, stream, after=head)
    assert again["replayed"] == 0 and again["head"] == head
    await ws.disconnect()


async def test_a_cursor_ahead_of_the_stream_gets_a_reset(tokens, streams):
    stream = streams["own"]
    head = await head_of(stream)
    ws = await connected(tokens["sara"])
    replayed, answer = await subscribe(ws, stream, after=head + 50)
    assert replayed == [{"op": "reset", "stream": stream, "head": head}]
    assert answer == {"op": "subscribed", "stream": stream, "head": head, "replayed": 0}
    await ws.disconnect()


async def test_a_purged_history_gets_a_reset_instead_of_a_partial_replay(tokens, streams):
    stream = streams["own"]
    seen = await head_of(stream)
    for _ in range(3):
        await publish(stream=stream, type="t", data={})

    def purge():
        Event.objects.filter(stream=stream).update(
            created_at=timezone.now() - timedelta(days=30))
        return events_purge()

    assert await database_sync_to_async(purge)() >= 3
    ws = await connected(tokens["sara"])
    replayed, answer = await subscribe(ws, stream, after=seen)
    assert replayed == [{"op": "reset", "stream": stream, "head": seen + 3}]
    assert answer["head"] == seen + 3 and answer["replayed"] == 0
    await ws.disconnect()


async def test_a_message_the_channel_layer_dropped_is_filled_from_the_log(tokens, streams,
                                                                          monkeypatch):
    stream = streams["own"]
    ws = await connected(tokens["sara"])
    _, answer = await subscribe(ws, stream)
    head = answer["head"]
    # The layer loses one message (Redis at capacity): stored, never sent.
    monkeypatch.setattr(realtime_services, "_send", lambda message: None)
    await publish(stream=stream, type="dropped", data={})
    assert await ws.receive_nothing(timeout=0.3)
    monkeypatch.undo()
    await publish(stream=stream, type="next", data={})
    got = [await receive(ws), await receive(ws)]
    assert [(m["event"]["seq"], m["event"]["type"]) for m in got] == [
        (head + 1, "dropped"), (head + 2, "next")]
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


async def test_sync_resends_what_was_missed(tokens, streams, monkeypatch):
    stream = streams["own"]
    ws = await connected(tokens["sara"])
    _, answer = await subscribe(ws, stream)
    monkeypatch.setattr(realtime_services, "_send", lambda message: None)
    await publish(stream=stream, type="dropped", data={})
    await ws.send_json_to({"op": "sync"})
    event, synced = await receive(ws), await receive(ws)
    assert (event["op"], event["event"]["seq"]) == ("event", answer["head"] + 1)
    assert synced == {"op": "synced", "replayed": 1, "heads": {stream: answer["head"] + 1}}
    await ws.send_json_to({"op": "sync"})
    assert await receive(ws) == {"op": "synced", "replayed": 0,
                                 "heads": {stream: answer["head"] + 1}}
    await ws.disconnect()


async def test_a_dropped_message_whose_history_is_gone_gives_a_reset(tokens, streams,
                                                                     monkeypatch):
    stream = streams["own"]
    ws = await connected(tokens["sara"])
    _, answer = await subscribe(ws, stream)
    monkeypatch.setattr(realtime_services, "_send", lambda message: None)
    await publish(stream=stream, type="dropped", data={})
    monkeypatch.undo()
    await database_sync_to_async(
        lambda: Event.objects.filter(stream=stream, type="dropped").delete())()
    await publish(stream=stream, type="next", data={})
    reset = await receive(ws)
    assert reset == {"op": "reset", "stream": stream, "head": answer["head"] + 2}
    assert await ws.receive_nothing(timeout=0.3)  # "next" is covered by the reset
    await ws.disconnect()


# --- malformed frames ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("not json at all", "The frame is not JSON."),
        ("{\"op\": ", "The frame is not JSON."),
        ("[1, 2, 3]", 'A request is a JSON object with an "op".'),
        ("\"subscribe\"", 'A request is a JSON object with an "op".'),
        ("{\"stream\": \"units\"}", 'A request is a JSON object with an "op".'),
        ("{\"op\": 5}", 'A request is a JSON object with an "op".'),
        ("{\"op\": \"publish\", \"stream\": \"dispatch\"}", "Unknown op"),
        ("{\"op\": \"_send\"}", "Unknown op"),
        ("{\"op\": \"subscribe\", \"stream\": \"Unit 5\"}", "Not a stream name."),
        ("{\"op\": \"subscribe\", \"stream\": \"unit..5\"}", "Not a stream name."),
        ("{\"op\": \"subscribe\", \"stream\": 5}", "Not a stream name."),
        ("{\"op\": \"subscribe\"}", "Not a stream name."),
        ("{\"op\": \"subscribe\", \"stream\": \"" + "u" * 95 + "\"}", "Not a stream name."),
        ("{\"op\": \"subscribe\", \"stream\": \"dispatch\", \"after\": -1}", '"after"'),
        ("{\"op\": \"subscribe\", \"stream\": \"dispatch\", \"after\": \"5\"}", '"after"'),
        ("{\"op\": \"subscribe\", \"stream\": \"dispatch\", \"after\": true}", '"after"'),
        ("{\"op\": \"subscribe\", \"stream\": \"dispatch\", \"after\": 1.5}", '"after"'),
        ("{\"op\": \"ping\", \"pad\": \"" + "x" * MAX_FRAME + "\"}", "at most 4 kB"),
    ],
)
async def test_a_malformed_frame_gets_an_error_and_the_socket_stays_open(tokens, frame,
                                                                         message):
    ws = await connected(tokens["anna"])
    await ws.send_to(text_data=frame)
    answer = await receive(ws)
    assert answer["op"] == "error"
    assert message in answer["message"]
    await still_open(ws)
    _, subscribed = await subscribe(ws, "dispatch")
    assert subscribed["op"] == "subscribed"
    await ws.disconnect()


async def test_a_binary_frame_gets_an_error(tokens):
    ws = await connected(tokens["anna"])
    await ws.send_to(bytes_data=b"\x00\x01")
    answer = await receive(ws)
    assert answer["op"] == "error" and "text frames" in answer["message"]
    await still_open(ws)
    await ws.disconnect()


async def test_one_socket_follows_at_most_so_many_streams(tokens):
    ws = await connected(tokens["anna"])
    for n in range(MAX_STREAMS):
        _, answer = await subscribe(ws, f"unit.{9000 + n}")
        assert answer["op"] == "subscribed"
    _, refused = await subscribe(ws, "unit.9999")
    assert refused["op"] == "error" and "Too many streams" in refused["message"]
    _, again = await subscribe(ws, "unit.9000")  # re-subscribing one it has is fine
    assert again["op"] == "subscribed"
    await ws.disconnect()


class BrowserGoneAway:
    """The router behind a server that refuses every send once the browser has gone (as
    uvicorn does: its ClientDisconnected is an OSError), e.g. while a subscribe is answered."""

    def __init__(self):
        self.gone = False

    async def __call__(self, scope, receive, send):
        async def send_or_refuse(message):
            if self.gone and message["type"] == "websocket.send":
                raise ClientDisconnected()
            await send(message)

        await router(scope, receive, send_or_refuse)


async def test_a_browser_that_leaves_mid_subscribe_is_no_error(tokens, streams, caplog):
    caplog.set_level("DEBUG", logger="realtime")
    app = BrowserGoneAway()
    ws = WebsocketCommunicator(app, "/ws/stream/", headers=[ORIGIN, tokens["sara"]])
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok
    app.gone = True  # the page navigates away as it subscribes
    await ws.send_json_to({"op": "subscribe", "stream": streams["own"], "after": 0})
    await ws.send_json_to({"op": "ping", "t": 1})
    await ws.send_input({"type": "websocket.disconnect", "code": 1001})
    await ws.wait(timeout=WAIT)  # the consumer ends without raising
    records = [r for r in caplog.records if r.name.startswith("realtime")]
    assert [r for r in records if r.levelno >= logging.WARNING] == []
    assert all(r.exc_info is None for r in records)
    assert any("closed by the browser" in r.getMessage() and r.levelno == logging.INFO
               for r in records)
