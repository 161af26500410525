"""A socket lives no longer than the credential it signed in with, whether or not its client
pings: a token that expires, is revoked or deleted, a session past its absolute timeout, a
password change (which ends the sessions signed in with the old password and the tokens tied
to them). Each closes with 4401 and nothing is sent after it."""

import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connections
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import api_token_issue
from accounts.sessions import session_signed_in_until
from tests.realtime.conftest import channel_layer  # noqa: F401  (a fresh layer per test)
from tests.realtime.test_consumers import (
    WAIT,
    communicator,
    publish,
    receive,
    still_open,
    subscribe,
)

from .test_tokens import signed_in_browser, token_from, with_token

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED = {"type": "websocket.close", "code": 4401}
LONG = WAIT + 10  # the credential ends a moment after the socket opened: wait well past it


@pytest.fixture(autouse=True)
async def close_worker_connections():
    yield
    await database_sync_to_async(connections.close_all)()


async def opened(credential, stream="dispatch"):
    """A socket signed in with a token key, or a (b"cookie", ...) header, following `stream`."""
    ws = communicator(credential, origin=None)
    ok, code = await ws.connect(timeout=WAIT)
    assert ok, code
    _, answer = await subscribe(ws, stream)
    assert answer["op"] == "subscribed", answer
    return ws


async def hear(sockets, stream="dispatch", n=0):
    """An event published now reaches each of `sockets`: they work."""
    await publish(stream=stream, type="case.updated", data={"n": n})
    for ws in sockets:
        event = await receive(ws)
        assert event["op"] == "event" and event["event"]["data"] == {"n": n}, event


async def closes_and_hears_nothing_more(ws, stream="dispatch", timeout=WAIT):
    """The socket is closed with 4401 (no ping sent) and an event published afterwards is not
    sent on it."""
    assert await ws.receive_output(timeout=timeout) == CLOSED
    await publish(stream=stream, type="case.updated", data={"n": 1})
    assert await ws.receive_nothing(timeout=0.5)


def cookie_of(browser: Client) -> tuple[bytes, bytes]:
    name = settings.SESSION_COOKIE_NAME
    return (b"cookie", f"{name}={browser.cookies[name].value}".encode())


# --- tokens ----------------------------------------------------------------------------------


async def test_a_tokens_socket_closes_when_the_token_expires(demo):
    token, key = await database_sync_to_async(api_token_issue)(user=demo.anna)
    await database_sync_to_async(ApiToken.objects.filter(pk=token.pk).update)(
        expires_at=timezone.now() + timedelta(seconds=2))
    ws = await opened(key)
    await hear([ws])
    await closes_and_hears_nothing_more(ws, timeout=LONG)


