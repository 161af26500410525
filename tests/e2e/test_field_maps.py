"""End to end, in a real browser: the maps of the field screens (issue 13). The crew tablet
shows the scene and the unit's own position on the assignment card, with "Navigera" to the
current step's place; the volunteer, once they have accepted, sees themself, the defibrillator
to fetch and the patient with each leg's walking time. Tiles are answered locally
(tests/e2e/tiles.py); axe-core in both themes.

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

from tests.e2e.browser import PHONE, pages_open, sign_in
from tests.e2e.test_dispatch_to_crew import join_unit
from tests.e2e.test_ivpa import SETUP, WHERE, responder_ready
from tests.e2e.test_pwa import axe_serious
from tests.live import LiveProduct, wait_until

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")
# A defibrillator open day and night between the volunteer and Stora torget, so the volunteer's
# accept is always routed by it (whatever the hour and the demo register's opening hours).
AED_SETUP = """
from django.utils import timezone
from ivpa import geo
from ivpa.models import Aed
Aed.objects.update_or_create(external_id="e2e-maps-1", defaults=dict(
    name="Hjärtstartare Stora torget", latitude=59.6106, longitude=16.5460,
    location="Entrén", opening_hours="24/7", active=True,
    cell=geo.cell_of(59.6106, 16.5460), updated_at=timezone.now()))
