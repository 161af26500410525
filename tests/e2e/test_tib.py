"""End to end, in a real browser: the official on duty's phone (TiB, /tib/).

Tove (TiB) signs in on her phone. Anna (dispatcher, through the API) raises a possible major
incident: it appears on Tove's screen live with its first report. Tove confirms it with two
taps (one tap only arms the button: an alarm to every region never goes on a slip); the screen
says it is confirmed and shows the regions' alarm and pledges against the rule. She switches
to mass-casualty triage on an indicator from the server's list and back. Anna raises another:
Tove rejects it, and the screen asks for the reason before anything is sent. axe-core finds
nothing serious on the screen, raised or confirmed, by day and at night.

One real server (uvicorn, its own database, the demo data) for the module; Debian's Chromium
through Playwright (tests/e2e/conftest.py). Set E2E_SCREENSHOTS=/some/dir to keep screenshots.
"""

import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import PHONE, axe_serious, sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"tib-{name}.png"), full_page=True)


def incident_raise(live, title: str) -> dict:
    """A possible major incident raised by anna with a first report, as the API answers it."""
    r = httpx.post(live.url + "/api/incidents/", headers={
        "Authorization": f"Token {live.token('anna')}"}, json={
        "title": title, "region": "VML", "location": "E18 vid Västerås",
        "report": {"exact_location": "E18 vid trafikplats Västerås", "incident_type": "Bussolycka",
                   "casualties_total": 30, "hazards": "Läckande bränsle"}}, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()


def test_tib_confirms_one_incident_switches_triage_and_rejects_another(live, open_page):
    page = open_page(PHONE)
    sign_in(page, live.url, "tove", "/tib/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")

    first = incident_raise(live, "Bussolycka E18")
    card = page.locator("#tib-incident")
    expect(card.locator("#tib-title")).to_have_text("Bussolycka E18")
    expect(card.locator("#tib-state")).to_have_attribute("data-state", "raised")
    expect(card.locator("#tib-report-view")).to_contain_text("Bussolycka")
    shot(page, "raised")
    assert axe_serious(page) == []

    # One tap arms; only the second sends the alarm.
    confirm = page.locator("#tib-confirm")
    confirm.click()
    expect(confirm).to_have_class(re.compile(r"\bis-armed\b"))
    expect(card.locator("#tib-state")).to_have_attribute("data-state", "raised")
    page.locator("#tib-confirm").click()
    expect(card.locator("#tib-state")).to_have_attribute("data-state", "confirmed")
    assert httpx.get(f"{live.url}/api/incidents/{first['id']}/", headers={
        "Authorization": f"Token {live.token('anna')}"}).json()["state"] == "confirmed"
    regions = card.locator("#tib-regions > li.tib-region")
    expect(regions.first).to_be_visible()
    # Nobody has pledged yet: every region is below the rule, said in words.
    expect(card.locator("#tib-rule-summary")).to_have_class("tib-flag")
    expect(regions.first.locator(".tib-rule")).to_have_attribute("data-rule", "below")

    # Mass-casualty triage on an indicator of the server's list, and back (two taps).
    page.locator("#tib-triage-open").click()
    page.locator("#tib-triage-form input[name=indicator]").first.check()
    page.locator("#tib-triage-send").click()
    expect(page.locator("#tib-triage-state")).to_have_attribute("data-active", "true")
    shot(page, "triage")
    assert axe_serious(page) == []
    page.locator(".theme-toggle").click()  # the night theme: still readable
    expect(page.locator("html")).to_have_attribute("data-theme", "night")
    assert axe_serious(page) == []
    shot(page, "night")
    page.locator(".theme-toggle").click()
    page.locator("#tib-triage-off").click()
    page.locator("#tib-triage-off").click()
    expect(page.locator("#tib-triage-state")).to_have_attribute("data-active", "false")

    # Another one, raised while the first holds: the screen shows the one waiting for her.
    second = incident_raise(live, "Brand i vårdboende")
    expect(card.locator("#tib-title")).to_have_text("Brand i vårdboende")
    page.locator("#tib-reject").click()
    page.locator("#tib-reject-send").click()
    expect(page.locator("#tib-reject-form .tib-error")).to_be_visible()  # no reason: nothing sent
    expect(card.locator("#tib-state")).to_have_attribute("data-state", "raised")
    page.locator("#tib-reject-reason").fill("En enskild brand, räddningstjänsten har den")
    page.locator("#tib-reject-send").click()
    expect(page.locator(f'.tib-item[data-incident="{second["id"]}"]')).to_have_class(
        re.compile(r"\bis-rejected\b"))
    answer = httpx.get(f"{live.url}/api/incidents/{second['id']}/", headers={
        "Authorization": f"Token {live.token('anna')}"}).json()
    assert answer["state"] == "rejected"
    assert answer["reject_reason"] == "En enskild brand, räddningstjänsten har den"


def test_tib_records_a_phone_pledge_and_acknowledgement_a_new_report_and_stands_down(
        live, open_page):
    page = open_page(PHONE)
    sign_in(page, live.url, "tove", "/tib/")
    incident = incident_raise(live, "Tågurspårning Kolbäck")
    card = page.locator("#tib-incident")
    expect(card.locator("#tib-title")).to_have_text("Tågurspårning Kolbäck")
    page.locator("#tib-confirm").click()
    page.locator("#tib-confirm").click()
    expect(card.locator("#tib-state")).to_have_attribute("data-state", "confirmed")

    # A region's pledge of five ambulances heard by phone: its rule is met, in words.
    region = card.locator("#tib-regions > li.tib-region").first
    code = region.get_attribute("data-region")
    region.locator(".tib-pledge-open").click()
    region.locator("select[name=kind]").select_option("ambulance")
    region.locator("input[name=count]").fill("5")
    region.locator("input[name=by_name]").fill("Regionens TiB")
    region.locator(".tib-pledge-send").click()
    region = card.locator(f'#tib-regions > li.tib-region[data-region="{code}"]')
    expect(region.locator(".tib-rule")).to_have_attribute("data-rule", "met")

    # Its acknowledgement heard by phone, then the blood centre's.
    region.locator(".tib-ack-open").click()
    region.locator("input[name=by]").fill("Lisa, TiB")
    region.locator(".tib-ack-send").click()
    expect(region).to_have_class(re.compile(r"\bis-acknowledged\b"))
    expect(region.locator(".tib-ack")).to_contain_text("Lisa, TiB")
    expect(region.locator(".tib-blood")).not_to_have_class(re.compile(r"\bis-done\b"))
    region.locator(".tib-ack-open").click()
    region.locator("input[name=by]").fill("Blodcentralen Uppsala")
    region.locator("input[name=blood_centre]").check()
    region.locator(".tib-ack-send").click()
    expect(region.locator(".tib-blood")).to_have_class(re.compile(r"\bis-done\b"))
    expect(region.locator(".tib-blood")).to_contain_text("Blodcentralen Uppsala")

    # A new version of the METHANE report.
    version = int(card.locator("#tib-report-view").get_attribute("data-version"))
    page.locator("#tib-report-edit").click()
    page.locator("#tib-report-form input[name=casualties_red]").fill("4")
    page.locator("#tib-report-send").click()
    expect(card.locator("#tib-report-view")).to_have_attribute("data-version", str(version + 1))
    shot(page, "confirmed")
    assert axe_serious(page) == []

    # Stand-down: two taps, with a note to the regions.
    page.locator("#tib-standdown-note").fill("Alla skadade omhändertagna")
    page.locator("#tib-standdown").click()
    expect(card.locator("#tib-state")).to_have_attribute("data-state", "confirmed")
    page.locator("#tib-standdown").click()
    expect(page.locator(f'.tib-item[data-incident="{incident["id"]}"]')).to_have_class(
        re.compile(r"\bis-stood_down\b"))
