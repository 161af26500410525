"""End to end, in a real browser: the crew card shows what the dispatcher typed (the case type,
the scene flags in words, the safety warning as a band at the top, the door code), keeps
"Navigera" in view on a small tablet however tall the card is, and the crew and the dispatcher
exchange messages live, each acknowledged by the other side.

One real server (uvicorn, its own database, the demo data) for the module; Debian's Chromium
through Playwright. Set E2E_SCREENSHOTS=/some/dir to keep screenshots.
"""

import json
import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import CONSOLE, sign_in
from tests.e2e.test_field_maps import in_reach, on_duty
from tests.e2e.test_pwa import axe_serious

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")
SMALL_TABLET = {"width": 600, "height": 800}
# Long notes: the card is several screens tall on the small tablet.
TALL_NOTES = "\n".join(f"Rad {n}: trappa B, hiss ur funktion, ring på dörren märkt Lund."
                       for n in range(1, 41))


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"crew-card-{name}.png"))


def headers(live) -> dict:
    return {"Authorization": f"Token {live.token('erik')}"}


def dispatched_case(live, call_sign: str, **fields) -> dict:
    """A case in Västerås registered and sent to `call_sign` by erik (over the API)."""
    h = headers(live)
    region = next(r["id"] for r in httpx.get(live.url + "/api/regions/", headers=h).json()
                  if r["code"] == "VML")
    unit = next(u["id"] for u in httpx.get(live.url + "/api/units/", headers=h).json()
                if u["call_sign"] == call_sign)
    case = httpx.post(live.url + "/api/cases/", headers=h, json={
        "region": region, "caller_number": "+4621123456", "address": "Stora torget 1",
        "municipality": "Västerås", "latitude": 59.6099, "longitude": 16.5448,
        "complaint": "Fallit i trappan", "mbs_priority": "1B", "priority": "1B", **fields})
    assert case.status_code == 201, case.text
    httpx.post(live.url + f"/api/cases/{case.json()['id']}/dispatch/", headers=h,
               json={"units": [unit]}).raise_for_status()
    return case.json()


def test_the_card_shows_the_door_code_type_flags_and_warning_and_navigera_stays_in_view(
        live, open_page):
    sara = open_page(SMALL_TABLET)
    sign_in(sara, live.url, "sara", "/crew/")
    on_duty(sara, "AMB 1010")
    dispatched_case(live, "AMB 1010", case_type="trauma", door_code="4711",
                    scene_flags=["unsafe_scene", "child_under_8", "infection"],
                    safety_warning="Hotfull person i trapphuset", notes=TALL_NOTES)

    card = sara.locator("#assignment")
    expect(sara.locator("#a-address")).to_have_text("Stora torget 1")
    expect(sara.locator("#a-door-code")).to_have_text("4711")
    expect(sara.locator("#a-door")).to_contain_text("Portkod")
    expect(sara.locator("#a-type-text")).to_have_text("Trauma")
    expect(sara.locator("#a-flags")).to_have_text("Barn under 8 år")
    # The warning band: the card's first thing, with the dangers in words and the warning.
    band = sara.locator("#a-safety")
    expect(band).to_be_visible()
    expect(band.locator(".a-flag")).to_have_text(["Osäker plats (hot, våld)", "Smittrisk"])
    expect(band).to_contain_text("Hotfull person i trapphuset")
    assert card.evaluate("c => c.firstElementChild.id") == "a-safety"
    assert band.bounding_box()["y"] < sara.locator(".a-head").bounding_box()["y"]
    # No code reaches the screen.
    text = card.inner_text()
    for code in ("unsafe_scene", "child_under_8", "infection", "trauma"):
        assert code not in text, code

    # "Navigera" is in reach with the card much taller than the screen: at the top of the
    # card, half way down and at the end.
    expect(sara.locator("#a-navigate")).to_be_visible()
    assert sara.evaluate("document.documentElement.scrollHeight") > 3 * SMALL_TABLET["height"]
    for where in ("0", "document.documentElement.scrollHeight / 2",
                  "document.documentElement.scrollHeight"):
        sara.evaluate(f"window.scrollTo(0, {where})")
        sara.wait_for_function("() => true")  # a frame to lay out the sticky parts
        assert in_reach(sara, "#a-navigate"), where
        assert in_reach(sara, "#a-ack"), where
    shot(sara, "tall")
    found = axe_serious(sara)
    assert found == [], json.dumps(found, indent=1)

    # On scene, the destination picker says what each hospital can receive, in words.
    sara.click("#a-ack")
    for status in ("en_route", "on_scene"):
        expect(sara.locator("#a-next")).to_be_enabled()
        sara.click("#a-next")
        expect(sara.locator("#assignment")).to_have_attribute("data-status", status)
    vasteras = sara.locator("#a-dest-select option", has_text="Västmanlands sjukhus Västerås")
    expect(vasteras).to_have_text(re.compile(
        r"^Västmanlands sjukhus Västerås · PCI, stroke, trauma, barn, förlossning, psykiatri"
        r" · \d+ min"))


