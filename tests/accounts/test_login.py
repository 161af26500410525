"""Sign-in over the API, and lockout after repeated failures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import LoginThrottle

from .conftest import PASSWORD


def sign_in(client, username, password, url="/api/auth/login/"):
    return client.post(url, {"username": username, "password": password}, format="json")


def test_signing_in_starts_a_session(demo, anon):
    client = anon()
    response = sign_in(client, "anna", PASSWORD)
    assert response.status_code == 200
    assert response.json() == {"id": demo.anna.pk, "username": "anna",
                               "name": "Anna Lindqvist", "role": "dispatcher"}
    me = client.get("/api/me/")
    assert me.status_code == 200 and me.json()["username"] == "anna"
    assert "csrftoken" in client.cookies


def test_a_wrong_password_is_400_with_a_clear_detail(demo, anon):
    response = sign_in(anon(), "anna", "fel-lösenord")
    assert response.status_code == 400
    assert response.json()["detail"] == "Wrong user name or password."
    assert LoginThrottle.objects.get(username="anna").failures == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "username"), ({"username": "anna"}, "password"), ({"password": "x"}, "username"),
     ({"username": "a" * 151, "password": "x"}, "username")],
)
def test_missing_credentials_are_400(demo, anon, body, field):
    response = anon().post("/api/auth/login/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert not LoginThrottle.objects.exists()


@pytest.mark.parametrize("url", ["/api/auth/login/", "/api/auth/token/"])
def test_repeated_failures_lock_the_name_even_for_the_right_password(demo, anon, settings,
                                                                     url):
    assert settings.LOGIN_MAX_FAILURES == 5
    client = anon()
    answers = [sign_in(client, "sara", f"gissning-{i}", url).status_code for i in range(5)]
    assert answers == [400, 400, 400, 400, 429]
    throttle = LoginThrottle.objects.get(username="sara")
    assert throttle.locked_until > timezone.now() + timedelta(minutes=14)
    refused = sign_in(client, "sara", PASSWORD, url)
    assert refused.status_code == 429
    assert "locked" in refused.json()["detail"]
    assert client.get("/api/me/").status_code == 403  # not signed in
    # From another address too: the lock is on the name.
    assert sign_in(anon(), "sara", PASSWORD, url).status_code == 429


def test_the_lock_ends_after_its_time(demo, anon, settings):
    settings.LOGIN_MAX_FAILURES = 2
    client = anon()
    for _ in range(2):
        sign_in(client, "johan", "fel")
    assert sign_in(client, "johan", PASSWORD).status_code == 429
    LoginThrottle.objects.filter(username="johan").update(
        locked_until=timezone.now() - timedelta(seconds=1))
    assert sign_in(client, "johan", PASSWORD).status_code == 200
    assert not LoginThrottle.objects.filter(username="johan").exists()


def test_a_successful_sign_in_clears_earlier_failures(demo, anon):
    client = anon()
    for _ in range(4):
        sign_in(client, "anna", "fel")
    assert sign_in(client, "anna", PASSWORD).status_code == 200
    for _ in range(4):
        assert sign_in(client, "anna", "fel").status_code == 400
    assert LoginThrottle.objects.get(username="anna").locked_until is None


def test_failures_count_per_name_whatever_its_case(demo, anon):
    client = anon()
    for name in ("ANNA", "Anna", "anna", "aNNa", "annA"):
        sign_in(client, name, "fel")
    assert sign_in(client, "anna", PASSWORD).status_code == 429


def test_unknown_names_are_refused_like_wrong_passwords(demo, anon):
    client = anon()
    answers = [sign_in(client, "ingen-alls", "x").status_code for _ in range(6)]
    assert answers == [400, 400, 400, 400, 429, 429]
    # ...and locking one name leaves the others alone.
    assert sign_in(client, "anna", PASSWORD).status_code == 200


def test_signing_out_ends_the_session(demo, anon):
    client = anon()
    sign_in(client, "sara", PASSWORD)
    assert client.get("/api/me/").status_code == 200
    response = client.post("/api/auth/logout/")
    assert response.status_code == 200
    assert client.get("/api/me/").status_code == 403


def test_an_inactive_user_cannot_sign_in(demo, anon):
    demo.karin.is_active = False
    demo.karin.save(update_fields=["is_active"])
    response = sign_in(anon(), "karin", PASSWORD)
    assert response.status_code == 400


def test_sign_in_is_rate_limited_per_address(demo, anon):
    client = anon()
    answers = [sign_in(client, f"nobody-{i}", "x").status_code for i in range(31)]
    assert answers[:30] == [400] * 30
    assert answers[30] == 429
    # The limit is per address: another device still signs in.
    assert sign_in(anon(), "anna", PASSWORD).status_code == 200
