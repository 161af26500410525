"""End to end, in a real browser: a dispatcher edits a registered case on the console and the
crew on it sees the change live; the history lists it; an edit made while someone else changed
the case is refused with their values reloaded and the dispatcher's own changes kept on top.

One real server (uvicorn, its own database, the demo data) for the module; Debian's Chromium
through Playwright, one browser context per person. Set E2E_SCREENSHOTS=/some/dir to keep
screenshots.
"""

import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import AXE, CONSOLE, TABLET, sign_in
from tests.e2e.test_dispatch_to_crew import join_unit

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")
WAIT_MS = 30000  # a loaded 2-core machine: generous bounds, never a fixed sleep


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"case-edit-{name}.png"))


def as_dispatcher(live, username: str = "erik") -> dict:
    return {"Authorization": f"Token {live.token(username)}"}


def register(live, headers: dict, **fields) -> dict:
    regions = httpx.get(live.url + "/api/regions/", headers=headers).json()
    region = next(r["id"] for r in regions if r["code"] == "VML")
    answer = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": region, "caller_number": "+46701740610", "address": "Stora torget 1",
        "municipality": "Västerås", "latitude": 59.6099, "longitude": 16.5448,
        "complaint": "Andningsbesvär, 70-årig kvinna", "mbs_priority": "2A", "priority": "2A",
        **fields})
    answer.raise_for_status()
    return answer.json()


def unit_id(live, headers: dict, call_sign: str) -> int:
    units = httpx.get(live.url + "/api/units/", headers=headers).json()
    return next(u["id"] for u in units if u["call_sign"] == call_sign)


