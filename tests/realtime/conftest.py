import copy
import uuid

import pytest


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
