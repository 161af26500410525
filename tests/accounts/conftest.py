import uuid

import pytest
from rest_framework.test import APIClient

PASSWORD = "larm-demo-2026"


@pytest.fixture
def anon():
    """An anonymous API client from an address of its own, so that the sign-in rate limit
    (kept in the shared cache in the production shape) never mixes tests or runs."""

    def make() -> APIClient:
        n = uuid.uuid4().int
        return APIClient(REMOTE_ADDR=f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}")

    return make
