"""End to end, in a real browser: a referral to a mobile care unit (God och nära vård).

Karin (mobile care staff) signs in on her phone, joins MVE 1500 and sets it available for
Västerås, around the clock, with its skills and capacity. Anna (dispatcher) opens a case on the
console, refers it to MVE 1500 on the yellow (cold) line with the vital signs (the NEWS2
preview follows as she types); the referral appears on Karin's phone live, with the line, the
deadline, the NEWS2 band, the callback number to tap; the console says the dispatch centre is
responsible. Karin accepts with an expected visit time: both screens say the responsibility
moved to the unit. Karin records "treated at home" (with a confirm); Anna sees it. Then a
warm (red line) referral that Karin declines with a reason: the console shows the decline
and the centre responsible again. axe-core on the phone's screens.

One real server (uvicorn, its own database, the demo data) for the module; Debian's Chromium
through Playwright. Set E2E_SCREENSHOTS=/some/dir to keep screenshots.
"""

import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.browser import CONSOLE, PHONE, pages_open, sign_in
from tests.e2e.test_pwa import STORED_JS, axe_serious, controlled, offline
from tests.live import LiveProduct

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")


@pytest.fixture
def open_page(browser):
    with pages_open(browser, csp=False) as pages:
        yield pages.open


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"referrals-{name}.png"), full_page=True)


def new_case(live, *, complaint: str, address: str) -> dict:
    headers = {"Authorization": f"Token {live.token('erik')}"}
    regions = {r["code"]: r["id"] for r in
               httpx.get(live.url + "/api/regions/", headers=headers).json()}
    r = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": regions["VML"], "caller_number": "070-174 06 99", "address": address,
        "municipality": "Västerås", "latitude": 59.6105, "longitude": 16.5490,
        "complaint": complaint, "mbs_priority": "referral", "priority": "referral",
        "patient_name": "Tolvan Tolvansson", "personal_identity_number": "19121212-1212",
    })
    assert r.status_code == 201, r.text
    return r.json()


def karin_on_duty(phone: Page, live, *, check_axe: bool = False) -> None:
    sign_in(phone, live.url, "karin", "/mobile/")  # the start page sends her there
    expect(phone.locator("#join, #duty").locator("visible=true")).to_have_count(1)
    if phone.locator("#join").is_visible():
        if check_axe:
            assert axe_serious(phone) == []
        option = phone.locator("#join-unit option", has_text="MVE 1500")
        expect(option).to_have_count(1)
        phone.select_option("#join-unit", value=option.get_attribute("value"))
        phone.click("#join-button")
    expect(phone.locator("#unit-title")).to_have_text("MVE 1500")
    expect(phone.locator("#conn")).to_have_attribute("data-state", "open")


def small_targets(page: Page) -> list[dict]:
    """Visible controls under 48 px (a checkbox counts by its label, which takes the tap)."""
    return page.evaluate("""() => [...document.querySelectorAll(
            'button, a[href], select, textarea, input:not([type=hidden])')]
        .filter((n) => n.offsetParent !== null)
        .map((n) => (n.matches('input[type=checkbox], input[type=radio]') && n.closest('label'))
            ? n.closest('label') : n)
        .map((n) => ({what: n.outerHTML.slice(0, 80), h: n.getBoundingClientRect().height,
                      w: n.getBoundingClientRect().width}))
        .filter((n) => (n.h < 48 || n.w < 48) && !n.what.startsWith('<a class="brand"'))""")


def open_case(console: Page, reference: str):
    card = console.locator(f".case[data-reference='{reference}']")
    expect(card).to_be_visible()
    card.locator(".case-complaint").click()
    expect(card).to_have_class(re.compile("is-selected"))
    expect(card.locator("#referral-panel")).to_be_visible()
    return card


