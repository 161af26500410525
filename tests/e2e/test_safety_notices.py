"""End to end, in a real browser: risk notices (*skyddsinformation*) and crew reports on the
screens (issue 16). A notice at an address shows while the next case there is typed on the
console, and as a match of the case once registered; the dispatcher applies it; the crew of the
unit sent (sara on AMB 1010) sees the risk and the recommended action on the card and
acknowledges it, and the console sees the acknowledgement; the volunteer (lars) never sees it,
on his page or through the API. A crew report sent from the tablet lands in the console's
review queue at once.

One real server for the module (its own database; with REDIS_URL, a Redis server of its own);
Debian's Chromium through Playwright. Set E2E_SCREENSHOTS=/some/dir to keep screenshots.
"""

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import AXE, CONSOLE, PHONE, TABLET, sign_in
from tests.e2e.test_field_maps import on_duty
from tests.e2e.tiles import tiles_route
from tests.live import LiveProduct, RedisServer

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")
ADDRESS = "Kopparbergsvägen 12"
PLACE = (59.6168, 16.5301)


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"safety-{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def live():
    # LiveProduct's Redis db 7 is shared and flushed by every live product that starts: with
    # REDIS_URL, this module's product gets a Redis server of its own (no db number that may be
    # another run's).
    redis = RedisServer().start() if os.environ.get("REDIS_URL") else None
    product = LiveProduct(extra_env={"REDIS_URL": redis.url()} if redis else {})
    try:
        yield product.start()
    finally:
        product.stop()
        if redis is not None:
            redis.close()


def axe_serious(page: Page, *selectors: str) -> list[str]:
    """axe-core's serious and critical violations in this part's own elements (the other
    parts of the screens have their own tests)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""(include) => axe.run({include: include.map((s) => [s])},
        {resultTypes: ['violations']})""", [s for s in selectors if page.locator(s).count()])
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {v['nodes'][0]['target']}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def headers(live, who: str = "erik") -> dict:
    return {"Authorization": f"Token {live.token(who)}"}


def notice_at_address(live) -> dict:
    """A weapon notice at ADDRESS in Västerås, entered by erik over the API."""
    h = headers(live)
    region = next(r["id"] for r in httpx.get(live.url + "/api/regions/", headers=h).json()
                  if r["code"] == "VML")
    r = httpx.post(live.url + "/api/safety/notices/", headers=h, json={
        "address": ADDRESS, "latitude": PLACE[0], "longitude": PLACE[1], "radius_m": 0,
        "category": "weapon", "action": "police_first", "region": region,
        "valid_until": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
        "background": "Kniv vid förra besöket enligt polisen."})
    assert r.status_code == 201, r.text
    return r.json()


def type_case(anna: Page) -> None:
    anna.fill("#case-caller", "+46701112233")
    anna.fill("#case-address", ADDRESS)
    anna.fill("#case-municipality", "Västerås")
    anna.select_option("#case-region", label="Region Västmanland")
    anna.fill("#case-lat", str(PLACE[0]))
    anna.fill("#case-lon", str(PLACE[1]))
    anna.locator("#case-lon").dispatch_event("change")


