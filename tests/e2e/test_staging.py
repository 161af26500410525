"""End to end, in a real browser: police first. The dispatcher orders a staging point
(*brytpunkt*) on the console, placed on the case map; the crew's tablet shows it at once with
the reason and navigates there, the big button sets "at staging point" and then waits; the
dispatcher lets the crew in ("Släpp in"), the tablet says so live with a tone, and the crew goes
on scene.

One real server (uvicorn, its own database, the demo data) for the module; Debian's Chromium
through Playwright, one context per person.
"""

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import CONSOLE, TABLET, sign_in
from tests.e2e.test_crew_card import dispatched_case, headers
from tests.e2e.test_field_maps import on_duty
from tests.live import wait_until

pytestmark = pytest.mark.browser


def server_assignment(live, assignment_id: int) -> dict:
    response = httpx.get(live.url + f"/api/assignments/{assignment_id}/", headers=headers(live))
    response.raise_for_status()
    return response.json()


def test_staging_point_ordered_waited_at_released_and_crew_goes_in(live, open_page):
    sara, anna = open_page(TABLET), open_page(CONSOLE)
    sign_in(sara, live.url, "sara", "/crew/")
    on_duty(sara, "AMB 1010")
    case = dispatched_case(live, "AMB 1010", case_type="trauma",
                           scene_flags=["unsafe_scene"], complaint="Knivskuren man")
    expect(sara.locator("#a-address")).to_have_text("Stora torget 1")
    sara.click("#a-ack")
    expect(sara.locator("#a-next")).to_have_text("På väg")
    sara.click("#a-next")
    expect(sara.locator("#a-next")).to_have_text("Framme")
    expect(sara.locator("#a-staging")).to_be_hidden()

    # The dispatcher opens the staging point on AMB 1010's row: a point is proposed near the
    # address; a click on the case map moves it; the reason is said; ordered.
    sign_in(anna, live.url, "anna", "/console/")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")
    card = anna.locator(".case", has_text="Knivskuren man")
    row = card.locator("li.asg", has_text="AMB 1010")
    expect(row.locator(".badge")).to_have_text("På väg")
    row.locator(".staging-btn").click()
    position = card.locator(".staging-position")
    expect(position).to_be_visible()
    proposed = float(position.get_attribute("data-lat"))
    assert abs(proposed - 59.6099) < 0.01 and proposed != 59.6099  # ~300 m from the address
    anna.locator("#map").click(position={"x": 300, "y": 300})
    wait_until(lambda: float(position.get_attribute("data-lat")) != proposed,
               what="the map click moves the staging point", timeout=60)
    placed = (float(position.get_attribute("data-lat")), float(position.get_attribute("data-lon")))
    card.locator(".staging-reason").fill("Vänta på polis: hotfull person")
    card.locator(".staging-send").click()
    expect(row.locator(".staging-note")).to_contain_text("Vänta på polis: hotfull person",
                                                         timeout=30_000)
    staging = server_assignment(live, int(row.get_attribute("data-assignment")))["staging"]
    assert (round(staging["latitude"], 5), round(staging["longitude"], 5)) == (
        round(placed[0], 5), round(placed[1], 5))

    # The crew's tablet: the point and its reason, navigation to it, and the button.
    banner = sara.locator("#a-staging")
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner).to_contain_text("Vänta på polis vid brytpunkten")
    expect(banner).to_contain_text("Vänta på polis: hotfull person")
    expect(sara.locator("#a-navigate")).to_have_text("Navigera till brytpunkten")
    expect(sara.locator("#a-next")).to_have_text("Vid brytpunkt")
    sara.click("#a-next")
    expect(sara.locator("#a-status")).to_have_text("Vid brytpunkt")
    expect(sara.locator("#a-next")).to_be_hidden()
    expect(banner).to_contain_text("Väntar på att larmcentralen släpper in er.")

    # The console hears the unit wait there, and lets it in.
    expect(row.locator(".badge")).to_have_text("Vid brytpunkt", timeout=30_000)
    chimes = int(sara.evaluate("document.body.dataset.chimes || '0'"))
    row.locator(".staging-release-btn").click()

    # The release reaches the tablet live: the notice, a tone, and "Framme".
    expect(sara.locator("#notices")).to_contain_text("Polisen på plats – kör in", timeout=30_000)
    expect(banner).to_contain_text("Polisen på plats – kör in")
    wait_until(lambda: int(sara.evaluate("document.body.dataset.chimes || '0'")) > chimes,
               what="the release's tone", timeout=60)
    expect(sara.locator("#a-next")).to_have_text("Framme")
    expect(sara.locator("#a-navigate")).to_have_text("Navigera till händelseplatsen")
    sara.click("#a-next")
    assignment_id = int(sara.locator("#assignment").get_attribute("data-id"))
    wait_until(lambda: server_assignment(live, assignment_id)["status"] == "on_scene",
               what="the crew on scene on the server", timeout=60)
    expect(row.locator(".badge")).to_have_text("Framme", timeout=30_000)
    history = httpx.get(live.url + f"/api/cases/{case['id']}/history/",
                        headers=headers(live)).json()["entries"]
    kinds = [e["kind"] for e in history]
    assert "staging" in kinds and "staging_released" in kinds
