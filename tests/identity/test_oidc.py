"""Sign-in through an external identity provider (issue 12, item 15): the authorization code
flow with PKCE, state and nonce against a stand-in provider on the loopback interface
(tests/identity/provider.py), started from the sign-in page's button. A tampered, expired or
foreign ID token, a wrong nonce and a wrong or replayed state never sign anyone in; with no
provider configured the button is not there and the routes answer 404."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from identity.models import LinkedIdentity
from ivpa.models import Approval, Responder
from tests.identity.provider import StandInProvider


@pytest.fixture
def provider(settings):
    stand_in = StandInProvider().start()
    for name, value in stand_in.settings().items():
        setattr(settings, name, value)
    yield stand_in
    stand_in.stop()


@pytest.fixture
def lars_linked(provider, demo, ivpa):
    """Lars (a volunteer) signs in through the provider as its user-1."""
    return LinkedIdentity.objects.create(user=demo.lars, issuer=provider.issuer,
                                         subject="user-1")


def to_provider(client, provider, next_: str = "") -> str:
    """Press the sign-in page's button: the URL of the provider's authorization request."""
    page = client.get("/login/" + (f"?next={next_}" if next_ else "")).content.decode()
    href = html.unescape(re.search(r'id="oidc-sign-in" href="([^"]+)"', page).group(1))
    start = client.get(href)
    assert start.status_code == 302, start
    assert start["Location"].startswith(f"{provider.base}/authorize?")
    return start["Location"]


def back_from_provider(provider, authorize_url: str) -> str:
    """The provider consents at once: the callback URL (path and query) it sends back to."""
    answer = httpx.get(authorize_url, follow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    assert callback.path == "/auth/oidc/callback/"
    return f"{callback.path}?{callback.query}"


def sign_in(client, provider, next_: str = ""):
    return client.get(back_from_provider(provider, to_provider(client, provider, next_)))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def refused(client, response) -> str:
    """The sign-in page's message after a failed sign-in; nobody is signed in."""
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert signed_in_as(client) is None
    page = client.get("/login/").content.decode()
    return html.unescape(re.search(r'id="login-oidc-error">([^<]+)<', page).group(1))


def test_a_volunteer_signs_in_through_the_button(client, provider, lars_linked, demo):
    response = sign_in(client, provider, next_="/responder/")
    assert response.status_code == 302 and response["Location"] == "/responder/"
    assert signed_in_as(client) == str(demo.lars.pk)
    # The code flow with PKCE (S256), a state and a nonce, and the ID token checked: one code
    # for one token answer.
    [asked] = provider.authorizations
    assert asked["response_type"] == "code" and asked["code_challenge_method"] == "S256"
    assert asked["state"] and asked["nonce"] and len(asked["code_challenge"]) >= 43
    assert provider.token_requests == 1
    lars_linked.refresh_from_db()
    assert lars_linked.last_signed_in_at is not None
    assert client.get("/responder/").status_code == 200


def test_a_next_elsewhere_is_not_followed(client, provider, lars_linked):
    response = sign_in(client, provider, next_="https://evil.example/")
    assert response["Location"] == "/"


@pytest.mark.parametrize("change", [
    pytest.param({"tamper": True}, id="tampered_payload"),
    pytest.param({"id_token_changes": {"nonce": "not-the-one-sent"}}, id="wrong_nonce"),
    pytest.param({"id_token_changes": {"exp": 1_000_000_000, "iat": 999_999_000}},
                 id="expired"),
    pytest.param({"id_token_changes": {"aud": "another-client"}}, id="wrong_audience"),
    pytest.param({"id_token_changes": {"iss": "https://idp.example"}}, id="wrong_issuer"),
])
def test_an_id_token_that_cannot_be_trusted_signs_nobody_in(client, provider, lars_linked,
                                                            change):
    for name, value in change.items():
        setattr(provider, name, value)
    message = refused(client, sign_in(client, provider))
    assert "did not succeed" in message


def test_a_wrong_state_signs_nobody_in(client, provider, lars_linked):
    callback = back_from_provider(provider, to_provider(client, provider))
    path, query = callback.split("?")
    params = parse_qs(query)
    forged = f"{path}?code={params['code'][0]}&state=another-state"
    assert "did not succeed" in refused(client, client.get(forged))
    assert provider.token_requests == 0  # refused before the code was spent


