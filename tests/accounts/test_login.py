"""Sign-in over the API and the page: the CSRF token it needs, and the lockout after repeated
failures (a short, growing wait per name at an address; a long lock per address)."""

from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

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
    assert LoginThrottle.objects.get(kind="name", key="anna").failures == 1


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


def name_throttle(username):
    """The name's failures from everywhere (counted, never waited on)."""
    return LoginThrottle.objects.get(kind="name", key=username)


def wait_of(client, username):
    """The name's failures from the address of `client` (what makes it wait there)."""
    address = client.defaults["REMOTE_ADDR"]
    return LoginThrottle.objects.get(kind="name_from", key=f"{address} {username}")


@pytest.mark.parametrize("url", ["/api/auth/login/", "/api/auth/token/"])
def test_repeated_failures_make_the_name_wait_even_for_the_right_password(demo, anon,
                                                                          settings, clock,
                                                                          url):
    assert settings.LOGIN_MAX_FAILURES == 5
    client = anon()
    answers = [sign_in(client, "anna", f"gissning-{i}", url).status_code for i in range(5)]
    assert answers == [400, 400, 400, 400, 429]
    throttle = wait_of(client, "anna")
    assert throttle.locked_until == clock.now + timedelta(seconds=1)
    refused = sign_in(client, "anna", PASSWORD, url)
    assert refused.status_code == 429
    assert "locked here until" in refused.json()["detail"]
    assert client.get("/api/me/").status_code == 403  # not signed in
    assert wait_of(client, "anna").failures == 5  # a refused try is not counted
    assert name_throttle("anna").failures == 5
    # Only for a moment: never the old fifteen minutes.
    clock.advance(1.5)
    assert sign_in(client, "anna", PASSWORD, url).status_code == 200


def test_guesses_from_other_addresses_never_delay_the_console(demo, anon, clock):
    """The review's finding: a name-wide wait let two or three addresses, each guessing as
    its wait ended, keep a dispatcher's right password refused for as long as they liked."""
    console = anon()
    assert sign_in(console, "anna", "en-felskrivning").status_code == 400  # her own typo
    guessers = [anon() for _ in range(3)]
    for round_ in range(8):
        clock.advance(61)  # each guesses again as soon as its wait has ended
        for guesser in guessers:
            assert sign_in(guesser, "anna", f"gissning-{round_}").status_code in (400, 429)
    assert sign_in(console, "anna", PASSWORD).status_code == 200  # she does not wait
    assert sign_in(guessers[0], "anna", PASSWORD).status_code == 429  # they do
    assert name_throttle("anna").failures == 25  # counted for the administrator


def test_five_failures_from_one_address_do_not_lock_the_dispatcher_out(demo, anon, clock):
    """The audit's finding: five requests locked any user out for 15 minutes."""
    attacker = anon()
    for i in range(5):
        sign_in(attacker, "anna", f"gissning-{i}")
    clock.advance(2)
    assert sign_in(anon(), "anna", PASSWORD).status_code == 200


def test_the_wait_doubles_and_is_capped(demo, anon, settings, clock):
    settings.LOGIN_DELAY_MAX_SECONDS = 60
    waits = []
    client = anon()
    for i in range(13):
        assert sign_in(client, "sara", f"gissning-{i}").status_code in (400, 429)
        throttle = wait_of(client, "sara")
        if throttle.locked_until:
            waits.append((throttle.locked_until - clock.now).total_seconds())
            clock.advance(waits[-1])
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_failures_far_apart_start_the_count_again(demo, anon, settings, clock):
    for i in range(4):
        sign_in(anon(), "johan", f"gissning-{i}")
    clock.advance(settings.LOGIN_LOCKOUT_SECONDS + 1)
    assert sign_in(anon(), "johan", "fel").status_code == 400
    assert name_throttle("johan").failures == 1


