import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """seed_demo sets nine passwords; the production hasher makes that seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
