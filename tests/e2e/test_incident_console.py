"""End to end, in a real browser: a major incident (*särskild händelse*, issue 17) on the
dispatch console and the crew's tablet.

anna raises a possible major incident from the selected case: the panel's banner waits for TiB
(amber). tove (TiB) confirms over the API: the banner turns red live and the regions' rows come
with the alarm sent; a pledge heard by phone shows its count against the rule ("Under 5"), a
second one meets it ("Uppfyllt"). axe finds nothing serious with the panel open, by day and at
night. When tove switches to mass-casualty triage, the console's banner says so, the new-case
form and the case's edit offer the triage categories (the server's words; the one chosen shows
on the case's card) and sara's tablet shows the band with the incident's title. Units of the
centre's own region pledged by name are marked held in the units table and in the
recommendations of another case, until the stand-down.

One live product for the module, with two alarm regions of its own (no CAP endpoint); every
wait is for a condition, with a generous bound.
"""

import re
from contextlib import contextmanager

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import CONSOLE, PASSWORD, TABLET, axe_serious, new_case, sign_in
from tests.live import LiveProduct

pytestmark = pytest.mark.browser

WAIT = 30_000
REGIONS = """
from incidents.models import AlarmRegion
for code, name in (("E2EN", "Region Testnorr"), ("E2ES", "Region Testsöder")):
    AlarmRegion.objects.get_or_create(code=code, defaults={"name": name, "sort_order": 90})
"""


@pytest.fixture(scope="module")
def live():
    product = LiveProduct().start()
    try:
        product.manage("shell", "-c", REGIONS)
    except Exception:
        product.stop()
        raise
    yield product
    product.stop()