def test_an_address_that_keeps_guessing_is_shut_out_for_long(demo, anon, settings, clock):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 20
    guesser = anon()
    answers = [sign_in(guesser, f"namn-{i}", "x").status_code for i in range(20)]
    assert answers == [400] * 19 + [429]
    refused = sign_in(guesser, "anna", PASSWORD)
    assert refused.status_code == 429 and "from this address" in refused.json()["detail"]
    assert sign_in(anon(), "anna", PASSWORD).status_code == 200  # anna elsewhere: at once
    clock.advance(settings.LOGIN_LOCKOUT_SECONDS - 5)
    assert sign_in(guesser, "anna", PASSWORD).status_code == 429
    clock.advance(10)
    assert sign_in(guesser, "anna", PASSWORD).status_code == 200


def test_the_centres_own_network_is_never_held_up(demo, anon, settings, clock):
    settings.LOGIN_TRUSTED_NETWORKS = ["10.200.0.0/16"]
    outside = anon()
    for i in range(10):
        sign_in(outside, "anna", f"gissning-{i}")
    assert sign_in(outside, "anna", PASSWORD).status_code == 429
    console = APIClient(REMOTE_ADDR="10.200.3.4")
    for i in range(10):  # not even after typing errors of its own
        sign_in(console, "anna", f"felskrivning-{i}")
    assert sign_in(console, "anna", PASSWORD).status_code == 200
    for i in range(30):  # nor is the centre's address shut out by its own typing errors
        sign_in(console, f"namn-{i}", "x")
    assert sign_in(APIClient(REMOTE_ADDR="10.200.3.4"), "erik", PASSWORD).status_code == 200