def test_refer_accept_visit_and_decline_between_console_and_mobile_unit(live, open_page):
    # Karin on her phone: joins MVE 1500 and sets it up for Västerås.
    karin = open_page(PHONE)
    karin_on_duty(karin, live, check_axe=True)
    manifest = karin.evaluate(
        "fetch('/manifest.json', {credentials: 'include'}).then((r) => r.json())")
    assert manifest["start_url"] == "/mobile/"  # her installed app opens on this screen
    expect(karin.locator("#p-available")).to_be_enabled()  # the unit's state, not a placeholder
    if karin.get_attribute("#p-available", "aria-pressed") != "true":
        karin.click("#p-available")
    expect(karin.locator("#p-available")).to_have_attribute("aria-pressed", "true")
    karin.fill("#p-area", "Västerås, Hallstahammar")
    karin.fill("#p-hours", "24/7")
    for skill in ("wound_care", "iv_antibiotics", "home_visit"):
        karin.check(f"#p-skills input[value='{skill}']")
    karin.fill("#p-capacity", "3")
    karin.click("#p-save")
    expect(karin.locator("#profile-error")).to_be_hidden()
    expect(karin.locator("#p-load")).to_contain_text("0")
    expect(karin.locator("#no-referrals")).to_be_visible()
    shot(karin, "mobile-idle")
    assert axe_serious(karin) == []

    # Anna on the console opens a case and refers it, cold line, with vital signs.
    anna = open_page(CONSOLE)
    sign_in(anna, live.url, "anna", "/console/")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")
    case = new_case(live, complaint="Kvinna 84 år, infekterat bensår, feber",
                    address="Vasagatan 12")
    card = open_case(anna, case["reference"])
    panel = card.locator("#referral-panel")
    panel.locator(".referral-open").click()
    form = panel.locator(".referral-form")
    expect(form).to_be_visible()
    form.locator(".rf-skills input[value='wound_care']").check()
    unit = form.locator(".rf-unit[data-call-sign='MVE 1500']")
    expect(unit).to_have_attribute("data-selectable", "true")
    expect(unit.locator(".rf-unit-load")).to_be_visible()
    unit.locator("input").check()
    # A skill the unit lacks makes it not selectable, with the reason beside it.
    form.locator(".rf-skills input[value='palliative']").check()
    expect(unit).to_have_attribute("data-selectable", "false")
    expect(unit.locator(".rf-unit-why")).to_contain_text("MVE 1500")
    form.locator(".rf-skills input[value='palliative']").uncheck()
    expect(unit).to_have_attribute("data-selectable", "true")
    unit.locator("input").check()

    form.locator("input[name='reason']").fill("Infekterat bensår, behöver omläggning och bedömning")
    form.locator("textarea[name='assessment']").fill("Stabil, feber sedan i går, går med rollator")
    # The NEWS2 preview follows the vital signs as they are typed (RCP chart).
    preview = form.locator(".rf-news2")
    form.locator("input[name='respiratory_rate']").fill("22")  # 2
    expect(preview).to_have_attribute("data-score", "2")
    form.locator("input[name='spo2']").fill("95")  # 1
    form.locator("select[name='on_oxygen']").select_option("false")  # 0
    form.locator("input[name='systolic_bp']").fill("105")  # 1
    form.locator("input[name='pulse']").fill("96")  # 1
    form.locator("select[name='consciousness']").select_option("A")  # 0
    form.locator("input[name='temperature']").fill("38.4")  # 1
    expect(preview).to_have_attribute("data-score", "6")
    expect(preview).to_have_attribute("data-band", "medium")
    expect(form.locator("input[name='callback_number']")).to_have_value("070-174 06 99")
    assert form.locator("input[name='deadline']").input_value()  # now + 2 h by default
    expect(form.locator("input[name='line'][value='cold']")).to_be_checked()
    shot(anna, "console-form")
    assert axe_serious(anna) == []
    form.locator(".rf-submit").click()
    expect(form).to_be_hidden()

    row = panel.locator(".referral-row").first
    expect(row).to_have_attribute("data-state", "sent")
    expect(row).to_have_attribute("data-responsible", "centre")
    expect(row.locator(".rr-resp")).to_have_text("Ansvar: larmcentralen")
    expect(row).to_have_attribute("data-line", "cold")
    expect(row.locator(".news2")).to_have_attribute("data-score", "6")
    expect(anna.locator("#referral-list .referral-open-item")).to_have_count(1)
    expect(card.locator(".case-referral")).to_contain_text("MVE 1500")

    # Karin's phone gets it live, with a sound.
    ref = karin.locator(".referral").first
    expect(ref).to_be_visible(timeout=8000)
    expect(ref).to_have_attribute("data-line", "cold")
    expect(ref).to_have_attribute("data-state", "sent")
    expect(ref).to_have_attribute("data-responsible", "centre")
    expect(ref.locator(".line-badge")).to_have_class(re.compile("line-cold"))
    expect(ref.locator(".line-badge")).to_have_text("Kall överlämning (gul linje)")
    expect(ref.locator(".r-from")).to_have_text("Överlämnad från larmcentralen.")
    expect(ref.locator(".r-accept")).to_have_text("Acceptera")
    expect(ref.locator(".news2")).to_have_class(re.compile("band-medium"))
    expect(ref.locator(".news2")).to_have_attribute("data-score", "6")
    assert "null" not in ref.inner_text()
    # The unit's load follows the referral live, without a reload.
    expect(karin.locator("#p-load")).to_have_text("Öppna hänvisningar: 1 av 3")
    expect(ref.locator(".r-reason")).to_have_text(
        "Infekterat bensår, behöver omläggning och bedömning")
    expect(ref.locator(".r-callback")).to_have_attribute("href", "tel:+46701740699")
    expect(ref.locator(".r-address")).to_contain_text("Vasagatan 12")
    expect(ref.locator(".r-print a")).to_have_attribute(
        "href", re.compile(r"^/api/referrals/\d+/summary/$"))
    assert int(karin.get_attribute("body", "data-alarms") or 0) >= 1
    shot(karin, "mobile-referral")
    assert axe_serious(karin) == []

    # The printable summary opens for her.
    summary = karin.context.request.get(live.url + ref.locator(".r-print a").get_attribute("href"))
    assert summary.status == 200 and "Vasagatan 12" in summary.text()

    # Karin accepts with an expected visit time: the responsibility moves to the unit.
    # The expected visit time is offered (in 45 min, never after the deadline); she keeps it.
    assert re.fullmatch(r"\d\d:\d\d", ref.locator(".r-visit").input_value())
    ref.locator(".r-accept").click()
    expect(ref).to_have_attribute("data-state", "accepted")
    expect(ref).to_have_attribute("data-responsible", "unit")
    expect(ref.locator(".r-resp.is-ours")).to_be_visible()
    expect(ref.locator(".r-resp.is-ours")).to_contain_text("Ansvaret ligger hos er")
    expect(row).to_have_attribute("data-state", "accepted", timeout=8000)
    expect(row).to_have_attribute("data-responsible", "unit")
    expect(row.locator(".rr-resp")).to_have_text("Ansvar: MVE 1500")
    shot(karin, "mobile-accepted")
    assert axe_serious(karin) == []
    assert small_targets(karin) == []
    karin.click(".theme-toggle")  # night: the same screen in the dark theme
    expect(karin.locator("html")).to_have_attribute("data-theme", "night")
    assert axe_serious(karin) == []
    karin.click(".theme-toggle")

    # Started again without network (a basement): the phone shows what the unit holds, kept on
    # the device, never in a cache.
    controlled(karin)
    karin.wait_for_timeout(300)  # the open referrals are written to IndexedDB (debounced)
    context = karin.context
    offline(context, True)
    karin.close()
    karin = context.new_page()
    karin.goto(live.url + "/mobile/")
    expect(karin.locator("#offline")).to_be_visible()
    ref = karin.locator(".referral").first
    expect(ref).to_have_attribute("data-state", "accepted")
    expect(ref.locator(".r-address")).to_contain_text("Vasagatan 12")
    expect(ref.locator(".r-callback")).to_have_attribute("href", "tel:+46701740699")
    for item in karin.evaluate(STORED_JS):
        if item["where"].startswith("cache"):
            assert "Vasagatan" not in item["text"] and "Tolvansson" not in item["text"], item
    offline(context, False)
    karin.reload()
    expect(karin.locator("#offline")).to_be_hidden()
    expect(karin.locator("#conn")).to_have_attribute("data-state", "open")
    ref = karin.locator(".referral").first
    expect(ref).to_have_attribute("data-state", "accepted")

    # After the visit: treated at home, with a confirm (the first tap only arms the button).
    ref.locator("textarea.r-note").fill("Omlagt, antibiotika insatt")
    home = ref.locator(".r-outcome-btn[data-outcome='treated_at_home']")
    home.click()
    expect(home).to_have_class(re.compile("is-armed"))
    expect(ref).to_have_attribute("data-state", "accepted")
    home.click()
    expect(ref).to_have_attribute("data-state", "visited")
    expect(ref.locator(".r-outcome")).to_have_attribute("data-outcome", "treated_at_home")
    expect(ref.locator(".r-outcome")).to_contain_text("Behandlad i hemmet")
    expect(row).to_have_attribute("data-state", "visited", timeout=8000)
    expect(row.locator(".rr-outcome")).to_have_attribute("data-outcome", "treated_at_home")
    expect(row.locator(".rr-outcome")).to_contain_text("Omlagt, antibiotika insatt")
    expect(anna.locator("#referral-list .referral-open-item")).to_have_count(0)  # none open
    shot(anna, "console-visited")

    # The statistics: per unit over the last 30 days, and measure 5.
    anna.click(".referral-stats-open")
    stats = anna.locator("#referral-stats")
    expect(stats).to_be_visible()
    unit_row = stats.locator("tr[data-call-sign='MVE 1500']")
    expect(unit_row.locator("td[data-col='referrals']")).to_have_text("1")
    expect(unit_row.locator("td[data-col='treated_at_home']")).to_have_text("1")
    expect(stats.locator(".referral-stats-m5")).to_be_visible()
    assert axe_serious(anna) == []
    stats.locator(".referral-stats-head button").click()
    expect(stats).to_be_hidden()

    # A second case on the warm line, which Karin declines with a reason.
    case2 = new_case(live, complaint="Man 79 år, kateterstopp", address="Kopparbergsvägen 8")
    card2 = open_case(anna, case2["reference"])
    panel2 = card2.locator("#referral-panel")
    panel2.locator(".referral-open").click()
    form2 = panel2.locator(".referral-form")
    expect(form2.locator(".rf-unit[data-call-sign='MVE 1500'] input")).to_be_checked()
    form2.locator("input[name='reason']").fill("Kateterstopp, smärta")
    form2.locator("input[name='line'][value='warm']").check()
    form2.locator(".rf-submit").click()
    row2 = panel2.locator(".referral-row").first
    expect(row2).to_have_attribute("data-line", "warm")
    expect(row2).to_have_attribute("data-state", "sent")

    ref2 = karin.locator(".referral[data-state='sent']")
    expect(ref2).to_have_count(1, timeout=8000)
    expect(ref2).to_have_attribute("data-line", "warm")
    expect(ref2.locator(".line-badge")).to_have_class(re.compile("line-warm"))
    expect(ref2.locator(".line-badge")).to_have_text("Varm överlämning (röd linje)")
    expect(ref2.locator(".news2")).to_have_class(re.compile("band-none"))
    ref2.locator(".r-decline").click()  # no reason yet: asked for one, nothing sent
    expect(ref2.locator(".r-decline-reason")).to_have_attribute("aria-invalid", "true")
    ref2.locator(".r-decline-reason").fill("Ingen sjuksköterska med katetervana i tjänst")
    ref2.locator(".r-decline").click()
    declined = karin.locator(f".referral[data-id='{row2.get_attribute('data-referral')}']")
    expect(declined).to_have_attribute("data-state", "declined")
    expect(declined).to_have_attribute("data-responsible", "centre")
    expect(row2).to_have_attribute("data-state", "declined", timeout=8000)
    expect(row2).to_have_attribute("data-responsible", "centre")
    expect(row2.locator(".rr-declined")).to_contain_text("katetervana")
    # The centre may refer again at once.
    expect(panel2.locator(".referral-open")).to_be_visible()
    shot(anna, "console-declined")


