"""A signed-in session for a client that is not a browser: the benchmarks' crews and
volunteers (signed in as their screens are: they hold no API token) and the tests' sockets.
Made by Django's own sign-in (force_login), so that it holds what a browser's does: the
user, the backend, the password's session hash and the sign-in time (accounts.middleware).
Needs Django set up; imports nothing of the benchmarks'."""

from django.conf import settings
from django.test import Client


def session_cookie(user) -> str:
    """The `Cookie` header's "name=value" of a fresh signed-in session of `user`."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"