def test_a_notice_reaches_the_console_and_the_crew_not_the_volunteer_and_a_report_comes_back(
        live, open_page):
    notice = notice_at_address(live)
    anna, sara, lars = open_page(CONSOLE), open_page(TABLET), open_page(PHONE)
    tiles_route(anna.context)
    safety_requests = []
    lars.on("request", lambda r: safety_requests.append(r.url) if "/api/safety/" in r.url else None)
    sign_in(anna, live.url, "anna", "/console/")
    sign_in(sara, live.url, "sara", "/crew/")
    sign_in(lars, live.url, "lars", "/responder/")
    on_duty(sara, "AMB 1010")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")

    # Typing the next case at the address: the notice shows before the case is registered,
    # with how it matched and the risk and the action in words (no codes).
    type_case(anna)
    preview = anna.locator("#case-notices")
    expect(preview).to_contain_text("Samma adress", timeout=30_000)
    expect(preview).to_contain_text(notice["category_label"])
    expect(preview).to_contain_text(notice["action_label"])
    expect(preview).not_to_contain_text("police_first")
    assert not axe_serious(anna, "#case-notices"), axe_serious(anna, "#case-notices")
    shot(anna, "console-form-preview")

    anna.fill("#case-complaint", "Skuren i handen")
    anna.select_option("#case-mbs", "1B")
    anna.select_option("#case-priority", "1B")
    anna.click("#case-submit")
    card = anna.locator(".case", has_text="Skuren i handen")
    expect(card).to_be_visible()
    expect(preview).to_be_empty()  # the form was reset, and its matches with it

    # The case's match, pending the dispatcher: dispatch AMB 1010, then "Gäller".
    panel = card.locator("#notice-panel")
    match = panel.locator(".sn-item[data-decision='pending']")
    expect(match).to_contain_text(notice["category_label"], timeout=30_000)
    expect(match).to_contain_text("Samma adress")
    anna.locator("#units tr[data-call-sign='AMB 1010'] input[type=checkbox]").check()
    card.locator(".dispatch-btn").click()
    expect(sara.locator("#assignment")).to_be_visible(timeout=30_000)
    expect(sara.locator("#a-notices")).to_be_hidden()  # nothing applied yet
    match.locator(".sn-apply").click()
    applied = panel.locator(".sn-applied")
    expect(applied).to_contain_text(notice["category_label"])
    expect(applied).to_contain_text("Ännu inte kvitterad av besättningen")
    assert not axe_serious(anna, "#notice-panel"), axe_serious(anna, "#notice-panel")
    shot(anna, "console-applied")

    # The crew's card: the risk and the action, large, live; no background.
    band = sara.locator("#a-notices")
    expect(band).to_be_visible(timeout=30_000)
    expect(band.locator(".cn-category")).to_have_text(notice["category_label"])
    expect(band.locator(".cn-action")).to_contain_text(notice["action_label"])
    expect(sara.locator("#assignment")).not_to_contain_text("Kniv vid förra besöket")
    assert not axe_serious(sara, "#a-notices"), axe_serious(sara, "#a-notices")
    shot(sara, "crew-notice")
    # The crew's second tablet (sara signed in on another device) shows the notice too.
    sara2 = open_page(TABLET)
    sign_in(sara2, live.url, "sara", "/crew/")
    band2 = sara2.locator("#a-notices")
    expect(band2.locator(".cn-ack")).to_be_visible(timeout=30_000)
    band.locator(".cn-ack").click()
    expect(band.locator(".cn-acked")).to_contain_text("Kvitterad", timeout=30_000)
    expect(applied.locator(".sn-ack")).to_contain_text("Kvitterad av AMB 1010", timeout=30_000)
    # Read on one tablet, it shows read on the other (the unit's stream), and a reloaded
    # console still says who read it (MATCH's acknowledgements).
    expect(band2.locator(".cn-acked")).to_contain_text("Kvitterad", timeout=30_000)
    anna.reload()
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")
    expect(card).to_be_visible(timeout=30_000)
    if not card.locator("#notice-panel").count():  # the case is selected again
        card.locator(".case-head").click()
    expect(card.locator("#notice-panel .sn-applied .sn-ack")).to_contain_text(
        "Kvitterad av AMB 1010", timeout=30_000)

    # The volunteer: never a notice, neither on the phone nor through the API.
    expect(lars.locator("#conn")).to_have_attribute("data-state", "open")
    expect(lars.locator("body")).not_to_contain_text(notice["category_label"])
    assert safety_requests == []
    # Asked on purpose with his session (a volunteer holds no API token): refused.
    status = lars.evaluate("""(id) => fetch(`/api/safety/notices/?case=${id}`,
        {credentials: 'same-origin'}).then((r) => r.status)""", card.get_attribute("data-id"))
    assert status == 403

    # After the visit, a report of a threat in a few taps; the console's queue has it at once.
    sara.click("#a-ack")
    for status in ("Kvitterad", "På väg", "Framme"):  # the crew's steps up to on scene
        expect(sara.locator("#a-status")).to_have_text(status, timeout=30_000)
        if status != "Framme":
            expect(sara.locator("#a-next")).to_be_enabled(timeout=30_000)
            sara.click("#a-next")
    expect(sara.locator("#crew-report .cr-open")).to_be_visible()
    sara.click("#crew-report .cr-open")
    sara.click("#crew-report .cr-category[data-category='threat']")
    sara.check("#cr-violence")
    sara.fill("#cr-text", "Hotade med kniv i hallen.")
    assert not axe_serious(sara, "#crew-report"), axe_serious(sara, "#crew-report")
    sara.click("#crew-report .cr-send")
    expect(sara.locator("#outbox")).to_be_hidden(timeout=30_000)
    opener = anna.locator("#notices-open")
    expect(opener).to_contain_text("1 att granska", timeout=30_000)
    opener.click()
    queue = anna.locator("#notices-dialog .sn-queue")
    expect(queue.locator(".sn-item")).to_have_count(1)
    proposed = httpx.get(live.url + "/api/safety/notices/?state=proposed",
                         headers=headers(live)).json()
    assert [n["category"] for n in proposed] == ["threat"]
    expect(queue).to_contain_text(proposed[0]["category_label"])
    assert not axe_serious(anna, "#notices-dialog"), axe_serious(anna, "#notices-dialog")
    shot(anna, "console-queue")
    queue.locator(".sn-approve").click()
    expect(queue.locator(".sn-none")).to_be_visible()
    expect(opener).not_to_contain_text("att granska")

    # The assignment finished: the idle screen still offers a report on it, in a few taps.
    sara.click("#a-alt")  # available without transport
    expect(sara.locator("#idle")).to_be_visible(timeout=30_000)
    later = sara.locator("#crew-report .cr-open")
    expect(later).to_contain_text(card.get_attribute("data-reference"))
    later.click()
    expect(sara.locator("#crew-report .cr-category")).to_have_count(5)
    sara.click("#crew-report .cr-send")  # no category chosen: said, nothing sent
    expect(sara.locator("#crew-report .cr-done")).to_have_text("Välj först vad som hände.")
    sara.click("#crew-report .cr-cancel")
    expect(later).to_be_visible()