def test_a_replayed_callback_signs_nobody_in(client, provider, lars_linked, demo):
    callback = back_from_provider(provider, to_provider(client, provider))
    assert client.get(callback).status_code == 302
    assert signed_in_as(client) == str(demo.lars.pk)
    client.logout()
    assert "did not succeed" in refused(client, client.get(callback))


def test_a_callback_from_another_browsers_flow_signs_nobody_in(client, provider, lars_linked,
                                                               django_user_model):
    """Login CSRF through the provider: an attacker's own code and state, sent to a victim's
    browser, do not match the victim's session."""
    from django.test import Client

    attacker = Client()
    callback = back_from_provider(provider, to_provider(attacker, provider))
    to_provider(client, provider)  # the victim started a flow of their own
    assert "did not succeed" in refused(client, client.get(callback))


def test_a_role_that_uses_passwords_is_refused(client, provider, demo, ivpa):
    LinkedIdentity.objects.create(user=demo.anna, issuer=provider.issuer, subject="user-1")
    message = refused(client, sign_in(client, provider))
    assert "user name and password" in message


def test_a_superuser_is_not_let_in_by_its_superpowers(client, provider, demo, ivpa):
    LinkedIdentity.objects.create(user=demo.admin, issuer=provider.issuer, subject="user-1")
    refused(client, sign_in(client, provider))


def test_a_link_made_ahead_by_personal_number_is_completed_at_the_first_sign_in(
        client, provider, settings, demo, ivpa):
    settings.OIDC_PERSONAL_NUMBER_CLAIM = "https://id.oidc.se/claim/personalIdentityNumber"
    link = LinkedIdentity.objects.create(user=demo.lars, issuer=provider.issuer,
                                         personal_number="199001012380")
    provider.claims = {"sub": "pairwise-77",
                       "https://id.oidc.se/claim/personalIdentityNumber": "199001012380"}
    sign_in(client, provider)
    assert signed_in_as(client) == str(demo.lars.pk)
    link.refresh_from_db()
    assert link.subject == "pairwise-77"


def test_an_unknown_person_is_refused_unless_volunteers_may_sign_up(client, provider, demo,
                                                                    ivpa):
    message = refused(client, sign_in(client, provider))
    assert "No account is linked" in message
    assert not LinkedIdentity.objects.exists()


