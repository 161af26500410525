"""Idle and absolute session timeouts (accounts.middleware)."""

import time

import pytest
from django.test import Client

from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT

from .conftest import PASSWORD


@pytest.fixture
def signed_in(demo):
    client = Client()
    assert client.login(username="anna", password=PASSWORD)
    return client


def set_session(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_a_fresh_session_works_and_records_the_sign_in(signed_in):
    session = signed_in.session
    assert abs(session[SIGNED_IN_AT] - time.time()) < 5
    assert abs(session[LAST_SEEN_AT] - time.time()) < 5
    assert signed_in.get("/api/me/").status_code == 200


def test_an_idle_session_ends(signed_in, settings):
    now = time.time()
    set_session(signed_in, **{LAST_SEEN_AT: now - settings.SESSION_IDLE_TIMEOUT - 5})
    response = signed_in.get("/api/me/")
    assert response.status_code == 403
    assert "_auth_user_id" not in signed_in.session
    # ...and stays ended.
    assert signed_in.get("/api/me/").status_code == 403


def test_activity_renews_the_idle_timeout(signed_in, settings):
    now = time.time()
    idle = now - settings.SESSION_IDLE_TIMEOUT + 120  # two minutes left
    set_session(signed_in, **{LAST_SEEN_AT: idle})
    assert signed_in.get("/api/me/").status_code == 200
    assert signed_in.session[LAST_SEEN_AT] > now - 1


def test_the_absolute_timeout_ends_even_an_active_session(signed_in, settings):
    now = time.time()
    set_session(signed_in, **{SIGNED_IN_AT: now - settings.SESSION_ABSOLUTE_TIMEOUT - 5,
                              LAST_SEEN_AT: now - 10})
    assert signed_in.get("/api/me/").status_code == 403
    assert "_auth_user_id" not in signed_in.session


def test_just_inside_both_timeouts_the_session_lives(signed_in, settings):
    now = time.time()
    set_session(signed_in, **{SIGNED_IN_AT: now - settings.SESSION_ABSOLUTE_TIMEOUT + 60,
                              LAST_SEEN_AT: now - settings.SESSION_IDLE_TIMEOUT + 60})
    assert signed_in.get("/api/me/").status_code == 200


def test_signing_in_again_restarts_the_absolute_timeout(signed_in, settings):
    old = time.time() - settings.SESSION_ABSOLUTE_TIMEOUT + 10
    set_session(signed_in, **{SIGNED_IN_AT: old})
    assert signed_in.login(username="anna", password=PASSWORD)
    assert signed_in.session[SIGNED_IN_AT] > old + 60
    assert signed_in.get("/api/me/").status_code == 200


def test_an_old_session_without_a_sign_in_time_gets_one(signed_in):
    session = signed_in.session
    del session[SIGNED_IN_AT]
    session.save()
    assert signed_in.get("/api/me/").status_code == 200
    assert abs(signed_in.session[SIGNED_IN_AT] - time.time()) < 5


def test_a_responders_phone_stays_signed_in_past_the_staff_timeouts(demo, settings):
    """A volunteer opens an alert from a push days later without signing in again."""
    client = Client()
    assert client.login(username="lars", password=PASSWORD)
    now = time.time()
    set_session(client, **{SIGNED_IN_AT: now - settings.SESSION_ABSOLUTE_TIMEOUT - 3600,
                           LAST_SEEN_AT: now - settings.SESSION_IDLE_TIMEOUT - 3600})
    assert client.get("/api/me/").status_code == 200
    assert client.session.get_expiry_age() == settings.RESPONDER_SESSION_IDLE_TIMEOUT
    set_session(client, **{LAST_SEEN_AT: now - settings.RESPONDER_SESSION_IDLE_TIMEOUT - 5})
    assert client.get("/api/me/").status_code == 403
