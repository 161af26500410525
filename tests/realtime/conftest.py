import copy
import importlib
import uuid
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import TransactionTestCase

from tests.dispatch.helpers import english, fast_password_hashing  # noqa: F401

_audit_triggers = importlib.import_module("audit.migrations.0002_append_only_triggers")


@contextmanager
def access_log_triggers_off():
    """The access log refuses DELETE and TRUNCATE by trigger (audit migration 0002), so
    Django's flush after a transactional test fails (on PostgreSQL always: TRUNCATE is
    refused even on an empty table). Only the test harness lifts them, only for the flush."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {_audit_triggers.TABLE} DISABLE TRIGGER USER")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {_audit_triggers.TABLE} ENABLE TRIGGER USER")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in _audit_triggers.SQLITE_DOWN:
                cursor.execute(statement)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for statement in _audit_triggers.SQLITE_UP:
                    cursor.execute(statement)
    else:
        yield


@pytest.fixture(scope="session", autouse=True)
def flushable_access_log():
    original = TransactionTestCase._fixture_teardown

    def fixture_teardown(self):
        with access_log_triggers_off():
            original(self)

    TransactionTestCase._fixture_teardown = fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(autouse=True)
def channel_layer(settings):
    """A fresh channel layer per test. On Redis it gets a prefix of its own, so that other
    test runs and servers on the same Redis (and earlier tests) are never heard."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    if "redis" in layers["default"]["BACKEND"].lower():
        layers["default"].setdefault("CONFIG", {})["prefix"] = f"asgi-t{uuid.uuid4().hex[:10]}"
    settings.CHANNEL_LAYERS = layers  # setting_changed drops the cached layer
    from channels.layers import get_channel_layer

    return get_channel_layer()


class FakeLayer:
    """Records what would go to the sockets; `fail` makes sending raise."""

    def __init__(self):
        self.sent = []
        self.fail = False

    async def group_send(self, group, message):
        if self.fail:
            raise ConnectionError("redis is down")
        self.sent.append((group, message))


@pytest.fixture
def fake_layer(monkeypatch):
    fake = FakeLayer()
    monkeypatch.setattr("realtime.services.get_channel_layer", lambda: fake)
    return fake
