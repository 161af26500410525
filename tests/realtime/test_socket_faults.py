"""Faults a socket must survive or end cleanly: a frame nested too deeply for the parser, a
handshake whose way in fails (refused with one log line, no traceback), a failure after it
(an outage in one line, a bug with its traceback), and a sign-out that must close the
session's sockets before any later event."""

import logging
import time

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db import OperationalError
from django.test import Client

from realtime.consumers import MAX_DEPTH
from realtime.schema import nesting_depth

from .test_consumers import (
    WAIT,
    communicator,
    connected,
    publish,
    receive,
    still_open,
    subscribe,
    tokens,  # noqa: F401
)

pytestmark = pytest.mark.django_db(transaction=True)


# --- a frame nested too deeply ------------------------------------------------------------


@pytest.mark.parametrize("frame", [
    "[" * 2000 + "]" * 2000,
    '{"op": "ping", "t": ' + "[" * 1500 + "]" * 1500 + "}",
    '{"op": "subscribe", "stream": ' + "{" * 1000 + "}" * 1000 + "}",
])
async def test_a_deeply_nested_frame_is_answered_and_the_socket_stays_open(tokens, frame):  # noqa: F811
    assert len(frame) <= 4096
    ws = await connected(tokens["anna"])
    answer = await receive_after_sending(ws, frame)
    assert answer["op"] == "error" and "nests too deeply" in answer["message"], answer
    await still_open(ws)
    _, subscribed = await subscribe(ws, "dispatch")
    assert subscribed["op"] == "subscribed"
    await ws.disconnect()


async def receive_after_sending(ws, text: str) -> dict:
    await ws.send_to(text_data=text)
    return await receive(ws)


async def test_frames_within_the_depth_limit_are_read_as_before(tokens):  # noqa: F811
    ws = await connected(tokens["anna"])
    nested = "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    answer = await receive_after_sending(ws, '{"op": "ping", "t": ' + nested + "}")
    assert answer["op"] == "pong"
    # Brackets inside strings are text, not nesting.
    answer = await receive_after_sending(ws, '{"op": "ping", "t": "' + "[{" * 500 + '"}')
    assert answer == {"op": "pong", "t": "[{" * 500}
    await ws.disconnect()


def test_nesting_depth_counts_only_structure():
    assert nesting_depth("{}") == 1
    assert nesting_depth('{"a": [[1], {"b": []}]}') == 4
    assert nesting_depth('{"a": "[[[[\\"]]]]"}') == 1
    assert nesting_depth("[" * 2000 + "]" * 2000) == 2000


# --- a handshake whose way in fails -----------------------------------------------------------


async def test_a_handshake_that_fails_on_the_way_in_is_refused_in_one_log_line(
        tokens, monkeypatch, caplog):  # noqa: F811
    """The session store does not answer (the database is away): the server refuses the
    handshake and says so in one line, without the traceback uvicorn prints for an
    exception out of the application ("Exception in ASGI application")."""

    def unreachable(self, *args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", unreachable)
    caplog.set_level(logging.WARNING)
    ws = communicator(tokens["sara"])
    ok, code = await ws.connect(timeout=WAIT)
    assert (ok, code) == (False, 1011)
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1, caplog.text
    assert "refused" in lines[0].getMessage() and "OperationalError" in lines[0].getMessage()
    assert lines[0].exc_info is None and "Traceback" not in caplog.text


@pytest.mark.parametrize(("failure", "bug"), [
    (RuntimeError("a bug in the consumer"), True),
    (OperationalError("server closed the connection unexpectedly"), False),
])
async def test_a_failure_after_the_handshake_is_logged_as_a_bug_unless_an_outage(
        tokens, monkeypatch, caplog, failure, bug):  # noqa: F811
    """Past the handshake only an outage (the database, the channel layer) is one line: any
    other failure is a bug, logged at ERROR with its traceback, once. Either closes with
    1011."""

    async def fails(self, message):
        raise failure

    monkeypatch.setattr("realtime.consumers.StreamConsumer.rt_event", fails)
    caplog.set_level(logging.WARNING)
    ws = await connected(tokens["anna"])
    await subscribe(ws, "dispatch")
    await publish(stream="dispatch", type="case.updated", data={})
    assert await ws.receive_output(timeout=WAIT) == {"type": "websocket.close", "code": 1011}
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1, caplog.text
    if bug:
        assert lines[0].levelno == logging.ERROR and lines[0].exc_info is not None
        assert "a bug in the consumer" in caplog.text and "Traceback" in caplog.text
    else:
        assert lines[0].levelno == logging.WARNING and lines[0].exc_info is None
        assert "OperationalError" in lines[0].getMessage() and "Traceback" not in caplog.text


# --- signing out --------------------------------------------------------------------------


@pytest.fixture
def slow_sign_out():
    """A sign-out with a moment between Django's user_logged_out signal (which revalidates the
    user's sockets) and the deletion of the session, as when the socket is held by another
    server process: its check of the session must not find it still there."""

    def linger(sender, **kwargs):
        time.sleep(0.5)

    user_logged_out.connect(linger, dispatch_uid="test-slow-sign-out")
    yield
    user_logged_out.disconnect(dispatch_uid="test-slow-sign-out")


async def signed_in_socket(user, stream):
    """A browser signed in as `user` and its socket on `stream`."""
    browser = Client()
    await database_sync_to_async(browser.force_login)(user)
    name = settings.SESSION_COOKIE_NAME
    ws = communicator((b"cookie", f"{name}={browser.cookies[name].value}".encode()))
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok
    await subscribe(ws, stream)
    return browser, ws


@pytest.mark.parametrize("path", ["/logout/", "/api/auth/logout/"])
async def test_signing_out_closes_the_sessions_socket_before_any_later_event(
        demo, slow_sign_out, path):
    stream = f"unit.{demo.amb1010.pk}"
    browser, ws = await signed_in_socket(demo.sara, stream)
    _, kept = await signed_in_socket(demo.sara, stream)  # another browser of hers stays in

    # Not in the thread the socket's database checks run in: like a request to another process.
    response = await sync_to_async(browser.post, thread_sensitive=False)(path)
    assert response.status_code in (200, 302), response.content[:300]
    await publish(stream=stream, type="assignment.created", data={"id": 1})

    assert await ws.receive_output(timeout=WAIT) == {"type": "websocket.close", "code": 4401}
    assert await ws.receive_nothing(timeout=0.5)
    event = await receive(kept)
    assert event["op"] == "event" and event["event"]["data"] == {"id": 1}
    await still_open(kept)
    await kept.disconnect()
