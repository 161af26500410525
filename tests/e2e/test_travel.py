"""End to end, in a real browser: travel times from a router, and the estimate marked as such.

The live product's ROUTER_URL is the loopback OSRM stand-in (tests/places/osrm_standin.py). A
cardiac arrest in Västerås: the console's IVPA panel shows the ambulance's and the volunteers'
times from the router, plain; the volunteer's phone likewise. Then the router fails (HTTP 500)
and the next case's times are the estimate, shown "≈ m:ss (uppskattat)".
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import CONSOLE, PHONE, Pages, sign_in
from tests.live import LiveProduct, wait_until
from tests.places.osrm_standin import OsrmStandin

pytestmark = pytest.mark.browser

REGISTER = """
from accounts.models import User
from crews.models import Region
from dispatch.services import case_register
case_register(by=User.objects.get(username="anna"), region=Region.objects.get(code="VML"),
              caller_number="+4621123456", address="Stora torget 1", municipality="Västerås",
              latitude=59.6099, longitude=16.5448, complaint="{complaint}",
              case_type="cardiac_arrest", mbs_priority="1A", priority="1A")
"""
PLAIN = re.compile(r"^\d+:\d\d$")
ESTIMATED = re.compile(r"^≈ \d+:\d\d \(uppskattat\)$")


@pytest.fixture(scope="module")
def osrm():
    with OsrmStandin() as server:
        yield server


@pytest.fixture(scope="module")
def live(osrm):
    product = LiveProduct(extra_env={"ROUTER_URL": osrm.url,
                                     "ROUTER_TIMEOUT_SECONDS": "2"}).start()
    try:
        product.manage("seed_ivpa_demo")
    except Exception:
        product.stop()
        raise
    yield product
    product.stop()


def test_router_times_are_plain_and_the_fallback_is_marked_estimated(live, osrm, browser):
    live.manage("shell", "-c", REGISTER.format(complaint="Routad: medvetslös man"))
    # The registration answered on the estimate; the product's timer loop asks the router.
    wait_until(lambda: any(r["path"].startswith("/table/v1/foot/") for r in osrm.requests),
               what="the product's timer loop never asked the router", timeout=60)
    desk = Pages(browser, csp=False)
    anna = desk.open(CONSOLE)
    sign_in(anna, live.url, "anna", "/console/")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")
    anna.locator(".case", has_text="Routad: medvetslös man").click()
    panel = anna.locator("#ivpa-panel")
    expect(panel).to_be_visible()
    ambulance = panel.locator(".ivpa-ambulance")
    expect(ambulance).to_have_attribute("data-source", "router")
    expect(ambulance).to_have_text(PLAIN)
    eva = panel.locator("tr[data-name='Eva Sjöberg'] .ivpa-eta")
    expect(eva).to_have_attribute("data-source", "router")
    expect(eva).to_have_text(PLAIN)

    # Eva's phone: the time to get there, from the router, without a mark.
    eva = Pages(browser, csp=False)
    phone = eva.open(PHONE, geolocation={"latitude": 59.6131, "longitude": 16.5402},
                     permissions=["geolocation"])
    sign_in(phone, live.url, "eva", "/responder/")
    expect(phone.locator("#alert")).to_be_visible()
    expect(phone.locator("#al-eta")).to_have_attribute("data-source", "router")
    expect(phone.locator("#al-eta")).not_to_contain_text("uppskattat")
    phone.context.close()

    # The router fails: the next case's times are the estimate, and the console says so.
    osrm.mode = "500"
    live.manage("shell", "-c", "from ivpa.models import Callout; from django.utils import "
                "timezone; Callout.objects.update(ended_at=timezone.now(), "
                "end_reason='cancelled')")
    live.manage("shell", "-c", REGISTER.format(complaint="Uppskattad: medvetslös kvinna"))
    anna.reload()  # a case registered by another process: the page fetches it
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")
    anna.locator(".case", has_text="Uppskattad: medvetslös kvinna").click()
    panel = anna.locator("#ivpa-panel")
    ambulance = panel.locator(".ivpa-ambulance")
    expect(ambulance).to_have_attribute("data-source", "estimate")
    expect(ambulance).to_have_text(ESTIMATED)
    expect(panel.locator("tr[data-name='Eva Sjöberg'] .ivpa-eta")).to_have_text(ESTIMATED)
    anna.context.close()
    assert not desk.errors and not eva.errors, (desk.errors, eva.errors)