def axe_serious_in(page: Page, selector: str) -> list[str]:
    """axe-core's serious and critical violations inside one element (a dialog), one line each
    (the rest of the console is other parts' and checked by their tests)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "(s) => axe.run(document.querySelector(s), {resultTypes: ['violations']})", selector)
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:5]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def open_case(page: Page, reference: str):
    card = page.locator(".case", has_text=reference)
    expect(card).to_be_visible(timeout=WAIT_MS)
    card.locator(".case-head").click()
    return card


def test_a_priority_change_with_its_reason_reaches_the_crew_live(live, open_page):
    erik, sara = open_page(CONSOLE), open_page(TABLET)
    sign_in(sara, live.url, "sara", "/crew/")
    join_unit(sara, "AMB 1010")
    headers = as_dispatcher(live)
    case = register(live, headers)
    httpx.post(live.url + f"/api/cases/{case['id']}/dispatch/", headers=headers,
               json={"units": [unit_id(live, headers, "AMB 1010")]}).raise_for_status()
    expect(sara.locator("#assignment")).to_be_visible(timeout=WAIT_MS)
    expect(sara.locator("#a-priority")).to_have_text("2A")
    sara.evaluate("window.__sameDocument = true")

    sign_in(erik, live.url, "erik", "/console/")
    card = open_case(erik, case["reference"])
    card.locator(".edit-btn").click()
    dialog = erik.locator("#case-edit")
    expect(dialog).to_be_visible(timeout=WAIT_MS)  # opened once the case is read again
    expect(erik.locator("#edit-reason-field")).to_be_hidden()
    expect(erik.locator("#edit-address")).to_have_value("Stora torget 1")
    erik.select_option("#edit-priority", "1A")
    # The priority differs from the MBS priority and changes: the reason is asked for.
    expect(erik.locator("#edit-reason-field")).to_be_visible()
    erik.click("#edit-save")  # refused by the form: no reason
    expect(dialog).to_be_visible()
    assert erik.evaluate("document.getElementById('edit-reason').validity.valueMissing")
    assert axe_serious_in(erik, "#case-edit") == []
    erik.fill("#edit-reason", "Medvetslös enligt ny uppringare")
    erik.fill("#edit-door_code", "4711")
    shot(erik, "console-edit")
    erik.click("#edit-save")
    expect(dialog).to_be_hidden(timeout=WAIT_MS)
    expect(card.locator(".prio-badge")).to_have_text("1A", timeout=WAIT_MS)

    # Sara's tablet: the card shows 1A and a notice says why, live, without a reload.
    expect(sara.locator("#a-priority")).to_have_text("1A", timeout=WAIT_MS)
    notice = sara.locator(".notice-case-change")
    expect(notice).to_contain_text("Prioritet ändrad till 1A: Medvetslös enligt ny uppringare",
                                   timeout=WAIT_MS)
    expect(notice).to_contain_text("Ny portkod: 4711")
    assert sara.evaluate("window.__sameDocument") is True
    shot(sara, "crew-notice")

    # The history lists the change: who, from, to and why.
    card.locator(".history-btn").click()
    history = erik.locator("#case-history")
    expect(history).to_be_visible()
    change = history.locator(".history-change[data-field='priority']")
    expect(change).to_contain_text("2A → 1A", timeout=WAIT_MS)
    expect(change).to_contain_text("Medvetslös enligt ny uppringare")
    expect(change).to_contain_text("Erik Holm")
    expect(history.locator(".history-registered")).to_contain_text("2A")
    expect(history.locator(".history-dispatched")).to_contain_text("AMB 1010")
    assert axe_serious_in(erik, "#case-history") == []
    shot(erik, "console-history")


def test_an_edit_made_while_someone_else_changed_the_case_keeps_what_was_typed_over_theirs(
        live, open_page):
    erik = open_page(CONSOLE)
    case = register(live, as_dispatcher(live), complaint="Fallskada, höftsmärta")
    sign_in(erik, live.url, "erik", "/console/")
    card = open_case(erik, case["reference"])
    card.locator(".edit-btn").click()
    expect(erik.locator("#case-edit")).to_be_visible(timeout=WAIT_MS)
    # Anna changes the case meanwhile (version 1 -> 2): the door code and the safety warning.
    httpx.patch(live.url + f"/api/cases/{case['id']}/", headers=as_dispatcher(live, "anna"),
                json={"door_code": "1111", "safety_warning": "Hund i lägenheten",
                      "version": 1}).raise_for_status()
    expect(erik.locator("#edit-note")).to_be_visible(timeout=WAIT_MS)
    erik.fill("#edit-door_code", "2222")
    erik.fill("#edit-notes", "Anhörig möter vid porten")
    erik.click("#edit-save")
    error = erik.locator("#edit-error")
    expect(error).to_contain_text("Någon annan ändrade ärendet", timeout=WAIT_MS)
    # Nothing erik typed is lost: his values stay on top, marked with the value they replace;
    # Anna's change to another field is shown.
    expect(erik.locator("#edit-door_code")).to_have_value("2222")
    expect(erik.locator("#edit-notes")).to_have_value("Anhörig möter vid porten")
    expect(erik.locator("#edit-safety_warning")).to_have_value("Hund i lägenheten")
    door_note = erik.locator(".mine-note[data-field='door_code']")
    expect(door_note).to_have_text("Ditt värde — var 1111 när någon annan ändrade")
    expect(erik.locator(".mine-note[data-field='notes']")).to_contain_text("(tomt)")
    expect(erik.locator(".field-mine")).to_have_count(2)
    assert axe_serious_in(erik, "#case-edit") == []
    shot(erik, "console-conflict")
    # Saved again with the current version: erik's values go in, Anna's stay.
    erik.click("#edit-save")
    expect(erik.locator("#case-edit")).to_be_hidden(timeout=WAIT_MS)
    current = httpx.get(live.url + f"/api/cases/{case['id']}/",
                        headers=as_dispatcher(live)).json()
    assert (current["door_code"], current["notes"], current["safety_warning"],
            current["version"]) == ("2222", "Anhörig möter vid porten", "Hund i lägenheten", 3)
    # Opened again, the form carries no marks of the old conflict.
    card.locator(".edit-btn").click()
    expect(erik.locator("#edit-door_code")).to_have_value("2222", timeout=WAIT_MS)
    expect(erik.locator(".field-mine")).to_have_count(0)
