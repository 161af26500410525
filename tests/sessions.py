"""Signed-in browsers for socket tests: the screens' way in (a session cookie). Tokens are an
integration's (dispatchers and service accounts: tests/accounts/test_tokens.py)."""

from django.conf import settings
from django.test import Client


def session_cookie(user) -> str:
    """The `Cookie` header of a fresh signed-in session of `user`."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"
