"""End to end, in a real browser: first-responder alerting (IVPA).

A dispatcher registers a cardiac arrest in Västerås on the console; the volunteers around
(eva, nils, lars, each on their own phone: a browser context of its own) get the alert card
within seconds; nils declines, eva accepts and sees where to go (and the defibrillator to
fetch first); Västerås needs only one volunteer here, so lars is told he is no longer needed.
The console's IVPA panel follows every answer live. Then the sign-up of a new volunteer from
the sign-in page, availability, position and a test alarm; and axe-core on the new screens.

One real server (uvicorn, its own database, seed_demo and seed_ivpa_demo) for the module;
Debian's Chromium through Playwright. Set E2E_SCREENSHOTS=/some/dir to keep screenshots.
"""

import json
import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.browser import CONSOLE, PHONE, pages_open, sign_in
from tests.e2e.test_pwa import axe_serious
from tests.e2e.tiles import tiles_route
from tests.identity.provider import StandInProvider
from tests.live import LiveProduct

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")
# Where the demo volunteers are (seed_ivpa_demo), for the phones' geolocation.
WHERE = {"eva": (59.6131, 16.5402), "nils": (59.6052, 16.5533), "lars": (59.6112, 16.5471),
         "olle": (59.6201, 16.5305)}
# Västerås needs a single volunteer in these tests, so that the first to accept stands the
# others down (with one defibrillator runner: never more runners than needed).
SETUP = """
from ivpa.models import Municipality
from ivpa.services import municipality_update
municipality_update(municipality=Municipality.objects.get(name="Västerås"), by=None,
                    needed=1, aed_runners=1)
"""
THEME_JS = "try { localStorage.setItem('larmkedjan.theme', '%s') } catch (e) {}"


@pytest.fixture(scope="module")
def provider():
    """An identity provider on the loopback interface (tests/identity/provider.py): the sign-in
    page offers 'Sign in with TestID'."""
    stand_in = StandInProvider().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="module")
def live(provider):
    product = LiveProduct(extra_env=provider.settings()).start()
    try:
        product.manage("seed_ivpa_demo")
        product.manage("shell", "-c", SETUP)
    except Exception:
        product.stop()
        raise
    yield product
    product.stop()


@pytest.fixture
def open_page(browser):
    """open_page(viewport, who=None) -> a page in a fresh context; a volunteer's phone gets
    the position of that volunteer."""
    with pages_open(browser, csp=False) as pages:
        def make(viewport, who=None, theme=None) -> Page:
            options = {}
            if who in WHERE:
                latitude, longitude = WHERE[who]
                options = {"geolocation": {"latitude": latitude, "longitude": longitude},
                           "permissions": ["geolocation"]}
            return pages.open(viewport, init_script=THEME_JS % theme if theme else None,
                              **options)

        yield make


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"ivpa-{name}.png"), full_page=True)


