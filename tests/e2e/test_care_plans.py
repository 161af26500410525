"""End to end, in a real browser: the person behind the case and their care plan.

The demo's person (seed_careplans_demo: Gunnel Demoberg, 19410315-9804, calling from
070-174 06 77) has a care plan from Västerås mobila team and three earlier cases. Anna types the
number into the new-case form: the care plan shows above the form before the case is
registered, and in a band at the top of the registered case, with the earlier cases one click
away. Sara's unit (AMB 1010), dispatched to the person, sees the crew part of the plan on its
card and never the dispatcher's instructions; Johan, on another unit, gets nothing.

One real server (uvicorn, its own database, the demo seeds) for the module; Debian's Chromium
through Playwright.
"""

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from careplans.management.commands.seed_careplans_demo import CREW, DISPATCHER, PERSON_PIN
from tests.careplans.conftest import plan_payload
from tests.e2e.browser import AXE, CONSOLE, TABLET, pages_open, sign_in

pytestmark = pytest.mark.browser

INSTRUCTIONS = DISPATCHER[:40]  # "Ring Västerås mobila team först, dygnet…"
CREW_PART = CREW[:30]


@pytest.fixture
def open_page(browser):
    with pages_open(browser, timeout_ms=15000) as pages:
        yield pages.open


