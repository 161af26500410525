"""End to end, in a real browser: small things a dispatcher hit on the console (issue 14).

- The IVPA panel's counts are the rows of its table (volunteers against the number needed, the
  fire and rescue unit apart), and its last column is in view, not behind a sideways scroll.
- A case at priority "referral" says "Hänvisning" on its badge and its map tag, never the code
  ("referral 000002").
- The referral statistics fit their dialog.

One real server (uvicorn, its own database, seed_demo, seed_ivpa_demo with three volunteers
available near Stora torget, seed_referrals_demo) for the module; Debian's Chromium through
Playwright.
"""

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import CONSOLE, new_case, sign_in
from tests.live import LiveProduct

pytestmark = pytest.mark.browser

# Three volunteers available near Stora torget (as tests/e2e/test_ivpa.py places their phones).
VOLUNTEERS = """
from ivpa.models import Municipality, Responder
from ivpa.services import municipality_update, responder_report_position, responder_update
municipality_update(municipality=Municipality.objects.get(name="Västerås"), by=None, needed=2,
                    aed_runners=1)
for who, (lat, lon) in {"eva": (59.6131, 16.5402), "nils": (59.6052, 16.5533),
                        "lars": (59.6112, 16.5471)}.items():
    r = responder_update(responder=Responder.objects.get(user__username=who), available=True)
    responder_report_position(responder=r, latitude=lat, longitude=lon)
from referrals.models import MobileCareProfile
MobileCareProfile.objects.update(opening_hours="24/7", available=True)
"""


# A volunteer and the fire and rescue unit accept (on their own screens: here by the service).
ACCEPT = """
from ivpa.models import ResponderAlert
from ivpa.services import alert_accept
for pk in (%d, %d):
    alert = ResponderAlert.objects.select_related("responder__user").get(pk=pk)
    alert_accept(alert=alert, by=alert.responder.user)
"""


@pytest.fixture(scope="module")
def live():
    product = LiveProduct().start()
    try:
        product.manage("seed_ivpa_demo")
        product.manage("seed_referrals_demo")
        product.manage("shell", "-c", VOLUNTEERS)
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
    return card


def overflow(page: Page, selector: str) -> float:
    """How far the element's content reaches past its box sideways (0: it fits)."""
    return page.locator(selector).evaluate("n => n.scrollWidth - n.clientWidth")


def summary_and_table(console: Page) -> dict:
    """The IVPA panel's counts and the same counts taken from its table's rows, read at one
    moment: [volunteers on the way, units on the way, not answered]."""
    return console.evaluate("""() => {
        const panel = document.getElementById('ivpa-panel');
        const c = panel.querySelector('.ivpa-counts').dataset;
        const rows = [...panel.querySelectorAll('tbody tr')].map((r) => r.dataset);
        const on = (r) => ['accepted', 'arrived'].includes(r.status);
        return {summary: [Number(c.accepted), Number(c.units), Number(c.waiting)],
                table: [rows.filter((r) => r.kind === 'volunteer' && on(r)).length,
                        rows.filter((r) => r.kind !== 'volunteer' && on(r)).length,
                        rows.filter((r) => ['alerted', 'seen'].includes(r.status)).length]};
    }""")


def test_the_ivpa_panel_counts_its_own_rows_and_shows_every_column(live, open_page):
    arrest = new_case(live, complaint="Kvinna, 70 år, medvetslös, andas inte",
                      case_type="cardiac_arrest", mbs_priority="1A", priority="1A")
    console = open_page(CONSOLE)
    sign_in(console, live.url, "anna", "/console/")
    card = open_case(console, arrest["reference"])
    panel = card.locator("#ivpa-panel")
    rows = panel.locator("tbody tr")
    expect(rows.first).to_be_visible(timeout=15000)
    counts = panel.locator(".ivpa-counts")
    expect(counts).to_contain_text("Frivilliga på väg eller framme: 0 av 2")
    assert summary_and_table(console) == {"summary": [0, 0, rows.count()],
                                          "table": [0, 0, rows.count()]}

    # Lars goes; the fire and rescue unit goes: the summary says what the table shows.
    callout = httpx.get(f"{live.url}/api/ivpa/callouts/?case={arrest['id']}", headers={
        "Authorization": f"Token {live.token('anna')}"}).json()[0]
    [lars] = [a for a in callout["alerts"] if a["name"].startswith("Lars")]
    [unit] = [a for a in callout["alerts"] if a["kind"] == "fire_rescue"]
    live.manage("shell", "-c", ACCEPT % (lars["id"], unit["id"]))
    # Accepted by another process, whose events this server's sockets do not hear: the
    # console fetches the callout again when the case is opened.
    console.reload()
    card = open_case(console, arrest["reference"])
    panel = card.locator("#ivpa-panel")
    counts = panel.locator(".ivpa-counts")
    expect(panel.locator("tbody tr[data-status='accepted']")).to_have_count(2)
    expect(counts).to_contain_text(
        "Frivilliga på väg eller framme: 1 av 2 · Enheter på väg eller framme: 1")
    found = summary_and_table(console)
    assert found["summary"] == found["table"] and found["table"][:2] == [1, 1], found

    # Every column in view: the table does not run past the panel.
    assert overflow(console, "#ivpa-panel .ivpa-scroll") <= 1
    assert panel.locator("th").last.is_visible()
    assert console.locator("#ivpa-panel th").last.evaluate(
        "th => th.getBoundingClientRect().right"
        " <= th.closest('.ivpa').getBoundingClientRect().right")


