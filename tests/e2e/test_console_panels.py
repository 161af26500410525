"""End to end, in a real browser: the selected case's panels on the console are those that apply.

A 1A cardiac arrest in Västerås (a connected municipality that alerts first responders for
cardiac arrests) shows the IVPA panel and no referral panel; a priority-3 case, which may be
referred to a mobile care unit, shows the referral panel and no IVPA panel. Either hidden panel
is one click away ("Fler åtgärder: IVPA · Hänvisning") and closes again with the same button.
The rules come from the server (frontend/tables.py: ivpa.selectors.coverage and
settings.REFERRAL_PRIORITIES); caller images apply to every case.

One real server (uvicorn, its own database, seed_demo and seed_ivpa_demo) for the module;
Debian's Chromium through Playwright.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import CONSOLE, new_case, sign_in
from tests.e2e.test_pwa import axe_serious
from tests.live import LiveProduct

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live():
    product = LiveProduct().start()
    try:
        product.manage("seed_ivpa_demo")
    except Exception:
        product.stop()
        raise
    yield product
    product.stop()


def open_case(console: Page, reference: str):
    card = console.locator(f".case[data-reference='{reference}']")
    expect(card).to_be_visible(timeout=15000)
    card.locator(".case-complaint").click()
    expect(card).to_have_class(re.compile("is-selected"))
    expect(card.locator("#case-panels")).to_be_visible()
    return card


def test_a_cardiac_arrest_shows_ivpa_and_keeps_the_referral_panel_a_click_away(live, open_page):
    arrest = new_case(live, complaint="Man, 60 år, medvetslös, andas inte",
                      case_type="cardiac_arrest", mbs_priority="1A", priority="1A")
    console = open_page(CONSOLE)
    sign_in(console, live.url, "anna", "/console/")
    card = open_case(console, arrest["reference"])

    expect(card.locator("#ivpa-panel")).to_be_visible()
    expect(card.locator("#images-panel")).to_be_visible()
    expect(card.locator("#referral-panel")).to_have_count(0)
    more = card.locator("#case-more")
    expect(more).to_contain_text("Fler åtgärder:")
    expect(more.locator("button")).to_have_count(1)
    expect(more.locator(".case-more-ivpa")).to_have_count(0)
    # The panels come below the case's own lines and actions, never above them.
    assert card.evaluate("c => c.lastElementChild.id") == "case-panels"

    refer = more.locator(".case-more-referral")
    expect(refer).to_have_text("Hänvisning")
    expect(refer).to_have_attribute("aria-expanded", "false")
    refer.click()  # one click
    expect(card.locator("#referral-panel")).to_be_visible()
    expect(refer).to_have_attribute("aria-expanded", "true")
    assert axe_serious(console) == []
    refer.click()  # and away again
    expect(card.locator("#referral-panel")).to_have_count(0)
    expect(card.locator("#ivpa-panel")).to_be_visible()


def test_a_referable_priority_3_case_shows_the_referral_panel_and_ivpa_a_click_away(
        live, open_page):
    cough = new_case(live, complaint="Kvinna, 84 år, hosta och feber sedan tre dagar",
                     case_type="breathing_difficulty", mbs_priority="3", priority="3")
    console = open_page(CONSOLE)
    sign_in(console, live.url, "anna", "/console/")
    card = open_case(console, cough["reference"])

    expect(card.locator("#referral-panel")).to_be_visible()
    expect(card.locator("#images-panel")).to_be_visible()
    expect(card.locator("#ivpa-panel")).to_have_count(0)
    ivpa = card.locator("#case-more .case-more-ivpa")
    expect(ivpa).to_have_text("IVPA")
    expect(card.locator("#case-more .case-more-referral")).to_have_count(0)

    ivpa.click()
    panel = card.locator("#ivpa-panel")
    expect(panel).to_be_visible()
    # Opened by hand, it says why no responder may be alerted (the server's reason).
    expect(panel.locator(".ivpa-eligibility")).to_have_attribute("data-eligible", "false")
    expect(panel.locator(".ivpa-eligibility")).to_contain_text("1A eller 1B")
    expect(panel.locator(".ivpa-start")).to_have_count(0)


def test_the_panels_follow_the_server_s_rule_not_a_copy(live, open_page):
    # The page carries the rule as data: the connected municipalities' case types and the
    # referable priorities, as the server has them.
    console = open_page(CONSOLE)
    sign_in(console, live.url, "anna", "/console/")
    tables = console.evaluate("() => JSON.parse(document.getElementById('tables').textContent)")
    assert tables["ivpa"]["priorities"] == ["1A", "1B"]
    assert "cardiac_arrest" in tables["ivpa"]["case_types"]
    assert "breathing_difficulty" not in tables["ivpa"]["case_types"]
    assert tables["referral"]["priorities"] == ["3", "referral"]
