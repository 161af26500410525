"""The dispatcher's map and address search, in a real browser (Chromium): anna types part of
an address, picks a suggestion with the keyboard, and the case gets the address, position,
municipality and the region the municipality belongs to (Västmanland for Västerås); a region
set by hand says so; the map draws its tiles (answered locally, tests/e2e/tiles.py), zooms to
the picked address and to the selected case, shows the open defibrillators near it, and a
click on the map proposes the nearest address."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import CONSOLE, pages_open, sign_in
from tests.e2e.test_dispatch_to_crew import shot
from tests.e2e.test_pwa import axe_serious
from tests.live import LiveProduct

pytestmark = pytest.mark.browser

# Addresses the test needs when the product's demo seeding (seed_places_demo) is not there:
# the municipality → region table and a few rows of places/data/demo_addresses.csv.
PLACES_FALLBACK = """
import csv
from crews.models import Region
from places.models import Address, Municipality
with open('places/data/municipalities.csv', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        Municipality.objects.update_or_create(code=row['code'], defaults={
            'name': row['name'], 'region': Region.objects.get(code=row['region_code'])})
with open('places/data/demo_addresses.csv', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        if row['municipality_code'] != '1980' or row['street'] not in ('Vasagatan', 'Stora torget'):
            continue
        Address.objects.update_or_create(
            municipality=Municipality.objects.get(code='1980'), street=row['street'],
            number=row['number'], letter=row['letter'], postcode=row['postcode'],
            defaults={'locality': row['locality'], 'latitude': float(row['latitude']),
                      'longitude': float(row['longitude'])})
"""


@pytest.fixture(scope="module")
def live():
    product = LiveProduct().start()
    try:
        product.manage("seed_places_demo")
    except RuntimeError:
        product.manage("shell", "-c", PLACES_FALLBACK)
    yield product
    product.stop()


@pytest.fixture
def console(browser):
    """anna's console in a context whose map tiles are answered locally; (page, tiles)."""
    with pages_open(browser, timeout_ms=5000, what="JavaScript errors on the console") as pages:
        page = pages.open(CONSOLE, tiles=True)
        yield page, page.context.tiles


def map_view(page: Page) -> tuple[float, float, float]:
    """(zoom, latitude, longitude) of the console's map, as it writes them on #map."""
    node = page.locator("#map")
    lat, lon = node.get_attribute("data-center").split(",")
    return float(node.get_attribute("data-zoom")), float(lat), float(lon)


def expect_view_near(page: Page, lat: float, lon: float, min_zoom: float = 15) -> None:
    page.wait_for_function(
        """([lat, lon, z]) => {
            const m = document.getElementById('map');
            if (!m.dataset.center || Number(m.dataset.zoom) < z) return false;
            const [a, b] = m.dataset.center.split(',').map(Number);
            return Math.abs(a - lat) < 0.002 && Math.abs(b - lon) < 0.004;
        }""", arg=[lat, lon, min_zoom], timeout=30000)


def test_dispatcher_finds_an_address_and_the_case_gets_its_region_and_the_map_follows(
        live, console):
    page, tiles = console
    sign_in(page, live.url, "anna", "/console/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")

    # The map has tiles (answered locally) and draws them.
    expect(page.locator("#map img.leaflet-tile-loaded").first).to_be_visible()
    assert len(tiles) > 0
    assert page.locator("link[href*='leaflet.markercluster/MarkerCluster.css']").count() == 1

    # anna types part of an address, å typed as a: suggestions as she types.
    address = page.locator("#case-address")
    expect(address).to_have_attribute("role", "combobox")
    address.press_sequentially("vasagatan 1 vaster", delay=40)
    options = page.locator("#address-list [role=option]")
    expect(page.locator("#address-list")).to_be_visible()
    expect(address).to_have_attribute("aria-expanded", "true")
    expect(options.first).to_contain_text("Vasagatan 1")
    expect(options.first).to_contain_text("Västerås")
    assert axe_serious(page) == []  # the combobox open, with its suggestions
    shot(page, "console-address-suggestions")

    # ... chooses with the keyboard: the first suggestion, Enter picks it.
    address.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    expect(address).to_have_attribute("aria-activedescendant", first_id)
    expect(options.first).to_have_attribute("aria-selected", "true")
    address.press("Enter")
    expect(page.locator("#address-list")).to_be_hidden()
    expect(address).to_have_attribute("aria-expanded", "false")
    expect(address).to_have_value(re.compile(r"^Vasagatan 1, Västerås"))
    expect(page.locator("#case-municipality")).to_have_value("Västerås")
    expect(page.locator("#case-municipality-code")).to_have_value("1980")
    expect(page.locator("#case-region option:checked")).to_have_text("Region Västmanland")
    expect(page.locator("#case-region-note")).to_have_attribute("data-state", "follows")
    lat, lon = float(page.input_value("#case-lat")), float(page.input_value("#case-lon"))
    assert abs(lat - 59.6095) < 0.001 and abs(lon - 16.54666) < 0.001
    expect_view_near(page, lat, lon)  # the map went to the address

    # A region chosen by hand is accepted, and the console says whose region it is not.
    page.select_option("#case-region", label="Region Sörmland")
    expect(page.locator("#case-region-note")).to_have_attribute("data-state", "by-hand")
    expect(page.locator("#case-region-note")).to_contain_text("Region Västmanland")
    page.select_option("#case-region", label="Region Västmanland")
    expect(page.locator("#case-region-note")).to_have_attribute("data-state", "follows")

    page.fill("#case-caller", "+46701234567")
    page.fill("#case-complaint", "Andningsbesvär, adresstest")
    page.fill("#case-door-code", "4711")
    page.select_option("#case-mbs", "2A")
    page.select_option("#case-priority", "2A")
    page.click("#case-submit")
    card = page.locator(".case", has_text="Andningsbesvär, adresstest")
    expect(card).to_be_visible()
    expect(card.locator(".case-address")).to_have_text(
        re.compile(r"^Vasagatan 1, Västerås · Region Västmanland$"))
    case_id = int(card.get_attribute("data-id"))
    case = page.evaluate("id => fetch(`/api/cases/${id}/`).then(r => r.json())", case_id)
    regions = page.evaluate("() => fetch('/api/regions/').then(r => r.json())")
    vml = next(r["id"] for r in regions if r["code"] == "VML")
    assert case["region"] == vml and case["reference"].startswith("VML-")
    assert case["municipality"] == "Västerås" and case["municipality_code"] == "1980"
    assert case["region_set_by_hand"] is False and case["door_code"] == "4711"
    assert case["address"].startswith("Vasagatan 1")

    # The map shows the case; zoomed out, selecting the case zooms to it again.
    expect(page.locator(".case-marker")).not_to_have_count(0)
    for _ in range(3):  # one step at a time: Leaflet takes no zoom while it animates one
        before = map_view(page)[0]
        page.click(".leaflet-control-zoom-out")
        page.wait_for_function("z => Number(document.getElementById('map').dataset.zoom) < z",
                               arg=before)
    assert map_view(page)[0] < 14
    # Zoomed out, the defibrillators around the case crowd: one cluster with their count.
    cluster = page.locator(".map-cluster span").first
    expect(cluster).to_be_visible()
    assert int(cluster.text_content()) >= 2
    assert "zooma in" in cluster.get_attribute("title")
    card.locator(".case-ref").click()
    expect_view_near(page, case["latitude"], case["longitude"])
    # ... with the open defibrillators near it, each with a title that says what it is.
    aed = page.locator(".aed-marker [data-aed]").first
    expect(aed).to_be_attached()
    expect(page.locator(".aed-marker[title^='Hjärtstartare']").first).to_be_attached()
    shot(page, "console-case-selected")

    # A click on the map beside the case proposes the nearest address; "Använd" takes it.
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 - 70, box["y"] + box["height"] / 2 + 50)
    proposal = page.locator("#nearest-proposal")
    expect(proposal).to_be_visible()
    expect(proposal).to_contain_text("Närmaste adress:")
    clicked = float(page.input_value("#case-lat")), float(page.input_value("#case-lon"))
    label = proposal.locator(".nearest-label").text_content().split(": ", 1)[1]
    proposal.locator("#nearest-use").click()
    expect(address).to_have_value(label)
    expect(page.locator("#case-municipality")).to_have_value("Västerås")
    expect(page.locator("#case-region option:checked")).to_have_text("Region Västmanland")
    assert (float(page.input_value("#case-lat")), float(page.input_value("#case-lon"))) == clicked
    expect(proposal).to_be_hidden()
    assert axe_serious(page) == []
    shot(page, "console-nearest-taken")


def test_an_address_nobody_knows_says_so_and_leaves_the_position_to_the_dispatcher(
        live, console):
    page, _tiles = console
    sign_in(page, live.url, "anna", "/console/")
    page.locator("#case-address").press_sequentially("Xyzzyvägen 99", delay=30)
    expect(page.locator("#address-status")).to_contain_text("Ingen adress hittades")
    expect(page.locator("#address-list")).to_be_hidden()
    # The position is typed by hand, as before.
    expect(page.locator(".pick-marker")).to_have_count(0)
    page.fill("#case-lat", "59.61")
    page.fill("#case-lon", "16.54")
    page.locator("#case-lon").dispatch_event("change")
    expect(page.locator(".pick-marker")).to_be_attached()


def test_a_municipality_typed_by_hand_is_matched_by_the_server(live, console):
    page, _tiles = console
    sign_in(page, live.url, "anna", "/console/")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/municipalities/?" in r.url else None)
    municipality = page.locator("#case-municipality")
    note = page.locator("#case-region-note")
    # Typed without å and ä: the server's folded match (places.selectors.municipality_find).
    municipality.press_sequentially("vasteras", delay=30)
    expect(note).to_have_attribute("data-state", "follows")
    expect(page.locator("#case-municipality-code")).to_have_value("1980")
    expect(page.locator("#case-region option:checked")).to_have_text("Region Västmanland")
    assert any("name=vasteras" in url for url in asked)
    municipality.fill("")
    municipality.press_sequentially("Ingenstans", delay=30)
    expect(note).to_have_attribute("data-state", "unknown")
    expect(page.locator("#case-municipality-code")).to_have_value("")


def test_an_address_edited_after_a_pick_drops_the_picked_place_and_enter_does_not_register_it(
        live, console):
    page, _tiles = console
    sign_in(page, live.url, "anna", "/console/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")
    page.fill("#case-caller", "+46701234568")
    page.fill("#case-complaint", "Buksmärtor, ändrad adress")
    page.select_option("#case-mbs", "2B")
    page.select_option("#case-priority", "2B")
    address = page.locator("#case-address")
    options = page.locator("#address-list [role=option]")
    searched = []
    page.on("request", lambda r: searched.append(r.url) if "/api/addresses/?" in r.url else None)
    address.press_sequentially("vasagatan 1 vaster", delay=40)
    expect(options.first).to_contain_text("Vasagatan 1")
    # Each search says where the map looks (the server lists equal matches nearest first).
    centre = page.locator("#map").get_attribute("data-center")
    assert searched and all("near=" in url for url in searched)
    assert f"near={centre.replace(',', '%2C')}" in searched[-1]
    address.press("ArrowDown")
    address.press("Enter")
    expect(page.locator("#case-municipality-code")).to_have_value("1980")
    expect(page.locator("#case-lat")).not_to_have_value("")
    expect(page.locator(".pick-marker")).to_be_attached()

    # anna retypes the address: the picked position, municipality and region go with the old text.
    address.fill("")
    address.press_sequentially("stora torget 1 vaster", delay=40)
    expect(options.first).to_contain_text("Stora torget 1")
    for gone in ("#case-lat", "#case-lon", "#case-municipality", "#case-municipality-code"):
        expect(page.locator(gone)).to_have_value("")
    expect(page.locator(".pick-marker")).to_have_count(0)
    expect(page.locator("#case-region-note")).not_to_have_attribute("data-state", "follows")

    # Enter with the suggestions open and none chosen registers nothing; the list stays.
    address.press("Enter")
    expect(page.locator("#address-list")).to_be_visible()
    expect(page.locator("#address-status")).to_contain_text("Välj")
    expect(page.locator("#case-form-error")).to_be_hidden()

    # Picking the new address gives its own position, and then the case is registered there.
    address.press("ArrowDown")
    address.press("Enter")
    expect(page.locator("#case-municipality-code")).to_have_value("1980")
    lat, lon = float(page.input_value("#case-lat")), float(page.input_value("#case-lon"))
    assert abs(lat - 59.610519) < 0.0005 and abs(lon - 16.5446) < 0.0005
    page.click("#case-submit")
    card = page.locator(".case", has_text="Buksmärtor, ändrad adress")
    expect(card).to_be_visible()
    case = page.evaluate("id => fetch(`/api/cases/${id}/`).then(r => r.json())",
                         int(card.get_attribute("data-id")))
    assert case["address"].startswith("Stora torget 1")
    assert abs(case["latitude"] - 59.610519) < 0.0005
    # One case: the Enter above sent nothing (a send disables the button until it is answered).
    cases = page.evaluate("() => fetch('/api/cases/').then(r => r.json())")
    assert len([c for c in cases if c["complaint"] == "Buksmärtor, ändrad adress"]) == 1


def test_a_detail_added_to_a_picked_address_keeps_its_place_and_a_clicked_position_stays(
        live, console):
    """Appending an entrance or a floor to the picked address keeps its position,
    municipality and region (the status line says so); changing its number drops them; a
    position clicked on the map and kept with "Använd" stays when the street is retyped, only
    the municipality goes."""
    page, _tiles = console
    sign_in(page, live.url, "anna", "/console/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")
    address = page.locator("#case-address")
    options = page.locator("#address-list [role=option]")
    status = page.locator("#address-status")
    address.press_sequentially("vasagatan 1 vaster", delay=40)
    expect(options.first).to_contain_text("Vasagatan 1")
    address.press("ArrowDown")
    address.press("Enter")
    expect(page.locator("#case-municipality-code")).to_have_value("1980")
    picked = page.input_value("#case-lat"), page.input_value("#case-lon")
    label = address.input_value()

    # ", ingång B" appended: the pick stays, and the status line says why.
    address.press("End")
    address.press_sequentially(", ingång B", delay=30)
    expect(status).to_contain_text("Vasagatan 1")
    expect(status).to_contain_text("behålls")
    assert (page.input_value("#case-lat"), page.input_value("#case-lon")) == picked
    expect(page.locator("#case-municipality-code")).to_have_value("1980")
    expect(page.locator("#case-region-note")).to_have_attribute("data-state", "follows")
    expect(page.locator(".pick-marker")).to_be_attached()
    expect(page.locator("#address-list")).to_be_hidden()

    # Registered with the detail, at the picked position.
    page.fill("#case-caller", "+46701234569")
    page.fill("#case-complaint", "Yrsel, ingång B")
    page.select_option("#case-mbs", "2B")
    page.select_option("#case-priority", "2B")
    page.click("#case-submit")
    card = page.locator(".case", has_text="Yrsel, ingång B")
    expect(card).to_be_visible()
    case = page.evaluate("id => fetch(`/api/cases/${id}/`).then(r => r.json())",
                         int(card.get_attribute("data-id")))
    assert case["address"] == f"{label}, ingång B"
    assert abs(case["latitude"] - float(picked[0])) < 1e-5
    assert case["municipality_code"] == "1980"

    # Another number is another place: the pick goes.
    address.press_sequentially("vasagatan 1 vaster", delay=40)
    expect(options.first).to_contain_text("Vasagatan 1")
    address.press("ArrowDown")
    address.press("Enter")
    expect(page.locator("#case-lat")).not_to_have_value("")
    address.press("End")
    for _ in range(len(label) - len("Vasagatan 1")):
        address.press("Backspace")
    address.press_sequentially("2", delay=30)
    expect(page.locator("#case-lat")).to_have_value("")
    expect(page.locator("#case-municipality-code")).to_have_value("")

    # A click on the map kept with "Använd": retyping the street keeps the clicked position.
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 - 40, box["y"] + box["height"] / 2 + 30)
    proposal = page.locator("#nearest-proposal")
    expect(proposal.locator("#nearest-use")).to_be_visible()
    clicked = page.input_value("#case-lat"), page.input_value("#case-lon")
    proposal.locator("#nearest-use").click()
    expect(page.locator("#case-municipality-code")).to_have_value("1980")
    address.fill("")
    expect(status).to_contain_text("kartan behålls")
    address.press_sequentially("Bakgården", delay=30)
    assert (page.input_value("#case-lat"), page.input_value("#case-lon")) == clicked
    expect(page.locator("#case-municipality-code")).to_have_value("")