def case_card(anna: Page, case: dict):
    return anna.locator(f".case[data-id='{case['id']}']")


def test_a_message_goes_each_way_live_and_the_other_side_acknowledges_it(live, open_page):
    maria = open_page(SMALL_TABLET)
    anna = open_page(CONSOLE)
    sign_in(maria, live.url, "maria", "/crew/")
    on_duty(maria, "AMB 1020")
    sign_in(anna, live.url, "anna", "/console/")
    case = dispatched_case(live, "AMB 1020", complaint="Andnöd")
    expect(maria.locator("#a-address")).to_have_text("Stora torget 1")

    # The dispatcher writes on the assignment's row of the selected case.
    card = case_card(anna, case)
    expect(card).to_be_visible(timeout=15000)
    card.locator(".case-complaint").click()
    expect(card).to_have_class(re.compile(r"\bis-selected\b"))
    panel = card.locator(".asg-messages")
    expect(panel).to_be_visible()
    panel.locator("input[name=text]").fill("Polis på väg, vänta vid porten")
    # Counted before the message is sent: read after, the tone may already have sounded.
    chimes = maria.evaluate("Number(document.body.dataset.chimes || 0)")
    panel.locator("button[type=submit]").click()

    # The crew hears it at once: a notice, the tone, the message marked unread.
    message = maria.locator("#a-messages-list .a-msg.from-centre")
    expect(message).to_contain_text("Polis på väg, vänta vid porten", timeout=15000)
    expect(message).to_have_attribute("data-state", "unread")
    expect(maria.locator("#a-messages-unread")).to_have_text("1 oläst")
    expect(maria.locator(".notice", has_text="Polis på väg")).to_be_visible()
    maria.wait_for_function(f"() => Number(document.body.dataset.chimes || 0) > {chimes}",
                            timeout=60_000)
    console_message = panel.locator(".msg.from-centre")
    expect(console_message).to_contain_text("Ej kvitterat")

    # The crew acknowledges; the console says who and when.
    message.locator(".a-msg-ack-btn").click()
    expect(message).to_have_attribute("data-state", "acknowledged")
    expect(console_message).to_contain_text(re.compile(r"Kvitterat \d\d:\d\d av Maria"),
                                            timeout=15000)

    # And the other way: a quick reply from the crew, unread on the console until acknowledged.
    maria.locator(".a-quick-btn[data-quick=police]").click()
    from_crew = panel.locator(".msg.from-crew")
    expect(from_crew).to_contain_text("Behöver polis", timeout=15000)
    expect(from_crew).to_have_attribute("data-state", "unread")
    expect(card.locator(".asg-unread")).to_have_text("1 oläst")
    crew_side = maria.locator("#a-messages-list .a-msg.from-crew")
    expect(crew_side).to_contain_text("Ej kvitterat")
    from_crew.locator(".msg-ack-btn").click()
    expect(card.locator(".asg-unread")).to_have_count(0)
    expect(crew_side).to_contain_text(re.compile(r"Kvitterat \d\d:\d\d av Anna"), timeout=15000)
    shot(maria, "messages")
    shot(anna, "console-messages")
