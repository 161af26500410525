"""Integration tokens: `Authorization: Token <key>` (accounts.ApiToken, accounts.services.tokens).

Only those who may hold one get one (a dispatcher; an administrator's service accounts); a
token expires, ends with the session that made it, is listed and revoked by an administrator,
and only a SHA-256 of its key is kept.
"""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role, User

from .conftest import PASSWORD


def get_token(client, username, password=PASSWORD):
    return client.post("/api/auth/token/", {"username": username, "password": password},
                       format="json")


def with_token(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_dispatchers_token_works_for_the_api(demo, anon):
    response = get_token(anon(), "anna")
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "dispatcher" and body["token"]
    client = with_token(body["token"])
    me = client.get("/api/me/")
    assert me.status_code == 200 and me.json()["username"] == "anna"
    assert client.get("/api/cases/").status_code == 200
    token = ApiToken.objects.get(user=demo.anna)
    assert token.last_used_at is not None and token.session_key == ""


def test_only_a_hash_of_the_key_is_kept(demo, anon):
    key = get_token(anon(), "anna").json()["token"]
    token = ApiToken.objects.get(user=demo.anna)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values().get(pk=token.pk).values()]
    assert not any(key in value for value in stored)
    assert token.prefix == key[:6] and len(key) >= 40


def test_each_request_gets_a_token_of_its_own(demo, anon):
    first = get_token(anon(), "anna").json()["token"]
    second = get_token(anon(), "anna").json()["token"]
    assert first != second
    assert with_token(first).get("/api/me/").status_code == 200
    assert with_token(second).get("/api/me/").status_code == 200


@pytest.mark.parametrize("username", ["sara", "lars", "karin", "admin"])
def test_crews_volunteers_mobile_care_staff_and_administrators_get_no_token(demo, anon,
                                                                           username):
    response = get_token(anon(), username)
    assert response.status_code == 403
    assert "token" not in response.json()
    assert "service account" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_a_volunteer_signed_in_gets_no_token_either(demo):
    client = APIClient()
    client.force_login(demo.lars)
    assert client.post("/api/auth/token/").status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_expires(demo, anon, settings, clock):
    settings.API_TOKEN_TTL_SECONDS = 3600
    body = get_token(anon(), "anna").json()
    token = ApiToken.objects.get(user=demo.anna)
    assert token.expires_at == clock.now + timedelta(hours=1)
    clock.advance(3599)
    assert with_token(body["token"]).get("/api/me/").status_code == 200
    clock.advance(2)
    refused = with_token(body["token"]).get("/api/me/")
    assert refused.status_code == 403 and refused.json()["detail"] == "Invalid token."


def signed_in_browser(user) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/console/")  # the page sets the CSRF cookie
    return browser