def test_the_map_colours_each_unit_by_its_status_and_follows_a_change(live, console):
    """A unit's marker carries its status (`st-<status>`, the colour of the units list's
    badge); when the unit is alerted and then cancelled, its marker follows."""
    import httpx

    page, _tiles = console
    headers = {"Authorization": f"Token {live.token('anna')}"}
    units = httpx.get(live.url + "/api/units/", headers=headers).json()
    unit = sorted((u for u in units if u["status"] == "available" and u["latitude"] is not None
                   and u["call_sign"].startswith("AMB")), key=lambda u: u["call_sign"])[-1]
    region = next(r["id"] for r in httpx.get(live.url + "/api/regions/", headers=headers).json()
                  if r["code"] == "VML")
    case = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": region, "caller_number": "+4621123456", "address": "Vid stationen",
        "municipality": "Västerås", "latitude": unit["latitude"],
        "longitude": unit["longitude"], "complaint": "Yrsel, kartfärg", "mbs_priority": "2A",
        "priority": "2A"}).json()
    sign_in(page, live.url, "anna", "/console/")
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")
    expect(page.locator("#map img.leaflet-tile-loaded").first).to_be_visible()  # the map is up
    page.locator(".case", has_text="Yrsel, kartfärg").locator(".case-ref").click()
    expect_view_near(page, case["latitude"], case["longitude"])
    marker = page.locator(f".unit-marker[title='{unit['call_sign']}']")
    expect(marker).to_have_class(re.compile(r"\bst-available\b"))

    [assignment] = httpx.post(live.url + f"/api/cases/{case['id']}/dispatch/", headers=headers,
                              json={"units": [unit["id"]],
                                    "override_reason": "Ingen surfplatta i bilen"}).json()
    expect(marker).to_have_class(re.compile(r"\bst-alerted\b"))
    expect(marker).not_to_have_class(re.compile(r"\bst-available\b"))

    httpx.post(live.url + f"/api/assignments/{assignment['id']}/status/", headers=headers,
               json={"status": "cancelled"}).raise_for_status()
    expect(marker).to_have_class(re.compile(r"\bst-available\b"))
