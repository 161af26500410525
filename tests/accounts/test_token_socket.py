"""An integration's socket: `Authorization: Token <key>` on /ws/stream/ (realtime.auth) asks
the same question as the API (accounts.services.api_token_authenticate)."""

import pytest
from channels.db import database_sync_to_async
from django.db import connections

from accounts.models import ApiToken
from accounts.services import api_token_issue, api_token_revoke
from tests.realtime.conftest import channel_layer  # noqa: F401  (a fresh layer per test)
from tests.realtime.test_consumers import WAIT, communicator, subscribe

from .test_tokens import signed_in_browser, token_from

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def close_worker_connections():
    yield
    await database_sync_to_async(connections.close_all)()


async def test_a_dispatchers_token_follows_the_console_stream(demo):
    _token, key = await database_sync_to_async(api_token_issue)(user=demo.anna)
    ws = communicator(key, origin=None)
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok
    _, answer = await subscribe(ws, "dispatch")
    assert answer["op"] == "subscribed"
    await ws.disconnect()


@pytest.mark.parametrize("end", ["revoked", "expired"])
async def test_a_revoked_or_expired_token_opens_no_socket(demo, end):
    token, key = await database_sync_to_async(api_token_issue)(user=demo.anna)
    if end == "revoked":
        await database_sync_to_async(api_token_revoke)(token=token, by=demo.admin)
    else:
        from django.utils import timezone

        await database_sync_to_async(
            ApiToken.objects.filter(pk=token.pk).update)(expires_at=timezone.now())
    ws = communicator(key, origin=None)
    ok, code = await ws.connect(timeout=WAIT)
    assert (ok, code) == (False, 4401)


@pytest.mark.parametrize("how", ["administrator", "session sign-out"])
async def test_an_open_socket_closes_when_its_token_is_revoked(demo, how):
    if how == "administrator":
        token, key = await database_sync_to_async(api_token_issue)(user=demo.anna)
    else:
        browser = await database_sync_to_async(signed_in_browser)(demo.anna)
        key = await database_sync_to_async(token_from)(browser)
        token = await database_sync_to_async(ApiToken.objects.get)(user=demo.anna)
    ws = communicator(key, origin=None)
    ok, _ = await ws.connect(timeout=WAIT)
    assert ok
    _, answer = await subscribe(ws, "dispatch")
    assert answer["op"] == "subscribed"
    if how == "administrator":
        await database_sync_to_async(api_token_revoke)(token=token, by=demo.admin)
    else:
        await database_sync_to_async(browser.post)(
            "/api/auth/logout/", HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    closed = await ws.receive_output(timeout=WAIT)
    assert closed == {"type": "websocket.close", "code": 4401}