@pytest.fixture(scope="module")
def live_fast():
    """A server where a referral is overdue after 4 s without an answer."""
    product = LiveProduct(extra_env={"REFERRAL_ACCEPT_SECONDS": "4"}).start()
    yield product
    product.stop()


def set_available(phone: Page) -> None:
    # Read the state once it is the unit's (CI once read the placeholder "off" and switched
    # an available unit off).
    expect(phone.locator("#p-available")).to_be_enabled()
    if phone.get_attribute("#p-available", "aria-pressed") != "true":
        phone.click("#p-available")
    expect(phone.locator("#p-available")).to_have_attribute("aria-pressed", "true")
    phone.fill("#p-area", "Västerås")
    phone.fill("#p-hours", "24/7")
    phone.fill("#p-capacity", "3")
    phone.click("#p-save")
    expect(phone.locator("#profile-error")).to_be_hidden()


def karin_available_and_anna_at_the_console(live, open_page) -> tuple[Page, Page]:
    karin = open_page(PHONE)
    karin_on_duty(karin, live)
    set_available(karin)
    anna = open_page(CONSOLE)
    sign_in(anna, live.url, "anna", "/console/")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")
    return karin, anna


def refer(console: Page, card, *, reason: str):
    panel = card.locator("#referral-panel")
    form = panel.locator(".referral-form")
    opener = panel.locator(".referral-open")
    for _attempt in range(5):  # a case list reordered under the pointer loses the click
        if opener.is_visible():
            opener.click()
        try:
            form.wait_for(state="visible", timeout=1500)
            break
        except PlaywrightTimeoutError:
            continue
    expect(form.locator(".rf-unit[data-call-sign='MVE 1500'] input")).to_be_checked(timeout=10000)
    form.locator("input[name='reason']").fill(reason)
    form.locator(".rf-submit").click()
    expect(form).to_be_hidden()
    return panel.locator(".referral-row").first


