"""A partner organisation's token opens no event stream (only the shared notices' route)."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from config.asgi import router
from safety.demo_partners import partners_seed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def close_worker_connections():
    yield
    await database_sync_to_async(connections.close_all)()


async def test_a_partners_token_opens_no_socket(demo):
    _partner, key = await database_sync_to_async(partners_seed)()
    ws = WebsocketCommunicator(router, "/ws/stream/", headers=[
        (b"origin", b"http://testserver"), (b"authorization", f"Token {key}".encode())])
    ok, code = await ws.connect(timeout=30)
    assert (ok, code) == (False, 4401)
