"""End to end, in real browsers, issue 17's path: a dispatcher raises a possible major incident
(*särskild händelse*) on the console; the official on duty (TiB) confirms it on her phone; the
regional alarm goes out to two configured regions, whose systems (loopback CAP endpoints that
check CAP 1.2's schema and our signature, as a region's receiver does) accept the CAP Alert;
each region's TiB opens the link texted to her and pledges secondary transports; the console
and TiB's phone show the rule (at least five per region) met for one region and not for the
other, live.

One live product for the module (its own database, the demo data) with two extra alarm regions
that have CAP endpoints; every wait is for a condition, with a generous bound.
"""

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import PHONE, sign_in
from tests.e2e.test_incident_console import anna_raises
from tests.incidents.cap_standin import CapStandin
from tests.live import LiveProduct, wait_until

pytestmark = pytest.mark.browser

WAIT = 30_000
LINK = re.compile(r"/larm/([A-Za-z0-9_-]+)")
# Two regions of the healthcare region with receivers of their own; their TiBs' phones (the
# fiction range, PTS 070-1740605..699) are texted the link.
REGIONS = {"E2EA": ("Region Testöst", "+46701740691"),
           "E2EB": ("Region Testväst", "+46701740692")}
CONFIGURE = """
from incidents.models import AlarmContact, AlarmRegion, ContactKind
for code, (name, phone, endpoint) in {regions!r}.items():
    region, _ = AlarmRegion.objects.update_or_create(
        code=code, defaults={{"name": name, "sort_order": 95, "cap_endpoint": endpoint,
                              "cap_token": "token-" + code}})
    AlarmContact.objects.get_or_create(alarm_region=region, kind=ContactKind.TIB,
                                       name="TiB " + name, defaults={{"phone": phone}})
"""


@pytest.fixture(scope="module")
def live():
    product = LiveProduct().start()
    yield product
    product.stop()


@pytest.fixture(scope="module")
def receivers(live):
    """The two regions' CAP receivers, configured as the regions' endpoints, pinned to the
    product's signing certificate (made by the configuration, before any message)."""
    standins = {}
    try:
        # The certificate must exist before a receiver can pin it: signing_key() makes it.
        live.manage("shell", "-c", "from incidents.cap.sign import signing_key; signing_key()")
        cert = (live.tmp / "cap-signing-cert.pem").read_bytes()
        for code in REGIONS:
            standins[code] = CapStandin(cert_pem=cert, token="token-" + code)
        live.manage("shell", "-c", CONFIGURE.format(regions={
            code: (name, phone, standins[code].url) for code, (name, phone) in REGIONS.items()}))
        yield standins
    finally:
        for standin in standins.values():
            standin.close()


def sms(live) -> list[tuple[str, str]]:
    """(to, text) of every text in the product's SMS outbox."""
    path = live.tmp / "sms-outbox.log"
    if not path.exists():
        return []
    return [tuple(line.split("\t")[1:3]) for line in path.read_text("utf-8").splitlines()]


def link_texted(live, number: str) -> str:
    """The path of the alarm link texted to `number`."""
    found: list[str] = []

    def texted() -> bool:
        found[:] = [LINK.search(text).group(0) for to, text in sms(live)
                    if to == number and LINK.search(text)]
        return bool(found)

    wait_until(texted, what=f"the alarm's link texted to {number}", timeout=60)
    return found[-1]


def pledge_by_link(page: Page, live, number: str, count: int) -> None:
    """The region's TiB opens her link, acknowledges the alarm and pledges ambulances."""
    page.goto(live.url + link_texted(live, number))
    page.click("#acknowledge")
    expect(page.locator("#acknowledged")).to_be_visible(timeout=WAIT)
    page.select_option("#kind", "ambulance")
    page.fill("#count", str(count))
    page.fill("#report_to", "Uppsamlingsplats Köping")
    page.click("#pledge")
    expect(page.locator("#done")).to_be_visible(timeout=WAIT)
    expect(page.locator("#pledges")).to_contain_text(f"{count} ×")


def test_raised_confirmed_alarmed_by_cap_and_pledged_against_the_rule(live, receivers,
                                                                      open_page):
    anna, pk = anna_raises(live, open_page, "Bussolycka E18 Köping")
    expect(anna.locator("#incident-banner")).to_have_class(re.compile("is-raised"))

    # TiB confirms on her phone: one tap arms, the second sends.
    tove = open_page(PHONE)
    sign_in(tove, live.url, "tove", "/tib/")
    item = tove.locator(f".tib-item[data-incident='{pk}']")
    expect(item).to_be_visible(timeout=WAIT)
    item.locator(".tib-open").click()
    expect(tove.locator("#tib-incident")).to_have_attribute("data-incident", str(pk),
                                                           timeout=WAIT)
    tove.click("#tib-confirm")
    expect(tove.locator("#tib-confirm")).to_have_class(re.compile("is-armed"))
    tove.click("#tib-confirm")
    expect(tove.locator("#tib-incident")).to_have_attribute("data-state", "confirmed",
                                                           timeout=WAIT)
    expect(anna.locator("#incident-banner")).to_have_class(re.compile("is-confirmed"),
                                                           timeout=WAIT)

    # Both regions' receivers accept the signed, schema-valid CAP Alert of this incident.
    for code, standin in receivers.items():
        [alert] = [m for m in standin.wait_for(1, timeout=60) if m.msg_type == "Alert"]
        assert f":incident:{pk}:" in alert.identifier
        assert alert.authorization == f"Bearer token-{code}"
        assert standin.refused == []
    rows = {code: anna.locator(f"#incident-regions tr.incident-region[data-region='{code}']")
            for code in REGIONS}
    for row in rows.values():
        expect(row.locator(".ir-cap")).not_to_be_empty(timeout=WAIT)

    # Each region's TiB pledges through the link in her text: five, and two.
    pledge_by_link(open_page(PHONE), live, REGIONS["E2EA"][1], 5)
    pledge_by_link(open_page(PHONE), live, REGIONS["E2EB"][1], 2)

    # The console and TiB's phone show the rule met for one region and not for the other.
    expect(rows["E2EA"].locator(".ir-flag")).to_have_attribute("data-rule", "met",
                                                               timeout=WAIT)
    expect(rows["E2EB"].locator(".ir-flag")).to_have_attribute("data-rule", "under",
                                                               timeout=WAIT)
    expect(rows["E2EA"].locator(".ir-count")).to_contain_text("5 av 5")
    expect(rows["E2EB"].locator(".ir-count")).to_contain_text("2 av 5")
    tib_rows = {code: tove.locator(f"#tib-regions li.tib-region[data-region='{code}']")
                for code in REGIONS}
    expect(tib_rows["E2EA"].locator(".tib-rule")).to_have_attribute("data-rule", "met",
                                                                    timeout=WAIT)
    expect(tib_rows["E2EB"].locator(".tib-rule")).to_have_attribute("data-rule", "below",
                                                                    timeout=WAIT)

    # The API says the same, with each region's acknowledgement through its link.
    detail = httpx.get(f"{live.url}/api/incidents/{pk}/", timeout=30, headers={
        "Authorization": f"Token {live.token('anna')}"}).json()
    regions = {r["code"]: r for r in detail["regions"]}
    assert (regions["E2EA"]["pledged"], regions["E2EA"]["rule_met"]) == (5, True)
    assert (regions["E2EB"]["pledged"], regions["E2EB"]["rule_met"]) == (2, False)
    for code in REGIONS:
        assert regions[code]["alarm"]["cap_state"] == "delivered"
        assert regions[code]["alarm"]["acknowledged_via"] == "link"