def responder_ready(page: Page) -> None:
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")
    expect(page.locator("#p-available")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#idle")).to_be_visible()


def row(console: Page, name: str):
    return console.locator(f"#ivpa-panel tr[data-name='{name}']")


def height(page: Page, selector: str) -> float:
    return page.locator(selector).bounding_box()["height"]


def test_cardiac_arrest_alerts_volunteers_who_answer_and_the_console_follows(live, open_page):
    anna = open_page(CONSOLE)
    tiles_route(anna.context)
    sign_in(anna, live.url, "anna", "/console/")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")
    expect(anna.locator("#ivpa-connected")).to_have_text("IVPA: 3 anslutna kommuner")
    expect(anna.locator("#municipality-list option[value='Västerås']")).to_have_count(1)

    phones = {who: open_page(PHONE, who) for who in ("eva", "nils", "lars")}
    for who, phone in phones.items():
        sign_in(phone, live.url, who, "/responder/")  # the start page sends them there
        responder_ready(phone)
    # Available with a position: eva's phone shares hers at once.
    expect(phones["eva"].locator("#p-position")).to_contain_text("Position delad")
    shot(phones["eva"], "responder-idle")

    # The dispatcher registers a cardiac arrest in Västerås through the form.
    anna.fill("#case-caller", "+4621123456")
    anna.fill("#case-address", "Stora torget 3")
    anna.fill("#case-municipality", "Västerås")
    anna.select_option("#case-region", label="Region Västmanland")
    anna.fill("#case-lat", "59.6099")
    anna.fill("#case-lon", "16.5448")
    anna.fill("#case-complaint", "Man, 60 år, medvetslös, andas inte")
    anna.select_option("#case-type", "cardiac_arrest")
    anna.fill("#case-door-code", "4321")
    anna.select_option("#case-mbs", "1A")
    anna.select_option("#case-priority", "1A")
    anna.fill("#case-patient", "Tolvan Tolvansson")
    anna.fill("#case-pin", "19121212-1212")
    anna.click("#case-submit")
    card = anna.locator(".case", has_text="Man, 60 år, medvetslös")
    expect(card).to_be_visible()
    expect(card.locator(".case-type")).to_contain_text("Hjärtstopp")

    # Västerås alerts by itself: every phone rings within a few seconds.
    for phone in phones.values():
        expect(phone.locator("#alert")).to_be_visible(timeout=5000)
        expect(phone.locator("#al-type")).to_have_text("Hjärtstopp")
        expect(phone.locator("#al-distance")).to_contain_text("från dig")
        expect(phone.locator("#al-accept")).to_have_text("Jag går")
        expect(phone.locator("#al-decline")).to_have_text("Kan inte")
        assert height(phone, "#al-accept") >= 48 and height(phone, "#al-decline") >= 48
        assert int(phone.get_attribute("body", "data-alarms") or 0) >= 1
        text = phone.locator("#alert").inner_text()
        assert "Tolvan" not in text and "19121212" not in text and "Stora torget" not in text
    shot(phones["eva"], "responder-alert")
    assert axe_serious(phones["eva"]) == []
    # The alert counts at once in the week's count on the phone, without a reload.
    expect(phones["eva"].locator("#p-week")).to_have_text("1 larm de senaste 7 dagarna")

    # The console's panel: the callout and everyone alerted, each phone's receipt ("seen").
    panel = anna.locator("#ivpa-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".ivpa-state")).to_contain_text("Larmar: våg 1")
    expect(panel.locator(".ivpa-cancel")).to_have_text("Avbryt IVPA")
    for name in ("Eva Sjöberg", "Nils Åkesson", "Lars Frivillig"):
        expect(row(anna, name)).to_have_attribute("data-status", "seen")
        expect(row(anna, name).locator(".badge")).to_have_text("Sett")
    expect(row(anna, "Räddning 2110 Västerås")).to_have_count(1)
    # No router here: the time is the built-in estimate, and says so.
    eta = row(anna, "Eva Sjöberg").locator(".ivpa-eta")
    expect(eta).to_have_attribute("data-source", "estimate")
    assert re.fullmatch(r"≈ \d+:\d\d \(uppskattat\)", eta.inner_text()), eta.inner_text()
    shot(anna, "console-alerted")

    # Nils cannot go.
    phones["nils"].click("#al-decline")
    expect(phones["nils"].locator("#al-note")).to_have_text(
        "Du tackade nej. Tack för att du svarade.")
    expect(phones["nils"].locator("#al-answer")).to_be_hidden()
    expect(row(anna, "Nils Åkesson").locator(".badge")).to_have_text("Avböjt")

    # Eva goes: she sees the address, the door code, the way there, and maybe a
    # defibrillator to fetch first.
    eva = phones["eva"]
    eva.click("#al-accept")
    expect(eva.locator("#al-dest")).to_be_visible()
    expect(eva.locator("#al-address")).to_have_text("Stora torget 3")
    expect(eva.locator("#al-door")).to_have_text("4321")
    expect(eva.locator("#al-route")).to_have_attribute("data-route", re.compile("^(aed|direct)$"))
    if eva.get_attribute("#al-route", "data-route") == "aed":
        expect(eva.locator("#al-route")).to_have_text("Hämta hjärtstartaren först")
        expect(eva.locator("#al-aed")).to_be_visible()
        expect(eva.locator("#al-aed-name")).not_to_be_empty()
        expect(eva.locator("#al-navigate")).to_have_attribute(
            "href", re.compile(r"directions\?to=59\.6\d*,16\.5\d*$"))
        expect(eva.locator("#al-nav")).to_have_attribute(
            "href", "https://www.openstreetmap.org/directions?to=59.6099,16.5448")
    else:
        expect(eva.locator("#al-route")).to_have_text("Gå direkt till patienten")
        expect(eva.locator("#al-navigate")).to_have_attribute(
            "href", "https://www.openstreetmap.org/directions?to=59.6099,16.5448")
    assert "Tolvan" not in eva.locator("#alert").inner_text()
    expect(eva.locator("#al-arrived")).to_have_text("Jag är framme")
    shot(eva, "responder-accepted")
    assert axe_serious(eva) == []
    expect(row(anna, "Eva Sjöberg").locator(".badge")).to_have_text("Accepterat")
    expect(panel.locator(".ivpa-counts")).to_contain_text("Frivilliga på väg eller framme: 1 av 1")
    # The case's responders on the console's map: eva on her way, a triangle and a word, at
    # her coarse position (nobody else: the others did not accept).
    walker = anna.locator("#map .responder-marker")
    expect(walker).to_have_count(1)
    expect(walker.locator(".lbl")).to_have_text("Frivillig 1 · på väg")
    expect(walker.locator("[data-alert]")).to_have_attribute(
        "title", "Frivillig 1 · på väg: Eva Sjöberg, ungefärlig position (±100 m)")

    # One was needed: lars is stood down, on his phone and on the console.
    lars = phones["lars"]
    expect(lars.locator("#al-end-text")).to_contain_text("Du behövs inte längre – tack!")
    expect(lars.locator("#al-answer")).to_be_hidden()
    expect(row(anna, "Lars Frivillig").locator(".badge")).to_have_text("Behövs inte")
    expect(row(anna, "Nils Åkesson").locator(".badge")).to_have_text("Avböjt")  # unchanged
    shot(lars, "responder-not-needed")
    lars.click("#al-close")
    expect(lars.locator("#idle")).to_be_visible()

    # Eva arrives; the console shows when.
    eva.click("#al-arrived")
    expect(eva.locator("#al-arrived-at")).to_contain_text("Framme kl.")
    expect(row(anna, "Eva Sjöberg").locator(".badge")).to_have_text("Framme")
    expect(walker).to_have_count(0)  # on scene: no longer drawn on the way
    expect(row(anna, "Eva Sjöberg").locator(".ivpa-arrived")).to_have_text(re.compile(r"\d\d:\d\d"))
    shot(anna, "console-answers")
    assert axe_serious(anna) == []

    # The dispatcher ends the alerting; eva reports and is offered a debrief.
    cancel = panel.locator(".ivpa-cancel")
    cancel.click()
    expect(cancel).to_have_text("Bekräfta: avbryt IVPA")
    cancel.click()
    expect(panel.locator(".ivpa-state")).to_contain_text("Avslutat: Avbrutet av larmoperatören")
    expect(eva.locator("#al-end-text")).to_contain_text(
        "Larmet är avslutat: Avbrutet av larmoperatören")
    expect(eva.locator("#al-dest")).to_be_hidden()
    expect(eva.locator("#report")).to_be_visible()
    expect(eva.locator("#al-after-debrief")).to_contain_text("Krisstöd Region Västmanland")
    eva.check("input[name=cpr_started][value=yes]")
    eva.check("input[name=aed_attached][value=no]")
    eva.fill("#r-notes", "HLR i sex minuter innan ambulansen kom.")
    eva.check("input[name=wellbeing][value='4']")
    eva.check("#r-debrief")
    shot(eva, "responder-report")
    assert axe_serious(eva) == []
    eva.click("#report-submit")
    expect(eva.locator("#report-done")).to_have_text("Tack! Din rapport är skickad.")
    expect(eva.locator("#report")).to_be_hidden()
    eva.click("#al-close")
    expect(eva.locator("#idle")).to_be_visible()
    # Nils, who declined, puts the alert away.
    phones["nils"].click("#al-close")
    expect(phones["nils"].locator("#idle")).to_be_visible()


def test_a_volunteer_registers_goes_available_and_gets_a_test_alarm(live, browser, open_page):
    page = open_page(PHONE)
    page.goto(live.url + "/login/")
    page.click("#register-link")
    page.wait_for_url("**/responder/register/")
    expect(page.locator("h1")).to_have_text("Bli frivillig livräddare")
    page.fill("#reg-username", "stina")
    page.fill("#reg-name", "Stina Frivillig")
    page.fill("#reg-phone", "070-174 06 30")
    page.fill("#reg-password", "hjärtstart-2026-stina")
    page.select_option("#reg-training", "cpr_aed")
    page.click("#register-submit")  # the training is not confirmed: the form says no
    expect(page).to_have_url(re.compile(r"/responder/register/$"))
    page.check("#reg-confirm")
    shot(page, "register")
    page.click("#register-submit")
    page.wait_for_url("**/responder/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")
    expect(page.locator("#p-available")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#p-available")).to_have_text("Inte tillgänglig")
    expect(page.locator("#p-training-until")).to_contain_text("Gäller till")
    # Her training waits for a coordinator's approval: the screen says so, in plain words.
    expect(page.locator("#p-approval")).to_contain_text("Väntar på godkännande")

    # Available: the phone shares a (coarse) position at the chosen interval.
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 59.6101, "longitude": 16.5460})
    with page.expect_response("**/api/ivpa/me/position/") as answer:
        page.click("#p-available")
    assert answer.value.status == 200
    expect(page.locator("#p-available")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#p-available")).to_have_text("Tillgänglig för larm")
    expect(page.locator("#p-position")).to_contain_text("Position delad kl.")
    expect(page.locator("#p-available-text")).to_contain_text(
        "inga larm når dig förrän din utbildning är godkänd")
    with page.expect_response(lambda r: r.request.method == "PATCH") as answer:
        page.select_option("#p-interval", "900")
    assert answer.value.json()["position_interval_s"] == 900

    # Personal hours: both or neither; the server's reason is shown.
    page.fill("#p-hours-start", "07:00")
    page.click("#p-hours-save")
    expect(page.locator(".notice-error")).to_contain_text("både början och slutet")
    page.fill("#p-hours-end", "22:00")
    page.click("#p-hours-save")
    expect(page.locator(".notice-ok")).to_contain_text("Sparat.")

    # The test alarm comes back over the socket.
    page.click("#p-test")
    expect(page.locator("#p-test-result")).to_contain_text(
        re.compile(r"Provlarm mottaget efter \d+,\d s"))
    shot(page, "responder-test-alarm")

    # In English on request.
    page.click(".language button[value=en]")
    expect(page.locator("#p-available")).to_have_text("Available for alerts")
    expect(page.locator("#p-test")).to_have_text("Test alarm")


def test_a_volunteer_signs_in_with_the_identity_provider(live, provider, open_page):
    """The sign-in page's button, the provider (which consents at once), back to the product,
    which verifies the ID token and opens the volunteer's screen; all in a real browser under
    the product's Content-Security-Policy."""
    live.manage("shell", "-c", (
        "from identity.models import LinkedIdentity; from accounts.models import User; "
        f"LinkedIdentity.objects.get_or_create(user=User.objects.get(username='nils'), "
        f"issuer='{provider.issuer}', subject='nils-at-testid')"))
    provider.claims = {"sub": "nils-at-testid", "name": "Nils Åkesson"}
    page = open_page(PHONE, "nils")
    page.goto(live.url + "/login/?next=/responder/")
    expect(page.locator("#oidc-sign-in")).to_have_text("Logga in med TestID")
    page.click("#oidc-sign-in")
    page.wait_for_url("**/responder/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")
    expect(page.locator("#p-approval")).to_contain_text("Utbildningen godkänd till och med")
    assert provider.token_requests >= 1


def test_the_start_url_of_a_responder_is_their_screen(live, open_page):
    page = open_page(PHONE)
    sign_in(page, live.url, "olle", "/responder/")
    manifest = page.evaluate(
        "fetch('/manifest.json', {credentials: 'include'}).then((r) => r.json())")
    assert manifest["start_url"] == "/responder/"
    # A dispatcher has no business on it.
    desk = open_page(CONSOLE)
    sign_in(desk, live.url, "erik", "/console/")
    answer = desk.goto(live.url + "/responder/")
    assert answer.status == 403


@pytest.mark.parametrize("theme", ["day", "night"])
def test_axe_finds_no_serious_violation_on_the_ivpa_screens(live, open_page, theme):
    found = {}
    page = open_page(PHONE, theme=theme)
    page.goto(live.url + "/responder/register/")
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    found["register"] = axe_serious(page)

    phone = open_page(PHONE, "olle", theme=theme)
    sign_in(phone, live.url, "olle", "/responder/")
    expect(phone.locator("#conn")).to_have_attribute("data-state", "open")
    expect(phone.locator("#profile")).to_be_visible()
    found["responder: idle"] = axe_serious(phone)

    desk = open_page(CONSOLE, theme=theme)
    sign_in(desk, live.url, "anna", "/console/")
    expect(desk.locator("#ivpa-connected")).to_be_visible()
    open_cases = httpx.get(live.url + "/api/cases/",
                           headers={"Authorization": f"Token {live.token('erik')}"}).json()
    expect(desk.locator(".case")).to_have_count(len(open_cases))
    if open_cases:  # the case of the first test, when run with it
        for _attempt in range(5):  # a card redrawn under the pointer loses the click
            desk.locator(".case .case-complaint").first.click()
            try:
                desk.locator("#ivpa-panel").wait_for(state="visible", timeout=1500)
                break
            except PlaywrightTimeout:
                continue
        expect(desk.locator("#ivpa-panel")).to_be_visible()
    found["console with the IVPA panel"] = axe_serious(desk)
    shot(phone, f"responder-{theme}")
    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, indent=1)