def test_overdue_alarm_withdraw_after_acceptance_and_needs_ambulance(live_fast, open_page):
    live = live_fast
    karin, anna = karin_available_and_anna_at_the_console(live, open_page)

    # Nobody answers in time: the console flags it red, with the alarm, until someone acts.
    case = new_case(live, complaint="Kvinna 90 år, yrsel", address="Vasagatan 12")
    card = open_case(anna, case["reference"])
    row = refer(anna, card, reason="Yrsel, bedömning i hemmet")
    expect(row).to_have_attribute("data-overdue", "true", timeout=10000)
    expect(row.locator(".rr-warn")).to_be_visible()
    expect(anna.locator("#referral-list li.is-overdue")).to_have_count(1)
    assert int(anna.get_attribute("body", "data-alarms") or 0) >= 1
    shot(anna, "console-overdue")

    # Karin accepts after all: no longer overdue, the unit is responsible.
    ref = karin.locator(f".referral[data-id='{row.get_attribute('data-referral')}']")
    expect(ref).to_have_attribute("data-state", "sent")
    ref.locator(".r-accept").click()
    expect(ref).to_have_attribute("data-responsible", "unit")
    expect(row).to_have_attribute("data-state", "accepted")
    expect(row).to_have_attribute("data-overdue", "false")

    # The dispatcher takes it back: after acceptance only with a reason the unit is told.
    withdraw = row.locator(".referral-withdraw")
    withdraw.click()
    expect(withdraw).to_have_class(re.compile("is-armed"))
    withdraw.click()
    expect(row.locator(".rr-withdraw-reason")).to_have_attribute("aria-invalid", "true")
    expect(row).to_have_attribute("data-state", "accepted")
    row.locator(".rr-withdraw-reason").fill("Patienten ringde igen, ambulans skickas")
    withdraw.click()
    expect(withdraw).to_have_class(re.compile("is-armed"))
    withdraw.click()
    expect(row).to_have_attribute("data-state", "withdrawn")
    expect(row).to_have_attribute("data-responsible", "centre")
    expect(ref).to_have_attribute("data-state", "withdrawn")
    expect(ref).to_have_attribute("data-responsible", "centre")
    expect(ref.locator(".r-resp")).to_contain_text("Patienten ringde igen")
    expect(ref.locator(".r-accept")).to_have_count(0)

    # Needs an ambulance: a new case at the centre with the history; the console shows it.
    case2 = new_case(live, complaint="Man 70 år, andfådd", address="Kopparbergsvägen 8")
    card2 = open_case(anna, case2["reference"])
    row2 = refer(anna, card2, reason="Andfåddhet, KOL")
    ref2 = karin.locator(f".referral[data-id='{row2.get_attribute('data-referral')}']")
    ref2.locator(".r-accept").click()
    expect(ref2).to_have_attribute("data-state", "accepted")
    # She judges it urgent: the new case goes in at 1A instead of the default 1B.
    expect(ref2.locator(".r-priority")).to_have_value("1B")
    ref2.locator(".r-priority").select_option("1A")
    # And says what for: the dispatcher reads it first on the new case.
    expect(ref2.locator(".r-complaint")).to_have_attribute("placeholder", "Man 70 år, andfådd")
    ref2.locator(".r-complaint").fill("Andningssvikt, SpO2 84 %")
    ambulance = ref2.locator(".r-outcome-btn[data-outcome='needs_ambulance']")
    ambulance.click()
    expect(ambulance).to_have_class(re.compile("is-armed"))
    ambulance.click()
    expect(ref2).to_have_attribute("data-state", "visited")
    expect(ref2.locator(".r-outcome")).to_have_attribute("data-outcome", "needs_ambulance")
    expect(row2).to_have_attribute("data-state", "visited")
    expect(row2).to_have_attribute("data-responsible", "centre")
    new_case_button = row2.locator(".rr-new-case")
    expect(new_case_button).to_be_visible()
    # The new case reaches the console on its own stream: the list settles, then it is opened.
    expect(anna.locator(f".case[data-id='{new_case_button.get_attribute('data-case')}']")).to_have_count(1)
    new_case_button.click()
    selected = anna.locator(".case.is-selected")
    expect(selected).to_have_count(1)
    # The console moves the selection on the next frame: wait for it, don't read it once.
    expect(selected).not_to_have_attribute("data-reference", case2["reference"])
    expect(selected.locator(".case-complaint")).to_have_text("Andningssvikt, SpO2 84 %")
    expect(selected).to_have_class(re.compile("prio-1A"))
    shot(anna, "console-needs-ambulance")