def test_the_notice_form_is_prefilled_from_the_case_and_says_by_field_what_to_add(
        live, open_page):
    anna = open_page(CONSOLE)
    tiles_route(anna.context)
    sign_in(anna, live.url, "anna", "/console/")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")
    anna.click("#notices-open")
    anna.click("#notices-dialog .nd-new")
    dialog = anna.locator("#notice-form-dialog")
    expect(dialog).to_be_visible()
    # No position yet: said above the form, nothing sent.
    anna.click("#nf-save")
    expect(anna.locator("#nf-error")).to_contain_text("Ange en position")
    anna.fill("#nf-latitude", str(PLACE[0]))
    anna.fill("#nf-longitude", str(PLACE[1]))
    anna.fill("#nf-address", "Kopparbergsvägen 14")
    anna.select_option("#nf-region", label="Region Västmanland")
    # The validity defaults to the server's SAFETY_NOTICE_DEFAULT_DAYS (365) from today.
    until = date.fromisoformat(anna.input_value("#nf-valid_until"))
    assert abs((until - (date.today() + timedelta(days=365))).days) <= 1
    anna.click("#nf-save")  # the risk and the action are missing: said by each field
    expect(anna.locator("#nf-category-error")).to_have_text("Välj ett alternativ.")
    expect(anna.locator("#nf-category")).to_have_attribute("aria-invalid", "true")
    expect(anna.locator("#nf-action-error")).to_be_visible()
    anna.select_option("#nf-category", "dangerous_animal")
    anna.select_option("#nf-action", "caution")
    anna.fill("#nf-radius_m", "50000")
    anna.click("#nf-save")  # too large a radius: the server's 400, under the radius
    radius_error = anna.locator("#nf-radius_m-error")
    expect(radius_error).to_contain_text("2000")
    expect(radius_error).not_to_contain_text("radius_m")
    expect(anna.locator("#nf-radius_m")).to_have_attribute("aria-invalid", "true")
    expect(anna.locator("#nf-category-error")).to_be_hidden()
    assert not axe_serious(anna, "#notice-form-dialog"), axe_serious(anna, "#notice-form-dialog")
    anna.fill("#nf-radius_m", "100")
    anna.click("#nf-save")
    expect(dialog).to_be_hidden()
    r = httpx.get(live.url + "/api/safety/notices/?q=Kopparbergsv%C3%A4gen%2014",
                  headers=headers(live))
    assert r.status_code == 200, r.text
    assert [n["category"] for n in r.json() if n["address"] == "Kopparbergsvägen 14"] \
        == ["dangerous_animal"]