def token_from(browser) -> str:
    response = browser.post("/api/auth/token/",
                            HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.mark.parametrize("sign_out", ["/api/auth/logout/", "/logout/"])
def test_a_token_made_by_a_session_ends_when_it_signs_out(demo, sign_out):
    browser = signed_in_browser(demo.anna)
    key = token_from(browser)
    token = ApiToken.objects.get(user=demo.anna)
    assert token.session_key == browser.session.session_key
    assert with_token(key).get("/api/me/").status_code == 200
    response = browser.post(sign_out, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert response.status_code in (200, 302)
    assert with_token(key).get("/api/me/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == demo.anna


def test_a_token_made_by_a_session_ends_with_its_timeout(demo, settings):
    browser = signed_in_browser(demo.anna)
    key = token_from(browser)
    session = browser.session
    session["signed_in_at"] -= settings.SESSION_ABSOLUTE_TIMEOUT + 5
    session.save()
    # Past the absolute timeout the token no longer works, even before the browser's next
    # request signs the session out (which revokes it).
    assert with_token(key).get("/api/me/").status_code == 403
    browser.get("/api/me/")
    assert ApiToken.objects.get(user=demo.anna).revoked_at is not None


def test_a_token_made_by_a_session_lives_no_longer_than_it(demo, settings):
    settings.API_TOKEN_TTL_SECONDS = 30 * 24 * 3600
    browser = signed_in_browser(demo.anna)
    token_from(browser)
    signed_in = browser.session["signed_in_at"]
    expires = ApiToken.objects.get(user=demo.anna).expires_at.timestamp()
    assert abs(expires - (signed_in + settings.SESSION_ABSOLUTE_TIMEOUT)) < 2


def test_signing_out_one_session_leaves_other_tokens_alone(demo, anon):
    key = get_token(anon(), "anna").json()["token"]  # with the password: no session
    browser = signed_in_browser(demo.anna)
    browser.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert with_token(key).get("/api/me/").status_code == 200


def test_signing_out_with_a_token_revokes_it(demo, anon):
    key = get_token(anon(), "erik").json()["token"]
    assert with_token(key).post("/api/auth/logout/").status_code == 200
    assert with_token(key).get("/api/me/").status_code == 403


def test_a_token_does_not_make_tokens(demo, anon):
    key = get_token(anon(), "anna").json()["token"]
    response = with_token(key).post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400  # no session: the user name and password are asked
    assert ApiToken.objects.count() == 1


def test_a_wrong_or_missing_token_is_refused(demo, anon):
    client = with_token("0" * 43)
    response = client.get("/api/me/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Invalid token."
    assert anon().get("/api/me/").status_code == 403


def test_the_token_of_a_deactivated_user_stops_working(demo, anon):
    key = get_token(anon(), "erik").json()["token"]
    User.objects.filter(username="erik").update(is_active=False)
    assert with_token(key).get("/api/me/").status_code == 403


def test_the_token_stops_working_when_the_role_may_no_longer_hold_one(demo, anon):
    key = get_token(anon(), "erik").json()["token"]
    User.objects.filter(username="erik").update(role=Role.CREW)
    assert with_token(key).get("/api/me/").status_code == 403


def test_a_token_needs_the_right_password(demo, anon):
    response = get_token(anon(), "anna", "fel")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


# --- the administrator ------------------------------------------------------------------------


@pytest.fixture
def service(db):
    """A service account of the dispatcher role, as an administrator creates it: no
    usable password."""
    user = User.objects.create(username="journal", role=Role.DISPATCHER,
                               is_service_account=True)
    user.set_unusable_password()
    user.save()
    return user


def as_admin(demo) -> APIClient:
    client = APIClient()
    client.force_authenticate(demo.admin)
    return client


def test_the_administrator_lists_tokens_without_their_keys(demo, anon):
    key = get_token(anon(), "anna").json()["token"]
    response = as_admin(demo).get("/api/auth/tokens/")
    assert response.status_code == 200
    [listed] = response.json()
    assert listed["username"] == "anna" and listed["state"] == "live"
    assert listed["prefix"] == key[:6] and key not in str(response.json())
    assert "key_hash" not in listed and "token" not in listed


def test_the_administrator_revokes_a_token(demo, anon):
    key = get_token(anon(), "anna").json()["token"]
    token = ApiToken.objects.get(user=demo.anna)
    response = as_admin(demo).post(f"/api/auth/tokens/{token.pk}/revoke/")
    assert response.status_code == 200 and response.json()["state"] == "revoked"
    assert with_token(key).get("/api/me/").status_code == 403
    assert as_admin(demo).get("/api/auth/tokens/").json() == []
    assert len(as_admin(demo).get("/api/auth/tokens/?state=all").json()) == 1


def test_only_the_administrator_lists_and_revokes(demo, anon):
    get_token(anon(), "anna")
    token = ApiToken.objects.get(user=demo.anna)
    for user in (demo.anna, demo.sara, demo.lars):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get("/api/auth/tokens/").status_code == 403
        assert client.post(f"/api/auth/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_administrator_issues_a_service_accounts_token_shown_once(demo, service,
                                                                      settings, clock):
    settings.API_SERVICE_TOKEN_TTL_DAYS = 90
    response = as_admin(demo).post("/api/auth/tokens/", {"user": service.pk,
                                                         "label": "Journal"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "journal" and body["label"] == "Journal"
    token = ApiToken.objects.get(user=service)
    assert token.expires_at == clock.now + timedelta(days=90)
    assert token.created_by == demo.admin
    assert with_token(body["token"]).get("/api/cases/").status_code == 200
    assert "token" not in as_admin(demo).get("/api/auth/tokens/").json()[0]


def test_tokens_are_issued_to_service_accounts_only(demo):
    response = as_admin(demo).post("/api/auth/tokens/", {"user": demo.anna.pk},
                                   format="json")
    assert response.status_code == 409
    assert not ApiToken.objects.exists()


def test_a_service_account_never_signs_in_with_a_password(demo, service, anon):
    service.set_password(PASSWORD)
    service.save()
    assert get_token(anon(), "journal").status_code == 400
    assert anon().post("/api/auth/login/", {"username": "journal", "password": PASSWORD},
                       format="json").status_code == 400


def test_a_service_account_of_another_role_may_hold_one(demo):
    """An ambulance's own computer, say: a crew member's rights, no person's phone."""
    vehicle = User.objects.create(username="amb1010-mdt", role=Role.CREW,
                                  is_service_account=True)
    response = as_admin(demo).post("/api/auth/tokens/", {"user": vehicle.pk}, format="json")
    assert response.status_code == 201
    assert with_token(response.json()["token"]).get("/api/me/").status_code == 200


def test_no_service_account_of_the_administrator_role(demo):
    root = User.objects.create(username="root-svc", role=Role.ADMIN, is_service_account=True)
    assert as_admin(demo).post("/api/auth/tokens/", {"user": root.pk},
                               format="json").status_code == 403


def test_the_django_admin_lists_revokes_and_issues(demo, service, anon):
    key = get_token(anon(), "anna").json()["token"]
    admin = Client()
    admin.force_login(demo.admin)
    page = admin.get("/admin/accounts/apitoken/")
    assert page.status_code == 200 and key[:6] in page.content.decode()
    assert key not in page.content.decode()
    token = ApiToken.objects.get(user=demo.anna)
    admin.post("/admin/accounts/apitoken/", {"action": "revoke",
                                             "_selected_action": [token.pk]})
    assert with_token(key).get("/api/me/").status_code == 403
    issued = admin.post("/admin/accounts/user/", {"action": "issue_token",
                                                  "_selected_action": [service.pk]})
    assert issued.status_code == 200
    [new] = ApiToken.objects.filter(user=service)
    text = issued.content.decode()
    start = text.index('<code class="api-key">') + len('<code class="api-key">')
    shown = text[start:text.index("</code>", start)]
    assert hashlib.sha256(shown.encode()).hexdigest() == new.key_hash
    assert "no-store" in issued["Cache-Control"]
    assert with_token(shown).get("/api/cases/").status_code == 200


def test_the_old_tokens_table_is_gone(db):
    """Every token of rest_framework.authtoken is revoked: accounts 0004 drops its table."""
    from django.db import connection

    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_django_admin_never_shows_the_session_a_token_is_tied_to(demo):
    """Its key would let whoever reads the page act as that dispatcher's browser."""
    browser = signed_in_browser(demo.anna)
    token_from(browser)
    session_key = browser.session.session_key
    token = ApiToken.objects.get(user=demo.anna)
    assert token.session_key == session_key
    admin = Client()
    admin.force_login(demo.admin)
    for page in (f"/admin/accounts/apitoken/{token.pk}/change/", "/admin/accounts/apitoken/"):
        response = admin.get(page)
        assert response.status_code == 200, page
        assert session_key not in response.content.decode(), page
    # Nor can it be looked for.
    assert "0 results" in admin.get(f"/admin/accounts/apitoken/?q={session_key}").content.decode()
    assert "tied to a session" in admin.get(
        f"/admin/accounts/apitoken/{token.pk}/change/").content.decode().lower()
