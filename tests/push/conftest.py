"""Push tests: VAPID keys of their own, a loopback push service, fake browsers, and the
console SMS backend writing into the test's own directory."""

import pytest
from django.db import connections

from push import sender
from push.vapid import generate_keys

from .loopback import FakeBrowser, LoopbackPushService

VAPID = generate_keys()
SUBJECT = "mailto:test@larmkedjan.example"


@pytest.fixture(autouse=True)
def push_settings(settings, tmp_path):
    settings.VAPID_PRIVATE_KEY = VAPID["private_key"]
    settings.VAPID_PUBLIC_KEY = VAPID["public_key"]
    settings.VAPID_SUBJECT = SUBJECT
    settings.VAPID_FILE = tmp_path / "vapid.json"
    settings.VAPID_AUTO_GENERATE = False
    settings.PUSH_ALLOW_INSECURE_ENDPOINTS = True
    settings.PUSH_GRACE_SECONDS = 5
    settings.PUSH_RETRY_SECONDS = 2
    settings.PUSH_MAX_ATTEMPTS = 5
    # The in-memory SQLite test database (shared cache) refuses a second writer at once
    # ("table is locked") where the product's file database waits: there, sends run inline
    # after commit (test_sends_run_in_the_pool covers the pool on SQLite too).
    settings.PUSH_SEND_THREADS = 0 if connections["default"].vendor == "sqlite" else 2
    settings.SMS_BACKEND = "console"
    settings.SMS_OUTBOX_PATH = tmp_path / "sms-outbox.log"
    settings.SMS_SITE_URL = ""
    # Tests move the clock on by minutes; an assignment's own resend (after 30 s unacknowledged)
    # would wake the crew again. Tests that want a resend make it themselves.
    settings.ASSIGNMENT_ACK_TIMEOUT_SECONDS = 3600
    yield settings
    # Sends still under way belong to this test: let them finish before the database goes.
    assert sender.wait_idle(10)


@pytest.fixture
def push_service():
    service = LoopbackPushService()
    yield service
    service.close()


@pytest.fixture
def browser():
    return FakeBrowser()


@pytest.fixture
def close_connections():
    """Tests whose sockets query in asgiref's worker thread close that connection after."""
    yield
    from asgiref.sync import async_to_sync
    from channels.db import database_sync_to_async

    async_to_sync(database_sync_to_async(connections.close_all))()
