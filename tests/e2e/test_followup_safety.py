"""The follow-up screen's tab of threats and violence in a browser (/followup/#safety): the
centre manager (greta) chooses a period and reads the crews' reports per region and category
in Swedish, with the CSV download of the same figures; axe-core finds nothing serious."""

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import CONSOLE, axe_serious, sign_in
from tests.live import LiveProduct

pytestmark = pytest.mark.browser

REPORTS = """
from django.utils import timezone
from accounts.models import User
from crews.models import Unit
from safety.models import CrewReport
sara = User.objects.get(username="sara")
for call_sign, category, violence in [("AMB 1010", "threat", False), ("AMB 1010", "violence", True),
                                      ("AMB 3010", "weapon", False)]:
    unit = Unit.objects.get(call_sign=call_sign)
    CrewReport.objects.create(unit=unit, region=unit.region, reported_by=sara,
                              reported_at=timezone.now(), category=category,
                              violence_happened=violence)
from datetime import timedelta
from safety.models import RiskNotice
from crews.models import Region
erik = User.objects.get(username="erik")
for address, category, action, background in [
        ("Stora torget 1", "weapon", "police_first", "Kniv i hallen enligt ambulansens rapport."),
        ("Lilla gatan 2", "dangerous_animal", "caution", "")]:
    RiskNotice.objects.create(
        region=Region.objects.get(code="VML"), address=address, latitude=59.61, longitude=16.54,
        category=category, action=action, source="crew_report", background=background,
        state="proposed", valid_from=timezone.now(),
        valid_until=timezone.now() + timedelta(days=90),
        entered_by=sara, entered_at=timezone.now())
print(timezone.localdate())
"""


@pytest.fixture(scope="module")
def live():
    product = LiveProduct().start()
    product.today = product.manage("shell", "-c", REPORTS).strip().splitlines()[-1]
    yield product
    product.stop()


def test_the_manager_reads_the_reports_of_threats_and_violence_per_region(live, open_page):
    page = open_page(CONSOLE)
    sign_in(page, live.url, "greta", "/followup/")
    page.get_by_role("tab", name="Hot och våld").click()
    page.fill("#safety-from", live.today)
    page.fill("#safety-to", live.today)
    page.locator("#safety-form").get_by_role("button", name="Visa").click()
    expect(page.locator(".fu-safety-total")).to_have_text(
        "3 rapporter under perioden, 1 av dem våld", timeout=30_000)
    vml = page.locator('.fu-safety-region[data-region="VML"]')
    expect(vml.locator("caption")).to_contain_text("Region Västmanland: rapporter om hot och våld")
    expect(vml.locator('tr[data-category="threat"] th')).to_have_text("Hot")
    expect(vml.locator('tr[data-category="threat"] td').first).to_have_text("1")
    expect(vml.locator('tr[data-category="violence"] td').nth(1)).to_have_text("1")
    expect(vml.locator("tfoot td").first).to_have_text("2")
    upp = page.locator('.fu-safety-region[data-region="UPP"]')
    expect(upp.locator('tr[data-category="weapon"] td').first).to_have_text("1")
    assert axe_serious(page) == []

    href = page.locator("#safety-csv").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    csv = httpx.get(live.url + href, cookies=cookies).content.decode("utf-8-sig")
    assert "Region Västmanland,Alla kategorier,2,1" in csv.splitlines()


def test_the_manager_approves_and_rejects_proposed_risk_notices_on_the_tab(live, open_page):
    page = open_page(CONSOLE)
    sign_in(page, live.url, "greta", "/followup/")
    page.get_by_role("tab", name="Hot och våld").click()
    review = page.locator("#safety-review")
    title = review.get_by_role("heading", name="Föreslagen skyddsinformation att granska")
    expect(title).to_be_visible(timeout=30_000)
    knife = review.locator(".fu-notice", has_text="Stora torget 1")
    # In words, never a code: the category, the action, the address, the source, the background.
    expect(knife).to_contain_text("Vapen")
    expect(knife).to_contain_text("Rekommendation:")
    expect(knife).to_contain_text("Källa:")
    expect(knife).to_contain_text("Bakgrund: Kniv i hallen enligt ambulansens rapport.")
    for code in ("weapon", "police_first", "crew_report"):
        assert code not in knife.inner_text(), code
    assert axe_serious(page) == []
    knife.get_by_role("button", name="Godkänn").click()
    expect(knife).to_have_count(0, timeout=30_000)
    dog = review.locator(".fu-notice", has_text="Lilla gatan 2")
    dog.get_by_role("button", name="Avslå").click()
    expect(review.locator(".fu-none")).to_have_text("Ingen föreslagen skyddsinformation.",
                                                     timeout=30_000)
    states = live.manage("shell", "-c", (
        "from safety.models import RiskNotice; print(sorted(RiskNotice.objects.filter("
        "address__in=['Stora torget 1', 'Lilla gatan 2']).values_list('address', 'state')))"
    )).strip().splitlines()[-1]
    assert states == "[('Lilla gatan 2', 'rejected'), ('Stora torget 1', 'active')]"