def axe_serious_in(page: Page, selector: str) -> list[str]:
    """axe-core's serious and critical violations inside `selector` (the rest of the console
    is other tests' to check)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("s => axe.run({include: [[s]]}, {resultTypes: ['violations']})",
                           selector)
    return [f"{v['id']}: {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def join_unit(page: Page, call_sign: str) -> None:
    option = page.locator("#join-unit option", has_text=call_sign)
    expect(option).to_have_count(1)
    page.select_option("#join-unit", value=option.get_attribute("value"))
    page.click("#join-button")
    expect(page.locator("#unit-title")).to_have_text(call_sign)


def test_the_care_plan_shows_as_the_number_is_typed_and_on_the_registered_case(live,
                                                                              open_page):
    anna = open_page(CONSOLE)
    sign_in(anna, live.url, "anna", "/console/")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")

    # The number calls again: the plan shows above the form before anything is registered.
    form_plan = anna.locator("#case-careplan")
    anna.fill("#case-caller", "070-174 06 7")
    expect(form_plan.locator(".careplan-band")).to_have_count(0)
    anna.fill("#case-caller", "070-174 06 77")
    band = form_plan.locator(".careplan-band")
    expect(band).to_be_visible()
    expect(band).to_contain_text("Vårdplan · Västerås mobila team")
    expect(band).to_contain_text(INSTRUCTIONS)
    expect(form_plan).to_contain_text("Vårdplan för den som ringer")
    expect(band.locator(".careplan-by-phone")).to_be_visible()  # no identity number typed yet
    # The identity number, once typed, is what the plan is found by.
    anna.fill("#case-pin", PERSON_PIN)
    expect(form_plan).to_contain_text("Vårdplan för det här personnumret")
    expect(band.locator(".careplan-by-phone")).to_have_count(0)

    anna.fill("#case-address", "Vasagatan 30")
    anna.fill("#case-municipality", "Västerås")
    anna.select_option("#case-region", label="Region Västmanland")
    anna.fill("#case-lat", "59.6125")
    anna.fill("#case-lon", "16.5389")
    anna.fill("#case-complaint", "Andnöd, orolig")
    anna.select_option("#case-type", "breathing_difficulty")
    anna.select_option("#case-mbs", "2A")
    anna.select_option("#case-priority", "2A")
    anna.click("#case-submit")

    card = anna.locator(".case", has_text="Andnöd, orolig")
    expect(card).to_have_class(re.compile("is-selected"))
    expect(form_plan.locator(".careplan-band")).to_have_count(0)  # the form is empty again
    panel = card.locator("#person-panel")
    plan = panel.locator(".careplan-band")
    expect(plan).to_be_visible()
    expect(plan.locator(".careplan-instructions")).to_contain_text(INSTRUCTIONS)
    expect(plan).to_contain_text("Gäller till")
    expect(plan).to_contain_text("Skriven av")
    expect(plan).to_contain_text("Samtycke: Skriftligt")
    expect(plan.locator(".careplan-review")).to_contain_text("Omprövning snart")
    # At the top of the case: right after its head line, above the actions and panels.
    assert card.evaluate("c => c.children[1].id") == "person-panel"

    history = panel.locator(".person-history")
    expect(history.locator("summary")).to_have_text("Tidigare ärenden, 12 månader (3)")
    expect(history.locator("li")).to_have_count(3)
    expect(history.locator("li").first).to_be_hidden()  # folded: one click away
    history.locator("summary").click()
    rows = history.locator("li")
    expect(rows.nth(0)).to_contain_text("Andningsbesvär")
    expect(rows.nth(0).locator(".person-outcome")).to_have_text("Transporterad")
    expect(rows.nth(1).locator(".person-outcome")).to_have_text("Ej transporterad")
    expect(rows.nth(2).locator(".person-outcome")).to_have_text("Hänvisad")
    expect(rows.nth(2)).to_contain_text("Hänvisning")
    assert "breathing_difficulty" not in panel.inner_text()  # words, never codes
    assert axe_serious_in(anna, "#person-panel") == []


def test_the_assigned_crew_sees_only_the_crew_part_and_another_crew_nothing(live, open_page):
    sara, johan = open_page(TABLET), open_page(TABLET)
    sign_in(sara, live.url, "sara", "/crew/")
    join_unit(sara, "AMB 1010")
    sign_in(johan, live.url, "johan", "/crew/")
    join_unit(johan, "AMB 3010")

    headers = {"Authorization": f"Token {live.token('erik')}"}
    regions = {r["code"]: r["id"] for r in
               httpx.get(live.url + "/api/regions/", headers=headers).json()}
    units = {u["call_sign"]: u["id"] for u in
             httpx.get(live.url + "/api/units/", headers=headers).json()}
    case = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": regions["VML"], "caller_number": "070-174 06 77", "address": "Vasagatan 30",
        "municipality": "Västerås", "latitude": 59.6125, "longitude": 16.5389,
        "complaint": "Föll i hallen", "mbs_priority": "2A", "priority": "2A",
        "personal_identity_number": PERSON_PIN}).json()
    sent = httpx.post(f"{live.url}/api/cases/{case['id']}/dispatch/", headers=headers,
                      json={"units": [units["AMB 1010"]]})
    assert sent.status_code == 201, sent.text
    assignment = sent.json()[0]["id"]

    expect(sara.locator("#a-complaint")).to_have_text("Föll i hallen")
    part = sara.locator("#a-careplan")
    expect(part).to_be_visible()
    expect(part).to_contain_text("Vårdplan: till besättningen")
    expect(part).to_contain_text(CREW_PART)
    expect(part).to_contain_text("Västerås mobila team")
    card = sara.locator("#assignment").inner_text()
    assert INSTRUCTIONS not in card and "Dottern Lena" not in card

    # Johan's unit is not on it: nothing on his tablet, and the API says no such assignment.
    expect(johan.locator("#idle")).to_be_visible()
    expect(johan.locator("#a-careplan")).to_be_hidden()
    status = johan.evaluate(
        "id => fetch(`/api/assignments/${id}/care-plan/`).then((r) => r.status)", assignment)
    assert status == 404


def test_a_dispatcher_writes_a_care_plan_from_the_case_and_it_shows_at_once(live, open_page):
    headers = {"Authorization": f"Token {live.token('erik')}"}
    regions = {r["code"]: r["id"] for r in
               httpx.get(live.url + "/api/regions/", headers=headers).json()}
    case = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": regions["VML"], "caller_number": "070-174 06 98", "address": "Stora torget 5",
        "municipality": "Västerås", "latitude": 59.6099, "longitude": 16.5448,
        "complaint": "Yrsel, har ramlat", "mbs_priority": "2B", "priority": "2B",
        "personal_identity_number": "19800101-9817"}).json()
    anna = open_page(CONSOLE)
    sign_in(anna, live.url, "anna", "/console/")
    card = anna.locator(f".case[data-reference='{case['reference']}']")
    card.locator(".case-complaint").click()
    panel = card.locator("#person-panel")
    expect(panel).to_contain_text("Inga tidigare ärenden de senaste 12 månaderna.")
    expect(panel.locator(".careplan-band")).to_have_count(0)
    panel.locator(".careplan-write").click()

    dialog = anna.locator("#careplan-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[name=personal_identity_number]")).to_have_value("19800101-9817")
    expect(dialog.locator("[name=phones]")).to_have_value("070-174 06 98")
    dialog.locator("button[type=submit]").click()  # nothing written yet: the server says what
    expect(dialog.locator(".alert-error")).to_be_visible()
    expect(dialog).to_be_visible()
    dialog.locator("[name=care_unit]").fill("Vårdcentralen Skultuna")
    dialog.locator("[name=consent_recorded_by]").fill("Ali Distriktssköterska")
    dialog.locator("[name=consent_method]").select_option("oral")
    dialog.locator("[name=dispatcher_instructions]").fill("Ring vårdcentralen först.")
    dialog.locator("[name=crew_instructions]").fill("Rollator i hallen.")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    band = panel.locator(".careplan-band")
    expect(band).to_be_visible()
    expect(band).to_contain_text("Vårdplan · Vårdcentralen Skultuna")
    expect(band.locator(".careplan-instructions")).to_have_text("Ring vårdcentralen först.")
    expect(band).to_contain_text("Samtycke: Muntligt, antecknat i journalen")
    expect(panel.locator(".careplan-write")).to_have_text("Ändra vårdplanen…")


def test_the_crew_part_follows_a_changed_plan_and_a_changed_patient_live(live, open_page):
    ali = open_page(TABLET)
    sign_in(ali, live.url, "ali", "/crew/")
    join_unit(ali, "AMB 1020")
    ali.evaluate("window.__sameDocument = true")

    headers = {"Authorization": f"Token {live.token('erik')}"}
    plan = httpx.post(live.url + "/api/care-plans/", headers=headers, json={
        **plan_payload(personal_identity_number="19390101-0005", phones=["070-174 06 55"]),
        "crew_instructions": "Syrgas 2 l/min."})
    assert plan.status_code == 201, plan.text
    regions = {r["code"]: r["id"] for r in
               httpx.get(live.url + "/api/regions/", headers=headers).json()}
    units = {u["call_sign"]: u["id"] for u in
             httpx.get(live.url + "/api/units/", headers=headers).json()}
    case = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": regions["VML"], "caller_number": "070-174 06 55",
        "address": "Kopparbergsvägen 10",
        "municipality": "Västerås", "latitude": 59.6162, "longitude": 16.5528,
        "complaint": "Andfådd i vila", "mbs_priority": "2A", "priority": "2A",
        "personal_identity_number": "19390101-0005"}).json()
    sent = httpx.post(f"{live.url}/api/cases/{case['id']}/dispatch/", headers=headers,
                      json={"units": [units["AMB 1020"]]})
    assert sent.status_code == 201, sent.text
    part = ali.locator("#a-careplan")
    expect(part).to_contain_text("Syrgas 2 l/min.")

    # The care unit raises the oxygen: the card says so, live, without a reload.
    changed = httpx.patch(f"{live.url}/api/care-plans/{plan.json()['id']}/", headers=headers,
                          json={"crew_instructions": "Syrgas 4 l/min, inte mer."})
    assert changed.status_code == 200, changed.text
    expect(part).to_contain_text("Syrgas 4 l/min, inte mer.")

    # The centre finds the patient is someone else: that person has no plan, the part goes.
    edit = httpx.patch(f"{live.url}/api/cases/{case['id']}/", headers=headers, json={
        "personal_identity_number": "19450505-1234", "version": case["version"]})
    assert edit.status_code == 200, edit.text
    expect(part).to_be_hidden()
    assert ali.evaluate("window.__sameDocument") is True