def test_the_address_is_the_proxys_entry_not_the_clients_claim(demo, settings, clock):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.LOGIN_ADDRESS_MAX_FAILURES = 3
    for i in range(3):
        client = APIClient(REMOTE_ADDR="127.0.0.1",
                           HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.9")
        sign_in(client, f"namn-{i}", "x")
    assert LoginThrottle.objects.get(kind="address", key="203.0.113.9").locked_until
    elsewhere = APIClient(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert sign_in(elsewhere, "anna", PASSWORD).status_code == 200


def test_the_administrator_lifts_a_lock(demo, anon, clock):
    guesser = anon()
    for i in range(8):
        sign_in(guesser, "anna", f"gissning-{i}")
    assert sign_in(guesser, "anna", PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(demo.admin)
    page = admin.get("/admin/accounts/loginthrottle/")
    assert page.status_code == 200 and "anna" in page.content.decode()
    throttle = wait_of(guesser, "anna")
    admin.post("/admin/accounts/loginthrottle/", {"action": "lift",
                                                  "_selected_action": [throttle.pk]})
    assert not LoginThrottle.objects.filter(pk=throttle.pk).exists()
    assert sign_in(guesser, "anna", PASSWORD).status_code == 200


def test_the_page_says_until_when(demo, clock):
    browser = Client(REMOTE_ADDR="10.77.0.1")
    for i in range(5):
        response = browser.post("/login/", {"username": "sara", "password": f"fel-{i}"})
    assert response.status_code == 429
    assert 'id="login-locked"' in response.content.decode()
    assert "The user name is locked." in response.content.decode()


def test_the_page_says_when_the_address_is_shut_out(demo, settings, clock):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 3
    browser = Client(REMOTE_ADDR="10.77.0.2")
    for i in range(3):
        response = browser.post("/login/", {"username": f"namn-{i}", "password": "x"})
    assert response.status_code == 429
    assert "from this network" in response.content.decode()


def test_a_successful_sign_in_clears_earlier_failures(demo, anon):
    client = anon()
    for _ in range(4):
        sign_in(client, "anna", "fel")
    assert sign_in(client, "anna", PASSWORD).status_code == 200
    for _ in range(4):
        assert sign_in(client, "anna", "fel").status_code == 400
    assert wait_of(client, "anna").locked_until is None


def test_failures_count_per_name_whatever_its_case(demo, anon, clock):
    client = anon()
    for name in ("ANNA", "Anna", "anna", "aNNa", "annA"):
        sign_in(client, name, "fel")
    assert sign_in(client, "anna", PASSWORD).status_code == 429
    assert name_throttle("anna").failures == 5


def test_unknown_names_are_refused_like_wrong_passwords(demo, anon, clock):
    client = anon()
    answers = [sign_in(client, "ingen-alls", "x").status_code for _ in range(6)]
    assert answers == [400, 400, 400, 400, 429, 429]
    # ...and one name waiting leaves the others alone.
    assert sign_in(client, "anna", PASSWORD).status_code == 200


# --- login CSRF -------------------------------------------------------------------------------


def browser_with_csrf_cookie() -> Client:
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/login/").status_code == 200
    return browser


def test_a_foreign_page_cannot_sign_a_browser_in(demo):
    """The audit's finding: a cross-site POST without a CSRF token signed the browser in."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/api/auth/login/", {"username": "anna", "password": PASSWORD},
                            content_type="application/json",
                            HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert browser.get("/api/me/").status_code == 403
    assert "_auth_user_id" not in browser.session


def test_a_foreign_origin_is_refused_even_with_a_token(demo):
    browser = browser_with_csrf_cookie()
    response = browser.post("/api/auth/login/", {"username": "anna", "password": PASSWORD},
                            content_type="application/json",
                            HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
                            HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert browser.get("/api/me/").status_code == 403


def test_the_sites_own_sign_in_still_works(demo):
    browser = browser_with_csrf_cookie()
    response = browser.post("/api/auth/login/", {"username": "anna", "password": PASSWORD},
                            content_type="application/json",
                            HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
                            HTTP_ORIGIN="http://testserver")
    assert response.status_code == 200
    assert browser.get("/api/me/").json()["username"] == "anna"


def test_the_pages_form_signs_in_with_its_token_and_not_without(demo):
    browser = browser_with_csrf_cookie()
    page = browser.get("/login/").content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    token = page[page.index(marker) + len(marker):].split('"')[0]
    forged = Client(enforce_csrf_checks=True).post(
        "/login/", {"username": "anna", "password": PASSWORD})
    assert forged.status_code == 403
    response = browser.post("/login/", {"username": "anna", "password": PASSWORD,
                                        "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert browser.get("/api/me/").json()["username"] == "anna"


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


def test_sign_in_is_rate_limited_per_address(demo, anon, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 100  # the rate limit alone, before any lock
    client = anon()
    answers = [sign_in(client, f"nobody-{i}", "x").status_code for i in range(31)]
    assert answers[:30] == [400] * 30
    assert answers[30] == 429
    # The limit is per address: another device still signs in.
    assert sign_in(anon(), "anna", PASSWORD).status_code == 200


def test_a_foreign_page_cannot_register_a_volunteer_and_sign_the_browser_in(demo):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/api/ivpa/register/", {
        "username": "planterad", "display_name": "Planterad", "password": "ett-langt-losen-42",
        "phone_number": "+46701234599", "training": "cpr_aed", "training_confirmed": True,
        "municipality": "Västerås"}, content_type="application/json",
        HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert "_auth_user_id" not in browser.session


def test_the_register_page_gives_the_token_its_form_needs(demo):
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/responder/register/").status_code == 200
    assert browser.cookies["csrftoken"].value


def test_a_mistyped_trusted_network_stops_the_start(settings):
    from accounts.apps import trusted_networks_checked

    settings.LOGIN_TRUSTED_NETWORKS = ["10.20.0.0/16", "10.20.0/16x"]
    [error] = trusted_networks_checked()
    assert error.id == "accounts.E001" and "10.20.0/16x" in error.msg
    settings.LOGIN_TRUSTED_NETWORKS = ["10.20.0.0/16", "192.0.2.7"]
    assert trusted_networks_checked() == []


def test_a_name_guessed_from_everywhere_is_logged_for_the_administrator(demo, anon, settings,
                                                                        caplog):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 4
    with caplog.at_level("WARNING", logger="accounts.services.lockout"):
        for i in range(8):
            sign_in(anon(), "anna", f"gissning-{i}")
    warnings = [r.getMessage() for r in caplog.records if r.name == "accounts.services.lockout"]
    assert len(warnings) == 2 and "4 failures on the user name 'anna'" in warnings[0]