def test_a_referral_case_says_its_priority_in_words(live, open_page):
    case = new_case(live, complaint="Man, 82 år, kateterstopp", mbs_priority="referral",
                    priority="referral")
    console = open_page(CONSOLE)
    sign_in(console, live.url, "anna", "/console/")
    card = open_case(console, case["reference"])
    # The case's own badge (the earlier cases of its caller have theirs below it).
    expect(card.locator(".case-head .prio-badge")).to_have_text("Hänvisning")
    tag = console.locator(".case-marker .tag", has_text=case["reference"].split("-")[-1])
    expect(tag).to_have_text(f"Hänvisning {case['reference'].split('-')[-1]}")
    assert "referral" not in card.inner_text() and "referral" not in tag.inner_text()


def test_the_referral_statistics_fit_their_dialog(live, open_page):
    # A referral in the period, so that the units' rows are there.
    case = new_case(live, complaint="Kvinna, 79 år, bensår", mbs_priority="referral",
                    priority="referral")
    headers = {"Authorization": f"Token {live.token('erik')}"}
    proposals = httpx.get(f"{live.url}/api/referrals/proposals/?case={case['id']}",
                          headers=headers).json()
    unit = next(u["unit"] for u in proposals["units"] if u["selectable"])
    r = httpx.post(f"{live.url}/api/referrals/", headers=headers, json={
        "case": case["id"], "unit": unit, "line": "cold", "callback_number": "070-174 06 99",
        "deadline": (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
        "handover": {"reason": "Infekterat bensår"}})
    assert r.status_code == 201, r.text
    console = open_page(CONSOLE)
    sign_in(console, live.url, "anna", "/console/")
    console.click(".referral-stats-open")
    dialog = console.locator("#referral-stats")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".referral-stats-table").first).to_be_visible()
    expect(dialog.locator(".referral-stats-outcomes caption")).to_have_text("Besökens utfall")
    assert overflow(console, "#referral-stats .referral-stats-scroll") <= 1
    assert overflow(console, "#referral-stats") <= 1


def test_a_case_pressed_while_the_list_redraws_is_selected_on_the_release(live, open_page):
    """A new 1A case redraws every card of the list. Arriving between the dispatcher's press on
    a card and the release, it used to replace that card, and the click was lost (CI: "the
    case was not selected"). The list now waits for the release."""
    knee = new_case(live, complaint="Man, 50 år, ont i knät sedan i går", mbs_priority="3",
                    priority="3")
    console = open_page(CONSOLE)
    sign_in(console, live.url, "anna", "/console/")
    card = console.locator(f".case[data-reference='{knee['reference']}']")
    expect(card).to_be_visible(timeout=15000)
    expect(console.locator("#conn")).to_have_attribute("data-state", "open")
    markers = console.locator(".case-marker")
    before = markers.count()
    card.locator(".case-complaint").hover()  # the pointer over it, however often it redraws
    console.mouse.down()
    urgent = new_case(live, complaint="Kvinna, 70 år, plötslig svaghet i ena armen",
                      mbs_priority="1A", priority="1A")
    expect(markers).to_have_count(before + 1)  # the console has the new case: the map drew it
    console.mouse.up()
    expect(card).to_have_class(re.compile("is-selected"))
    expect(console.locator(f".case[data-reference='{urgent['reference']}']")).to_be_visible()