async def test_a_tokens_socket_closes_when_the_administrator_revokes_it(demo):
    token, key = await database_sync_to_async(api_token_issue)(user=demo.anna)
    ws = await opened(key)
    await hear([ws])
    admin = Client()
    await database_sync_to_async(admin.force_login)(demo.admin)
    response = await database_sync_to_async(admin.post)(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    await closes_and_hears_nothing_more(ws)


def test_the_admin_deletes_no_token(demo):
    """Revoking is the only way to end a token in the admin: the record stays, and the
    socket signed in with it is told."""
    token, _key = api_token_issue(user=demo.anna)
    admin = Client()
    admin.force_login(demo.admin)
    assert admin.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403
    page = admin.get("/admin/accounts/apitoken/").content.decode()
    assert "delete_selected" not in page and 'value="revoke"' in page
    admin.post("/admin/accounts/apitoken/", {"action": "delete_selected",
                                             "_selected_action": [token.pk], "post": "yes"})
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize("deleted", ["the token", "its user"])
async def test_a_tokens_socket_closes_when_the_token_is_deleted(demo, deleted):
    """Whatever deletes it (the user's deletion takes its tokens with it)."""
    holder = await database_sync_to_async(User.objects.create_user)(
        "integration", password=None, role="dispatcher", is_service_account=True)
    token, key = await database_sync_to_async(api_token_issue)(user=holder, by=demo.admin)
    ws = await opened(key)
    await hear([ws])
    if deleted == "the token":
        await database_sync_to_async(ApiToken.objects.filter(pk=token.pk).delete)()
    else:
        await database_sync_to_async(holder.delete)()
    await closes_and_hears_nothing_more(ws)


# --- sessions --------------------------------------------------------------------------------


async def test_a_sessions_socket_closes_at_its_absolute_timeout(demo):
    stream = f"unit.{demo.amb1010.pk}"
    browser = await database_sync_to_async(signed_in_browser)(demo.sara)

    def near_its_end():
        session = browser.session
        session["signed_in_at"] = time.time() - settings.SESSION_ABSOLUTE_TIMEOUT + 2
        session.save()

    await database_sync_to_async(near_its_end)()
    ws = await opened(cookie_of(browser), stream)
    await hear([ws], stream)
    await closes_and_hears_nothing_more(ws, stream, timeout=LONG)


# --- a password change -----------------------------------------------------------------------


async def test_a_password_change_closes_the_sessions_sockets_and_ends_their_tokens(demo):
    """An administrator resets a stolen account's password: the browser signed in with the
    old one, the token it made and the sockets of both end at once; another user's socket
    stays."""
    stream = f"unit.{demo.amb1010.pk}"
    browser = await database_sync_to_async(signed_in_browser)(demo.anna)
    key = await database_sync_to_async(token_from)(browser)
    by_session = await opened(cookie_of(browser), stream)
    by_token = await opened(key, stream)
    crew = await database_sync_to_async(signed_in_browser)(demo.sara)
    other = await opened(cookie_of(crew), stream)
    await hear([by_session, by_token, other], stream)

    def reset():
        anna = User.objects.get(pk=demo.anna.pk)
        anna.set_password("ett-nytt-langt-losen")
        anna.save()

    await database_sync_to_async(reset)()
    for ws in (by_session, by_token):
        assert await ws.receive_output(timeout=WAIT) == CLOSED
    await publish(stream=stream, type="case.updated", data={"n": 1})
    event = await receive(other)
    assert event["event"]["data"] == {"n": 1}
    for ws in (by_session, by_token):
        assert await ws.receive_nothing(timeout=0.5)
    me = await database_sync_to_async(with_token(key).get)("/api/me/")
    assert me.status_code == 403
    token = await database_sync_to_async(ApiToken.objects.get)(user=demo.anna)
    assert token.revoked_at is not None
    await other.disconnect()


def test_a_session_whose_password_changed_is_no_longer_signed_in(demo):
    """The check of accounts.sessions, whoever asks it (a socket's ping, a token's session):
    the password's hash as Django's get_user checks it, with SECRET_KEY's fallbacks."""
    browser = signed_in_browser(demo.anna)
    key = browser.session.session_key
    assert session_signed_in_until(user=demo.anna, session_key=key) is not None
    # Not through save(): no signal tells anyone, the check alone sees it.
    User.objects.filter(pk=demo.anna.pk).update(password=make_password("ett-annat-losen"))
    anna = User.objects.get(pk=demo.anna.pk)
    assert session_signed_in_until(user=anna, session_key=key) is None
    assert browser.get("/api/me/").status_code == 403  # as Django sees it


def test_a_session_signed_in_under_a_former_secret_key_still_counts(demo, settings):
    browser = signed_in_browser(demo.anna)
    key = browser.session.session_key
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert session_signed_in_until(user=demo.anna, session_key=key) is not None


async def test_a_ping_after_an_unannounced_password_change_closes_the_socket(demo):
    browser = await database_sync_to_async(signed_in_browser)(demo.sara)
    ws = await opened(cookie_of(browser), f"unit.{demo.amb1010.pk}")
    await still_open(ws)
    await database_sync_to_async(User.objects.filter(pk=demo.sara.pk).update)(
        password=make_password("ett-annat-losen"))
    await ws.send_json_to({"op": "ping", "t": 1})
    assert await ws.receive_output(timeout=WAIT) == CLOSED
