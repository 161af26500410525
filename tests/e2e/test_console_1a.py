"""A 1A under pressure on the console, in a real browser: the selected case shows the units
that can go, ranked by their time there, at the top of the case; one click sends the fastest
manned unit, and its crew's tablet has it at once.

One real server (uvicorn, its own database, the demo data: no crew on any unit until a crew
member joins on a tablet) for the module; Debian's Chromium through Playwright.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import CONSOLE, TABLET, sign_in
from tests.e2e.test_dispatch_to_crew import shot

pytestmark = pytest.mark.browser


# A generous bound for each condition: the machine running the suite may be loaded.
WAIT = 20_000


def join_unit(page, call_sign: str) -> None:
    option = page.locator("#join-unit option", has_text=call_sign)
    expect(option).to_have_count(1, timeout=WAIT)
    page.select_option("#join-unit", value=option.get_attribute("value"))
    page.click("#join-button")
    expect(page.locator("#unit-title")).to_have_text(call_sign, timeout=WAIT)


def test_a_1a_is_registered_and_dispatched_from_the_recommendation_in_two_clicks(
        live, open_page):
    anna, sara = open_page(CONSOLE), open_page(TABLET)
    sign_in(sara, live.url, "sara", "/crew/")
    join_unit(sara, "AMB 1010")
    sign_in(anna, live.url, "anna", "/console/")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open", timeout=WAIT)
    # The unit list tells which units are manned: AMB 1010 (Sara's), not AMB 1020.
    amb1010 = anna.locator("#units tr[data-call-sign='AMB 1010']")
    expect(amb1010).to_be_visible(timeout=WAIT)
    expect(amb1010.locator(".is-unmanned")).to_have_count(0)
    expect(anna.locator("#units tr[data-call-sign='AMB 1020'] .is-unmanned")).to_have_text(
        "Obemannad", timeout=WAIT)

    # A cardiac arrest in Västerås, typed in; the first click registers it.
    anna.fill("#case-caller", "+46701740612")
    anna.fill("#case-address", "Vasagatan 12")
    anna.fill("#case-municipality", "Västerås")
    anna.select_option("#case-region", label="Region Västmanland")
    anna.fill("#case-lat", "59.6116")
    anna.fill("#case-lon", "16.5442")
    anna.fill("#case-complaint", "Hjärtstopp, vuxen man, HLR pågår")
    anna.select_option("#case-type", "cardiac_arrest")
    anna.select_option("#case-mbs", "1A")
    anna.select_option("#case-priority", "1A")
    anna.click("#case-submit")  # click 1

    card = anna.locator(".case.is-selected", has_text="Hjärtstopp, vuxen man")
    expect(card).to_be_visible(timeout=WAIT)
    recommend = card.locator("#recommend")
    best = recommend.locator("#recommend-dispatch")
    # The recommendation: the fastest unit that fits, with its time (estimated: no router).
    expect(best).to_have_text(re.compile(r"^Larma AMB 1010 · \d+ min \(uppskattat\)$"),
                              timeout=WAIT)
    fastest = recommend.locator(".rec-unit.is-fastest")
    expect(fastest).to_have_count(1, timeout=WAIT)
    expect(fastest).to_have_attribute("data-call-sign", "AMB 1010", timeout=WAIT)
    expect(fastest.locator(".rec-fastest")).to_have_text("snabbast", timeout=WAIT)
    expect(fastest.locator(".badge")).to_have_text("Ledig", timeout=WAIT)
    # The units that do not fit follow, with why in words: AMB 1020 next door has no crew.
    unfit = recommend.locator(".rec-unfit .rec-unit[data-call-sign='AMB 1020']")
    expect(unfit.locator(".rec-why")).to_have_text("obemannad: ingen besättning har loggat in",
                                                   timeout=WAIT)
    expect(recommend.locator(".rec-unfit")).not_to_contain_text("not_manned")  # no codes

    # The dispatch action is at the top of the case: above its assignments and panels.
    top = best.bounding_box()["y"]
    for below in (".case-complaint", ".case-actions", "#case-panels"):
        if card.locator(below).count():
            assert card.locator(below).first.bounding_box()["y"] > top, below
    shot(anna, "console-1a-recommended")

    best.click()  # click 2: AMB 1010 is alerted
    expect(card.locator(".asg[data-status='alerted']")).to_contain_text("AMB 1010", timeout=WAIT)
    expect(sara.locator("#assignment")).to_be_visible(timeout=WAIT)
    expect(sara.locator("#a-address")).to_have_text("Vasagatan 12", timeout=WAIT)
    expect(sara.locator("#a-status")).to_have_text("Larmad", timeout=WAIT)
    # The ranking follows: AMB 1010 is now on this case, and no unit fits any more.
    expect(recommend.locator(".rec-unit[data-call-sign='AMB 1010'] .rec-why")).to_have_text(
        "redan på det här ärendet", timeout=WAIT)
    expect(recommend.locator("#recommend-dispatch")).to_have_count(0, timeout=WAIT)
    expect(recommend.locator(".rec-none")).to_have_text(
        "Ingen ytterligare enhet passar: för att larma fler, välj nedan och ange skälet.")
    shot(anna, "console-1a-dispatched")