def test_an_unknown_person_signs_up_as_a_volunteer_who_still_needs_approval(
        client, provider, settings, demo, ivpa):
    settings.OIDC_SELF_REGISTER = True
    settings.OIDC_PERSONAL_NUMBER_CLAIM = "personal_number"
    provider.claims = {"sub": "user-9", "name": "Frida Ek", "personal_number": "19900101-2380"}
    response = sign_in(client, provider)
    assert response["Location"] == "/responder/register/" and signed_in_as(client) is None
    page = client.get("/responder/register/").content.decode()
    assert 'id="register-verified"' in page and 'id="reg-password"' not in page
    assert 'value="Frida Ek"' in page
    answer = client.post("/api/ivpa/register/", {
        "display_name": "Frida Ek", "phone_number": "070-174 06 91", "training": "cpr_aed",
        "training_confirmed": True, "municipality": ivpa.vasteras.pk,
    }, content_type="application/json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["approval"] == "pending"
    frida = Responder.objects.get(user__display_name="Frida Ek")
    assert frida.approval == Approval.PENDING and not frida.user.has_usable_password()
    link = LinkedIdentity.objects.get(user=frida.user)
    assert (link.subject, link.personal_number) == ("user-9", "199001012380")
    assert signed_in_as(client) == str(frida.user.pk)
    # Next time the provider signs her straight in.
    client.logout()
    sign_in(client, provider)
    assert signed_in_as(client) == str(frida.user.pk)


def test_without_a_pending_identity_a_sign_up_needs_a_user_name_and_password(client, demo,
                                                                             ivpa):
    answer = client.post("/api/ivpa/register/", {
        "display_name": "Frida Ek", "phone_number": "070-174 06 91", "training": "cpr_aed",
        "training_confirmed": True}, content_type="application/json")
    assert answer.status_code == 400
    assert not Responder.objects.filter(user__display_name="Frida Ek").exists()


def test_with_no_provider_configured_nothing_changes(client, settings, demo):
    settings.OIDC_ISSUER = ""
    page = client.get("/login/").content.decode()
    assert 'id="oidc-sign-in"' not in page
    assert client.get("/auth/oidc/start/").status_code == 404
    assert client.get("/auth/oidc/callback/?code=x&state=y").status_code == 404


def test_a_provider_that_cannot_be_reached_sends_back_to_the_password(client, settings, demo):
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = "http://127.0.0.1:9", "larmkedjan"
    settings.OIDC_TIMEOUT_SECONDS = 2
    response = client.get("/auth/oidc/start/")
    assert "cannot be reached" in refused(client, response)


def test_a_discovery_document_naming_another_issuer_is_not_trusted(client, provider, settings,
                                                                   lars_linked):
    # The same server under another name: its document names 127.0.0.1, not localhost.
    settings.OIDC_ISSUER = provider.issuer.replace("127.0.0.1", "localhost")
    response = client.get("/auth/oidc/start/")
    assert "cannot be reached" in refused(client, response)


def test_a_provider_whose_issuer_ends_in_a_slash_signs_in(client, provider, settings, demo,
                                                          ivpa):
    """Review of issue 12, item 7: Auth0 and others write their issuer with a trailing "/";
    the setting is kept as given and compared exactly, the "/" dropped only from the
    discovery document's URL."""
    provider.issuer = provider.base + "/"
    settings.OIDC_ISSUER = provider.issuer
    LinkedIdentity.objects.create(user=demo.lars, issuer=provider.issuer, subject="user-1")
    response = sign_in(client, provider, next_="/responder/")
    assert response.status_code == 302 and response["Location"] == "/responder/"
    assert signed_in_as(client) == str(demo.lars.pk)


def test_the_configured_issuer_is_kept_as_given(tmp_path):
    """The environment's value, trailing "/" and all: a stripped one could never equal the
    document's issuer of such a provider."""
    import os
    import subprocess
    import sys

    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
            "from django.conf import settings; print(settings.OIDC_ISSUER)")
    env = {**os.environ, "OIDC_ISSUER": "https://tenant.idp.example/",
           "LARMKEDJAN_VAR_DIR": str(tmp_path)}
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, timeout=60, check=True).stdout.strip()
    assert shown == "https://tenant.idp.example/"


@pytest.mark.parametrize(("changes", "code"), [
    ({"OIDC_CLIENT_ID": ""}, "identity.E001"),
    ({"OIDC_SCOPES": "profile"}, "identity.E002"),
    ({"OIDC_ISSUER": "http://idp.example"}, "identity.E003"),
    ({"OIDC_ISSUER": "http://localhost.attacker.example", "DEBUG": True}, "identity.E003"),
    ({"OIDC_ISSUER": "http://127.0.0.1.attacker.example:8080", "DEBUG": True},
     "identity.E003"),
    ({"OIDC_ISSUER": "http://localhost@attacker.example", "DEBUG": True}, "identity.E003"),
    ({"OIDC_ISSUER": "https://idp.example/?tenant=1"}, "identity.E003"),
    ({"OIDC_ISSUER": "https://"}, "identity.E003"),
    ({"OIDC_TOKEN_AUTH_METHOD": "private_key_jwt"}, "identity.E004"),
])
def test_a_half_configured_provider_is_refused_at_start(settings, changes, code):
    from identity.checks import oidc_settings

    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = "https://idp.example", "larmkedjan"
    assert oidc_settings() == []
    for name, value in changes.items():
        setattr(settings, name, value)
    assert [e.id for e in oidc_settings()] == [code]


@pytest.mark.parametrize("issuer", [
    "https://idp.example/",
    "https://idp.example/realms/larm",
    "http://127.0.0.1:8080",
    "http://localhost:8080/",
    "http://[::1]:8080",
])
def test_an_issuer_of_the_right_shape_passes_the_start_up_check(settings, issuer):
    from identity.checks import oidc_settings

    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.DEBUG = issuer, "larmkedjan", False
    assert oidc_settings() == []