def test_text_being_typed_survives_live_updates_on_both_screens(live_fast, open_page):
    """Cards are redrawn and reordered as events arrive; a reason half typed keeps its focus
    and its letters (a redrawn card once took the focus, and the rest of the typing with it)."""
    live = live_fast
    karin, anna = karin_available_and_anna_at_the_console(live, open_page)

    # The dispatcher starts a reason; the referral turns overdue and another case comes in.
    case = new_case(live, complaint="Kvinna 84 år, trött", address="Stora gatan 3")
    card = open_case(anna, case["reference"])
    row = refer(anna, card, reason="Trötthet sedan i går")
    reason = row.locator(".rr-withdraw-reason")
    reason.click()
    anna.keyboard.type("Anhörig")
    expect(anna.locator(f"#referral-list li.is-overdue[data-case='{case['id']}'], "
                        f"#referral-list li.is-overdue")).not_to_have_count(0, timeout=10000)
    other = new_case(live, complaint="Man 66 år, hosta", address="Köpingsvägen 2")
    expect(anna.locator(f".case[data-reference='{other['reference']}']")).to_have_count(1)
    anna.keyboard.type(" tar henne till vårdcentralen")
    expect(reason).to_be_focused()
    expect(reason).to_have_value("Anhörig tar henne till vårdcentralen")

    # Karin starts a decline on her phone; a second referral arrives above or below it.
    ref = karin.locator(f".referral[data-id='{row.get_attribute('data-referral')}']")
    decline = ref.locator(".r-decline-reason")
    decline.click()
    karin.keyboard.type("Ingen")
    card2 = open_case(anna, other["reference"])
    row2 = refer(anna, card2, reason="Hosta, feber")
    expect(karin.locator(f".referral[data-id='{row2.get_attribute('data-referral')}']")).to_have_count(1)
    karin.keyboard.type(" sjuksköterska ledig")
    expect(decline).to_be_focused()
    expect(decline).to_have_value("Ingen sjuksköterska ledig")
    expect(ref.locator(".r-patient")).to_contain_text("19121212-1212")
    ref.locator(".r-decline").click()
    expect(ref).to_have_attribute("data-state", "declined")
    # Declined: the unit keeps what it was asked, no longer who or where the patient is.
    expect(ref.locator(".r-withheld")).to_contain_text("larmcentralen har patienten")
    expect(ref.locator(".r-patient, .r-callback, .r-nav, .r-print")).to_have_count(0)
    expect(ref.locator(".r-address")).to_have_text("Västerås")  # the municipality only
    expect(ref.locator(".r-reason")).to_have_text("Trötthet sedan i går")
    open_case(anna, case["reference"])
    expect(card.locator(".referral-row").first).to_have_attribute("data-state", "declined")
