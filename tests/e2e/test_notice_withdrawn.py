"""End to end, in a real browser: a risk notice applied to the case on the crew's card leaves
it at once when the notice is withdrawn (`safety.notice_withdrawn` on the unit's stream), with
its Kvittera, and the card says in words that it no longer applies; no reload.

One real server for the module (its own database); Debian's Chromium through Playwright."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import TABLET, sign_in
from tests.e2e.test_field_maps import on_duty
from tests.live import LiveProduct

pytestmark = pytest.mark.browser

ADDRESS = "Kopparbergsvägen 14"
PLACE = (59.6170, 16.5303)


@pytest.fixture(scope="module")
def live():
    product = LiveProduct()
    try:
        yield product.start()
    finally:
        product.stop()


def test_a_withdrawn_notice_leaves_the_crews_card_at_once_and_says_so(live, open_page):
    h = {"Authorization": f"Token {live.token('erik')}"}
    regions = {r["code"]: r["id"] for r in httpx.get(live.url + "/api/regions/", headers=h).json()}
    units = {u["call_sign"]: u["id"] for u in httpx.get(live.url + "/api/units/", headers=h).json()}
    sara = open_page(TABLET)
    sign_in(sara, live.url, "sara", "/crew/")
    on_duty(sara, "AMB 1010")

    notice = httpx.post(live.url + "/api/safety/notices/", headers=h, json={
        "address": ADDRESS, "latitude": PLACE[0], "longitude": PLACE[1], "radius_m": 0,
        "category": "weapon", "action": "police_first", "region": regions["VML"],
        "valid_until": (datetime.now(UTC) + timedelta(days=30)).isoformat()}).json()
    case = httpx.post(live.url + "/api/cases/", headers=h, json={
        "region": regions["VML"], "caller_number": "070-174 06 55", "address": ADDRESS,
        "municipality": "Västerås", "latitude": PLACE[0], "longitude": PLACE[1],
        "complaint": "Skuren i handen", "mbs_priority": "1B", "priority": "1B"}).json()
    sent = httpx.post(f"{live.url}/api/cases/{case['id']}/dispatch/", headers=h,
                      json={"units": [units["AMB 1010"]]})
    assert sent.status_code == 201, sent.text
    [match] = httpx.get(f"{live.url}/api/safety/notices/?case={case['id']}",
                        headers=h).json()["matches"]
    applied = httpx.post(f"{live.url}/api/safety/matches/{match['id']}/decision/", headers=h,
                         json={"decision": "applied"})
    assert applied.status_code == 200, applied.text

    band = sara.locator("#a-notices")
    expect(band.locator(".cn-ack")).to_be_visible(timeout=30_000)
    withdrawn = httpx.post(f"{live.url}/api/safety/notices/{notice['id']}/withdraw/", headers=h,
                           json={"reason": "Fel adress"})
    assert withdrawn.status_code == 200, withdrawn.text

    expect(band.locator(".cn-gone")).to_contain_text(notice["category_label"], timeout=30_000)
    expect(band.locator(".cn-gone")).to_contain_text("gäller inte längre")
    expect(band.locator(".cn-item")).to_have_count(0)
    expect(band.locator(".cn-ack")).to_have_count(0)