"""


@pytest.fixture(scope="module")
def live():
    product = LiveProduct().start()
    try:
        product.manage("seed_ivpa_demo")
        product.manage("shell", "-c", SETUP)
        product.manage("shell", "-c", AED_SETUP)
    except Exception:
        product.stop()
        raise
    yield product
    product.stop()


@pytest.fixture
def open_page(browser):
    """open_page(viewport, **context options) -> a page in a fresh context whose map tiles
    are answered locally (counted in page.context.tiles)."""
    with pages_open(browser) as pages:
        yield lambda viewport, **options: pages.open(viewport, tiles=True, **options)


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"maps-{name}.png"), full_page=full_page)


def dispatcher(live) -> dict:
    return {"Authorization": f"Token {live.token('erik')}"}


def region_id(live, code: str) -> int:
    regions = httpx.get(live.url + "/api/regions/", headers=dispatcher(live)).json()
    return next(r["id"] for r in regions if r["code"] == code)


def tiles_asked(page: Page, tiles) -> None:
    page.wait_for_function("() => document.querySelector('.leaflet-tile')", timeout=30000)
    wait_until(lambda: len(tiles), what="the map asked for no tiles")


def axe_both_themes(page: Page) -> dict:
    """axe-core in the page's theme, then in the other one (the top bar's toggle)."""
    first = page.evaluate("document.documentElement.dataset.theme")
    found = {first: axe_serious(page)}
    page.click(".theme-toggle")
    other = "day" if first == "night" else "night"
    expect(page.locator("html")).to_have_attribute("data-theme", other)
    found[other] = axe_serious(page)
    return {k: v for k, v in found.items() if v}


ANDROID_TABLET = ("Mozilla/5.0 (Linux; Android 14; SM-X210) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Safari/537.36")


def on_duty(page: Page, call_sign: str) -> None:
    """Join `call_sign`, leaving first whatever unit an earlier test left the user on."""
    expect(page.locator("#join, #duty").locator("visible=true")).to_have_count(1)
    if page.locator("#duty").is_visible():
        page.click("#leave-button")
        page.click("#leave-button")
    join_unit(page, call_sign)


def in_reach(page: Page, selector: str) -> bool:
    """The element is wholly on screen and nothing (the map) is drawn over its middle."""
    box = page.locator(selector).bounding_box()
    bottom = page.viewport_size["height"]
    if box is None or box["y"] < 0 or box["y"] + box["height"] > bottom:
        return False
    return page.evaluate("""([selector, x, y]) => Boolean(
        document.elementFromPoint(x, y)?.closest(selector))""",
                         [selector, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])


def test_the_crew_sees_the_scene_and_itself_on_a_map_and_navigates_to_the_step_s_place(
        live, open_page):
    headers = dispatcher(live)
    region = region_id(live, "VML")
    unit = next(u["id"] for u in httpx.get(live.url + "/api/units/", headers=headers).json()
                if u["call_sign"] == "AMB 1010")
    # Sara's tablet (a desktop browser to the page: the web link) knows where it is; Ali's
    # says it is an Android tablet (a geo: link for whatever map app it has).
    sara = open_page({"width": 1024, "height": 768}, permissions=["geolocation"],
                     geolocation={"latitude": 59.6190, "longitude": 16.5600})
    tiles = sara.context.tiles
    ali = open_page({"width": 800, "height": 1280}, user_agent=ANDROID_TABLET)
    sign_in(sara, live.url, "sara", "/crew/")
    sign_in(ali, live.url, "ali", "/crew/")
    for crew in (sara, ali):
        on_duty(crew, "AMB 1010")
    case = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": region, "caller_number": "+4621123456", "address": "Stora torget 1",
        "municipality": "Västerås", "latitude": 59.6099, "longitude": 16.5448,
        "complaint": "Andningsbesvär", "mbs_priority": "1B", "priority": "1B"}).json()
    httpx.post(live.url + f"/api/cases/{case['id']}/dispatch/", headers=headers,
               json={"units": [unit]}).raise_for_status()

    # The card's map: the scene and the unit's own position, both in view, with tiles
    # (answered locally); "Navigera" goes to the scene.
    expect(sara.locator("#a-address")).to_have_text("Stora torget 1")
    card_map = sara.locator("#a-map")
    expect(card_map).to_be_visible()
    expect(card_map.locator(".fm-scene")).to_contain_text("Händelseplats")
    expect(card_map.locator(".fm-unit")).to_contain_text("AMB 1010")
    box = card_map.bounding_box()
    for marker in (".fm-scene .fm-shape", ".fm-unit .fm-shape"):
        m = card_map.locator(marker).bounding_box()
        assert box["x"] <= m["x"] and m["x"] + m["width"] <= box["x"] + box["width"], marker
        assert box["y"] <= m["y"] and m["y"] + m["height"] <= box["y"] + box["height"], marker
    tiles_asked(sara, tiles)
    navigate = sara.locator("#a-navigate")
    expect(navigate).to_have_text("Navigera till händelseplatsen")
    expect(navigate).to_have_attribute(
        "href", "https://www.openstreetmap.org/directions?to=59.6099,16.5448")
    expect(navigate).to_have_attribute("target", "_blank")
    expect(ali.locator("#a-navigate")).to_have_attribute(
        "href", "geo:59.6099,16.5448?q=59.6099,16.5448(Stora%20torget%201)")
    expect(ali.locator("#a-map .fm-scene")).to_be_visible()

    # The big buttons stay on screen with the map, on a landscape and a portrait tablet.
    expect(sara.locator("#a-ack")).to_be_visible()
    assert in_reach(sara, "#a-ack")
    assert in_reach(ali, "#a-ack")
    assert card_map.bounding_box()["height"] >= 180

    # Both themes pass axe with the map on the card.
    found = axe_both_themes(sara)
    assert found == {}, json.dumps(found, indent=1)
    shot(sara, "crew-map")
    shot(ali, "crew-map-portrait")

    # The map folds away with one tap (and stays folded on this tablet), and comes back.
    sara.click("#a-map-panel > summary")
    expect(card_map).to_be_hidden()
    sara.click("#a-map-panel > summary")
    expect(card_map.locator(".fm-scene")).to_be_visible()

    # Through the steps: to the scene until the patient is loaded.
    sara.click("#a-ack")
    for label in ("Framme", "Transporterar"):
        expect(sara.locator("#a-next")).to_be_enabled()
        sara.click("#a-next")
        expect(sara.locator("#a-next")).to_have_text(label)
        expect(navigate).to_have_attribute("data-target", "scene")
        assert in_reach(sara, "#a-next")
    # Patient loaded: the way goes to the destination, which has no position in the data
    # yet: no link to a wrong place, a line that says so; the map keeps scene and unit.
    expect(sara.locator("#a-next")).to_be_enabled()
    sara.click("#a-next")
    expect(sara.locator("#a-status")).to_have_text("Transporterar")
    expect(navigate).to_be_hidden()
    expect(sara.locator("#a-nav-note")).to_have_text(
        "Ingen destination med position ännu: navigera i kartappen.")
    expect(card_map.locator(".fm-scene")).to_be_visible()
    expect(card_map.locator(".fm-unit")).to_be_visible()
    for _ in range(2):  # at hospital, available
        expect(sara.locator("#a-next")).to_be_enabled()
        sara.click("#a-next")
    expect(sara.locator("#idle")).to_be_visible()



def test_the_crew_chooses_a_hospital_and_navigates_there_once_the_patient_is_loaded(
        live, open_page):
    """On scene the card lists the hospitals nearest first with their (estimated) travel
    time, the emergency departments first; a pick made offline waits in the outbox and never
    holds "Patient loaded" back; then the map shows the destination and "Navigera" goes there,
    and the console names it and who chose it; a dispatcher's change reaches the tablet, which
    says so with a notice and a short tone."""
    headers = dispatcher(live)
    unit = next(u["id"] for u in httpx.get(live.url + "/api/units/", headers=headers).json()
                if u["call_sign"] == "AMB 3110")
    akademiska = next(h for h in httpx.get(live.url + "/api/hospitals/", headers=headers).json()
                      if h["name"] == "Akademiska sjukhuset")
    maria = open_page({"width": 1024, "height": 768})
    sign_in(maria, live.url, "maria", "/crew/")
    on_duty(maria, "AMB 3110")
    case = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": region_id(live, "UPP"), "caller_number": "+4617112233",
        "address": "Kungsgatan 10", "municipality": "Enköping", "latitude": 59.6361,
        "longitude": 17.0777, "complaint": "Bröstsmärta", "mbs_priority": "1B",
        "priority": "1B"}).json()
    [assignment] = httpx.post(live.url + f"/api/cases/{case['id']}/dispatch/", headers=headers,
                              json={"units": [unit]}).json()
    expect(maria.locator("#a-address")).to_have_text("Kungsgatan 10")
    expect(maria.locator("#a-dest")).to_be_hidden()  # nothing to choose before the scene
    maria.click("#a-ack")
    for label in ("Framme", "Transporterar"):
        expect(maria.locator("#a-next")).to_be_enabled()
        maria.click("#a-next")
        expect(maria.locator("#a-next")).to_have_text(label)

    # On scene: the hospitals, nearest first, emergency departments first, times estimated
    # (no router in this product); the status button stays first on the card.
    dest = maria.locator("#a-dest-select")
    expect(dest).to_be_visible()
    emergency = dest.locator("optgroup").first
    expect(emergency).to_have_attribute("label", "Akutmottagningar")
    expect(emergency.locator("option").first).to_have_text(
        re.compile(r"^Lasarettet i Enköping · \d+ min \(uppskattat\)$"))
    expect(dest.locator("optgroup").last.locator("option")).to_contain_text(["Sala"])
    assert maria.evaluate("""() => Boolean(document.getElementById('a-next')
        .compareDocumentPosition(document.getElementById('a-dest'))
        & Node.DOCUMENT_POSITION_FOLLOWING)""")

    # Chosen offline, and the patient loaded offline: both wait in the outbox, in order.
    maria.context.set_offline(True)
    maria.select_option("#a-dest-select", value=str(akademiska["id"]))
    expect(maria.locator("#outbox-list")).to_contain_text("Destination: Akademiska sjukhuset")
    expect(maria.locator("#a-next")).to_be_enabled()
    maria.click("#a-next")
    expect(maria.locator("#a-status")).to_have_text("Transporterar")
    card_map = maria.locator("#a-map")
    expect(card_map.locator(".fm-destination")).to_contain_text("Akademiska sjukhuset")
    navigate = maria.locator("#a-navigate")
    expect(navigate).to_have_attribute("data-target", "destination")
    expect(navigate).to_have_attribute(
        "href", f"https://www.openstreetmap.org/directions?to={akademiska['latitude']},"
                f"{akademiska['longitude']}")
    expect(navigate).to_have_text("Navigera till destinationen")
    maria.context.set_offline(False)
    expect(maria.locator("#outbox")).to_be_hidden(timeout=20000)
    body = httpx.get(live.url + f"/api/assignments/{assignment['id']}/", headers=headers).json()
    assert body["status"] == "transporting"
    assert body["destination"]["name"] == "Akademiska sjukhuset"
    brief = httpx.get(live.url + f"/api/cases/{case['id']}/", headers=headers).json()
    assert brief["assignments"][0]["destination_name"] == "Akademiska"
    found = axe_serious(maria)
    assert not found, json.dumps(found, indent=1)
    shot(maria, "crew-destination")

    # The console names it on the assignment's row; the dispatcher changes it, and the tablet's
    # map and "Navigera" follow (the assignment stream).
    erik = open_page({"width": 1440, "height": 900})
    sign_in(erik, live.url, "erik", "/console/")
    row = erik.locator(f"[data-assignment='{assignment['id']}']")
    expect(row.locator(".asg-dest")).to_contain_text("→ Akademiska")
    expect(row.locator(".asg-dest-by")).to_have_text(
        re.compile(r"^ \(vald av Maria Ek \d\d:\d\d\)$"))
    assert maria.evaluate("() => document.body.dataset.chimes") is None  # her own pick: no tone
    row.locator(".destination-btn").click()
    picker = row.locator(".asg-destination select")
    # A placeholder first, then the hospitals nearest first; the current one preselected, so
    # "Set destination" changes nothing until another is chosen.
    expect(picker.locator("option").first).to_have_text("Välj sjukhus…")
    expect(picker.locator("option").nth(1)).to_contain_text("Lasarettet i Enköping")
    expect(picker.locator("option:checked")).to_contain_text("Akademiska sjukhuset")
    expect(row.locator(".asg-destination button")).to_be_disabled()
    enkoping = picker.locator("option", has_text="Lasarettet i Enköping").get_attribute("value")
    picker.select_option(value=enkoping)
    # The case changes meanwhile (another dispatcher's edit): the card is drawn again, and the
    # hospital chosen but not yet set stays chosen.
    version = httpx.get(live.url + f"/api/cases/{case['id']}/", headers=headers).json()["version"]
    httpx.patch(live.url + f"/api/cases/{case['id']}/", headers=headers, json={
        "complaint": "Bröstsmärta, tryck över bröstet", "version": version}).raise_for_status()
    expect(erik.locator("body")).to_contain_text("Bröstsmärta, tryck över bröstet")
    expect(maria.locator("#notices .notice-case-change")).to_contain_text(
        "Bröstsmärta, tryck över bröstet")  # the crew is told of that change too
    chimes = int(maria.evaluate("() => document.body.dataset.chimes || '0'"))
    expect(picker).to_have_value(enkoping)
    row.locator(".asg-destination button").click()
    expect(row.locator(".asg-dest")).to_contain_text("→ Enköpings lasarett")
    expect(row.locator(".asg-dest-by")).to_contain_text("vald av Erik")
    # The crew is told, naming the new hospital, with the short tone (no new assignment alarm).
    expect(maria.locator("#notices .notice-warn", has_text="Ny destination")).to_contain_text(
        "Ny destination: Lasarettet i Enköping, vald av larmcentralen.")
    expect(maria.locator("body")).to_have_attribute("data-chimes", str(chimes + 1))
    expect(card_map.locator(".fm-destination")).to_contain_text("Lasarettet i Enköping")
    expect(navigate).not_to_have_attribute(
        "href", f"https://www.openstreetmap.org/directions?to={akademiska['latitude']},"
                f"{akademiska['longitude']}")
    for _ in range(2):  # at hospital, available
        expect(maria.locator("#a-next")).to_be_enabled()
        maria.click("#a-next")
    expect(maria.locator("#idle")).to_be_visible()


def test_the_assignment_card_never_waits_for_the_map_library(live, open_page):
    """Leaflet is loaded when there is a map to draw, not by the page: on a slow network the
    card and its buttons show while it is still on its way."""
    johan = open_page({"width": 1024, "height": 768}, service_workers="block")
    held = []
    johan.context.route("**/static/vendor/leaflet/leaflet.js", lambda route: held.append(route))
    sign_in(johan, live.url, "johan", "/crew/")
    on_duty(johan, "AMB 1020")
    headers = dispatcher(live)
    unit = next(u["id"] for u in httpx.get(live.url + "/api/units/", headers=headers).json()
                if u["call_sign"] == "AMB 1020")
    case = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": region_id(live, "VML"), "caller_number": "+4621123456",
        "address": "Vasagatan 2", "municipality": "Västerås", "latitude": 59.611,
        "longitude": 16.546, "complaint": "Fallskada", "mbs_priority": "2A",
        "priority": "2A"}).json()
    httpx.post(live.url + f"/api/cases/{case['id']}/dispatch/", headers=headers,
               json={"units": [unit]}).raise_for_status()
    expect(johan.locator("#a-address")).to_have_text("Vasagatan 2")
    expect(johan.locator("#a-ack")).to_be_visible()
    expect(johan.locator("#a-navigate")).to_have_attribute(
        "href", "https://www.openstreetmap.org/directions?to=59.611,16.546")
    assert len(held) == 1  # asked for once the card had a place to show
    expect(johan.locator("#a-map .fm-scene")).to_have_count(0)
    held[0].continue_()
    expect(johan.locator("#a-map .fm-scene")).to_be_visible()
    johan.click("#a-ack")
    for _ in range(5):  # en route ... available: AMB 1020 free for the other tests
        expect(johan.locator("#a-next")).to_be_enabled()
        johan.click("#a-next")
    expect(johan.locator("#idle")).to_be_visible()

def test_the_volunteer_sees_themself_the_defibrillator_and_the_patient_after_accepting(
        live, open_page):
    latitude, longitude = WHERE["lars"]
    lars = open_page(PHONE, permissions=["geolocation"],
                     geolocation={"latitude": latitude, "longitude": longitude})
    tiles = lars.context.tiles
    sign_in(lars, live.url, "lars", "/responder/")
    responder_ready(lars)
    case = httpx.post(live.url + "/api/cases/", headers=dispatcher(live), json={
        "region": region_id(live, "VML"), "caller_number": "+4621123456",
        "address": "Stora torget 3", "municipality": "Västerås", "latitude": 59.6099,
        "longitude": 16.5448, "complaint": "Man, 60 år, medvetslös, andas inte",
        "case_type": "cardiac_arrest", "door_code": "4321", "mbs_priority": "1A",
        "priority": "1A"}).json()

    # The alert rings: no map and no place before accepting.
    expect(lars.locator("#alert")).to_be_visible(timeout=10000)
    expect(lars.locator("#al-accept")).to_be_visible()
    expect(lars.locator("#al-dest")).to_be_hidden()
    expect(lars.locator("#al-map .field-marker")).to_have_count(0)
    expect(lars.locator("#al-map .leaflet-pane")).to_have_count(0)  # its tiles too

    lars.click("#al-accept")
    expect(lars.locator("#al-dest")).to_be_visible()
    expect(lars.locator("#al-address")).to_have_text("Stora torget 3")
    area = lars.locator("#al-map")
    expect(area.locator(".fm-self")).to_contain_text("Du")
    expect(area.locator(".fm-patient")).to_contain_text("Patient")
    tiles_asked(lars, tiles)
    alert = next(a for a in lars.evaluate("fetch('/api/ivpa/alerts/').then((r) => r.json())")
                 if a["active"] and a["status"] == "accepted")
    navigate = lars.locator("#al-navigate")
    patient_link = "https://www.openstreetmap.org/directions?to=59.6099,16.5448"
    # Routed by the defibrillator (AED_SETUP puts one open day and night on the way).
    assert alert["route"] == "aed", alert
    aed = alert["destination"]["aed"]
    expect(area.locator(".fm-aed")).to_contain_text("Hjärtstartare")
    expect(navigate).to_have_text("Navigera till hjärtstartaren")
    expect(navigate).to_have_attribute("data-target", "aed")
    expect(navigate).to_have_attribute(
        "href", f"https://www.openstreetmap.org/directions?to={aed['latitude']},"
                f"{aed['longitude']}")
    expect(lars.locator("#al-nav")).to_have_attribute("href", patient_link)
    # Each leg's walking time as the server gave it, "estimated" (no router in this product).
    legs = alert["legs"]
    assert [(leg["from"], leg["to"]) for leg in legs] == [("responder", "aed"),
                                                          ("aed", "patient")], legs
    expect(lars.locator("#al-legs")).to_be_visible()
    text = lars.locator("#al-legs").inner_text()
    parts = text.split(" · ")
    assert [part.split(":")[0] for part in parts] == ["Till hjärtstartaren", "Till patienten"], text
    for part, leg in zip(parts, legs, strict=True):
        assert re.search(r"\d+ (min|s)", part), part
        assert ("(uppskattat)" in part) == (leg["source"] == "estimate"), part
    text = lars.locator("#alert").inner_text()
    assert "Tolvan" not in text
    shot(lars, "responder-accepted", full_page=True)
    found = axe_both_themes(lars)
    assert found == {}, json.dumps(found, indent=1)

    # The dispatcher ends the alerting: the map and its markers are gone from the phone.
    [callout] = httpx.get(live.url + f"/api/ivpa/callouts/?case={case['id']}",
                          headers=dispatcher(live)).json()
    httpx.post(live.url + f"/api/ivpa/callouts/{callout['id']}/cancel/",
               headers=dispatcher(live)).raise_for_status()
    expect(lars.locator("#al-dest")).to_be_hidden()
    expect(lars.locator("#al-map .field-marker")).to_have_count(0)
    expect(lars.locator("#al-map .leaflet-pane")).to_have_count(0)  # its tiles too