@contextmanager
def api(live, user: str):
    """anna with her API token; tove (TiB, who holds no token) signed in with a session."""
    if user != "tove":
        with httpx.Client(base_url=live.url, timeout=30,
                          headers={"Authorization": f"Token {live.token(user)}"}) as client:
            yield client
        return
    # The cookies are passed by hand: in the production shape they are Secure, which httpx
    # keeps to https (Chromium allows them on 127.0.0.1).
    with httpx.Client(base_url=live.url, timeout=30) as client:
        csrf = client.get("/login/").cookies["csrftoken"]
        r = client.post("/login/", data={
            "username": user, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
            headers={"Referer": live.url + "/login/", "Cookie": f"csrftoken={csrf}"})
        assert r.status_code == 302, r.text
        csrf = r.cookies.get("csrftoken") or csrf
        client.cookies.clear()
        client.headers.update({
            "Cookie": f"csrftoken={csrf}; sessionid={r.cookies['sessionid']}",
            "X-CSRFToken": csrf, "Referer": live.url + "/"})
        yield client


def anna_raises(live, open_page, title: str) -> tuple[Page, int]:
    """anna selects a new case and raises a major incident from it: (her page, its id)."""
    case = new_case(live, complaint="Bussolycka, många skadade", priority="1A", mbs_priority="1A")
    anna = open_page(CONSOLE)
    sign_in(anna, live.url, "anna", "/console/")
    card = anna.locator(f".case[data-reference='{case['reference']}']")
    expect(card).to_be_visible(timeout=WAIT)
    card.locator(".case-complaint").click()
    expect(card).to_have_class(re.compile("is-selected"))

    anna.click("#incident-raise-open")
    dialog = anna.locator("#incident-raise")
    expect(dialog).to_be_visible()
    # The selected case is ticked, its address is the location and its region the region.
    expect(dialog.locator(f"#incident-case-{case['id']}")).to_be_checked()
    expect(dialog.locator("#incident-location")).to_have_value(case["address"])
    expect(dialog.locator("#incident-region")).to_have_value(str(case["region"]))
    dialog.locator("#incident-title").fill(title)
    dialog.locator("#incident-raise-incident_type").fill("Trafikolycka, buss")
    dialog.locator("#incident-raise-casualties_total").fill("30")
    dialog.locator("#incident-raise-save").click()
    expect(dialog).to_have_count(0)

    panel = anna.locator("#incident-panel")
    expect(panel).to_be_visible(timeout=WAIT)
    with api(live, "anna") as client:
        active = client.get("/api/incidents/", params={"state": "active"}).json()
    incident = next(i for i in active if i["title"] == title)
    assert [c["id"] for c in client_detail(live, incident["id"])["cases"]] == [case["id"]]
    return anna, incident["id"]


def client_detail(live, pk: int) -> dict:
    with api(live, "anna") as client:
        r = client.get(f"/api/incidents/{pk}/")
        assert r.status_code == 200, r.text
        return r.json()


def stand_down(live, pk: int) -> None:
    with api(live, "tove") as client:
        r = client.post(f"/api/incidents/{pk}/stand-down/", json={"note": "test"})
        assert r.status_code == 200, r.text


def test_raised_waits_for_tib_then_turns_red_live_with_regions_and_a_pledge_by_phone(
        live, open_page):
    anna, pk = anna_raises(live, open_page, "Bussolycka E18")
    banner = anna.locator("#incident-banner")
    expect(banner).to_contain_text("väntar på TiB")
    expect(banner).to_have_class(re.compile("is-raised"))
    expect(anna.locator("#incident-report")).to_contain_text("Trafikolycka, buss")
    expect(anna.locator("#incident-report-link")).to_have_attribute(
        "href", f"/incidents/{pk}/report/")

    with api(live, "anna") as client:  # a dispatcher may not confirm
        assert client.post(f"/api/incidents/{pk}/confirm/").status_code == 403
    with api(live, "tove") as client:
        r = client.post(f"/api/incidents/{pk}/confirm/")
        assert r.status_code == 200, r.text

    expect(banner).to_contain_text("SÄRSKILD HÄNDELSE – bekräftad av TiB", timeout=WAIT)
    expect(banner).to_have_class(re.compile("is-confirmed"))
    north = anna.locator("#incident-regions tr.incident-region[data-region='E2EN']")
    expect(north).to_be_visible(timeout=WAIT)
    expect(north.locator(".ir-sent")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"), timeout=WAIT)
    expect(north.locator(".ir-flag")).to_have_text(re.compile("Under 5"))
    expect(anna.locator("#incident-log li").first).to_contain_text(re.compile(r"\d\d:\d\d:\d\d"))

    def pledge(count: str) -> None:
        north.locator(".ir-phone-pledge").click()
        dialog = anna.locator("#incident-pledge")
        expect(dialog).to_be_visible()
        dialog.locator("#incident-pledge-count").fill(count)
        dialog.locator("#incident-pledge-by").fill("Lena på RLC Testnorr")
        dialog.locator("#incident-pledge-save").click()
        expect(dialog).to_have_count(0)

    pledge("3")
    expect(north.locator(".ir-count")).to_have_text("3 av 5", timeout=WAIT)
    expect(north.locator(".ir-flag")).to_have_text(re.compile("Under 5"))
    pledges = anna.locator("#incident-regions tr.incident-pledges[data-region='E2EN'] .ir-pledge")
    expect(pledges).to_have_count(1)
    expect(pledges.first).to_contain_text("Lena på RLC Testnorr")
    pledge("2")
    expect(north.locator(".ir-count")).to_have_text("5 av 5", timeout=WAIT)
    expect(north.locator(".ir-flag")).to_have_text(re.compile("Uppfyllt"))
    expect(north.locator(".ir-flag")).to_have_attribute("data-rule", "met")
    south = anna.locator("#incident-regions tr.incident-region[data-region='E2ES']")
    expect(south.locator(".ir-flag")).to_have_attribute("data-rule", "under")
    detail = client_detail(live, pk)
    assert next(r for r in detail["regions"] if r["code"] == "E2EN")["pledged"] == 5

    expect(anna.locator("#incident-details")).to_be_visible()
    assert axe_serious(anna) == []
    anna.click(".theme-toggle")
    expect(anna.locator("html")).to_have_attribute("data-theme", "night")
    assert axe_serious(anna) == []
    anna.click(".theme-toggle")
    stand_down(live, pk)
    expect(anna.locator("#incident-panel")).to_be_hidden(timeout=WAIT)


def test_mass_casualty_triage_shows_on_the_console_the_case_form_and_the_crews_card(
        live, open_page):
    sara = open_page(TABLET)
    sign_in(sara, live.url, "sara", "/crew/")
    sara.locator("#duty:visible, #join:visible").first.wait_for(timeout=WAIT)
    anna, pk = anna_raises(live, open_page, "Tågolycka Kolbäck")
    with api(live, "tove") as client:
        assert client.post(f"/api/incidents/{pk}/confirm/").status_code == 200
    expect(anna.locator("#incident-banner")).to_have_class(re.compile("is-confirmed"), timeout=WAIT)
    expect(anna.locator("#case-mass-triage")).to_be_hidden()

    with api(live, "tove") as client:
        r = client.post(f"/api/incidents/{pk}/triage/", json={
            "active": True, "indicators": ["casualties_exceed_capacity"], "note": ""})
        assert r.status_code == 200, r.text

    expect(anna.locator("#incident-triage")).to_contain_text("Masskadetriage gäller", timeout=WAIT)
    triage = anna.locator("#case-mass-triage")
    expect(triage).to_be_visible(timeout=WAIT)
    # The categories in the server's words (dispatch.models.MassTriage), never a code.
    expect(triage.locator("option[value='red']")).not_to_have_text("red")
    # The case's edit offers it too; the category chosen shows on the case's card in words.
    reference = client_detail(live, pk)["cases"][0]["reference"]
    card = anna.locator(f".case[data-reference='{reference}']")
    card.locator(".edit-btn").click()
    anna.select_option("#edit-mass-triage", value="red")
    anna.click("#edit-save")
    expect(anna.locator("#case-edit")).to_be_hidden(timeout=WAIT)
    chip = card.locator(".case-triage[data-triage='red']")
    expect(chip).to_be_visible(timeout=WAIT)
    expect(chip).not_to_have_text("red")
    band = sara.locator("#crew-incident")
    expect(band).to_have_text("Masskadetriage gäller – Tågolycka Kolbäck", timeout=WAIT)
    assert axe_serious(sara) == []

    stand_down(live, pk)
    expect(band).to_be_hidden(timeout=WAIT)
    expect(anna.locator("#case-mass-triage")).to_be_hidden(timeout=WAIT)


def test_own_units_pledged_by_phone_are_marked_held_until_the_stand_down(live, open_page):
    title = "Kedjekrock E18 Köping"
    anna, pk = anna_raises(live, open_page, title)
    with api(live, "tove") as client:
        assert client.post(f"/api/incidents/{pk}/confirm/").status_code == 200
    expect(anna.locator("#incident-banner")).to_have_class(re.compile("is-confirmed"), timeout=WAIT)
    own = anna.locator("#incident-regions tr.incident-region[data-region='VML']")
    expect(own).to_be_visible(timeout=WAIT)

    # Another region's pledge names no units: only counts.
    north = anna.locator("#incident-regions tr.incident-region[data-region='E2EN']")
    north.locator(".ir-phone-pledge").click()
    dialog = anna.locator("#incident-pledge")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#incident-pledge-units")).to_have_count(0)
    dialog.get_by_role("button", name="Avbryt").click()
    expect(dialog).to_have_count(0)

    # Region Västmanland is this centre's own: its units are offered, with their status in words.
    own.locator(".ir-phone-pledge").click()
    expect(dialog).to_be_visible()
    units = dialog.locator("#incident-pledge-units")
    amb1010 = units.locator("input[data-call-sign='AMB 1010']")
    expect(amb1010).to_be_visible(timeout=WAIT)
    expect(units.locator("label").filter(has_text="AMB 1010")).to_contain_text("Ledig")
    expect(units).not_to_contain_text("available")  # no codes
    amb1010.check()
    units.locator("input[data-call-sign='AMB 1020']").check()
    count = dialog.locator("#incident-pledge-count")
    expect(count).to_have_value("2")  # the number follows the units, never below them
    expect(count).to_have_attribute("min", "2")
    dialog.locator("#incident-pledge-by").fill("Anna, RLC Västmanland")
    dialog.locator("#incident-pledge-save").click()
    expect(dialog).to_have_count(0, timeout=WAIT)

    pledges = anna.locator("#incident-regions tr.incident-pledges[data-region='VML'] .ir-pledge")
    expect(pledges).to_have_count(1, timeout=WAIT)
    expect(pledges.first).to_contain_text("AMB 1010, AMB 1020")
    expect(own.locator(".ir-count")).to_have_text("2 av 5", timeout=WAIT)
    detail = client_detail(live, pk)
    named = next(r for r in detail["regions"] if r["code"] == "VML")["pledges"][0]["units"]
    assert [u["call_sign"] for u in named] == ["AMB 1010", "AMB 1020"]

    # The units table marks both held, in words.
    for call_sign in ("AMB 1010", "AMB 1020"):
        row = anna.locator(f"#units tr[data-call-sign='{call_sign}']")
        expect(row.locator(".unit-held")).to_have_text(f"Utlovad: {title}", timeout=WAIT)
        expect(row).to_have_class(re.compile("is-held"))
    sala = anna.locator("#units tr[data-call-sign='AMB 1110']")  # of the region, not pledged
    expect(sala).to_be_visible()
    expect(sala.locator(".unit-held")).to_have_count(0)
    anna.click(".theme-toggle")
    expect(anna.locator("html")).to_have_attribute("data-theme", "night")
    assert axe_serious(anna) == []
    anna.click(".theme-toggle")

    # A new 1A case elsewhere: AMB 1010 is held, not recommended, and says why.
    case = new_case(live, complaint="Bröstsmärta, 60-årig man", priority="1A", mbs_priority="1A")
    card = anna.locator(f".case[data-reference='{case['reference']}']")
    expect(card).to_be_visible(timeout=WAIT)
    card.locator(".case-complaint").click()
    expect(card).to_have_class(re.compile("is-selected"))
    held = card.locator("#recommend .rec-unfit .rec-unit[data-call-sign='AMB 1010']")
    expect(held).to_have_class(re.compile("is-unfit"), timeout=WAIT)
    expect(held.locator(".rec-why")).to_contain_text(
        f"Utlovad till särskild händelse: {title}", timeout=WAIT)

    stand_down(live, pk)
    expect(anna.locator("#incident-panel")).to_be_hidden(timeout=WAIT)
    expect(anna.locator("#units .unit-held")).to_have_count(0, timeout=WAIT)
    expect(anna.locator("#units tr[data-call-sign='AMB 1010']")).not_to_have_class(
        re.compile("is-held"))
