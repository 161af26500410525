"""The progressive web app in a real Chromium: installable, starts without network with the
last known assignment, keeps offline changes in its IndexedDB outbox and sends them in order,
exactly once, when the network is back; shows a refused change; leaves no patient data after
sign-out or the end of a shift; shows a push; passes axe-core on every screen.

"Offline" cuts the page and the service worker alike: Playwright's set_offline does not reach
the worker, so PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS=1 (set before the driver starts)
lets a context route abort the worker's requests too.
"""

import json
import os
import re
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, CONSOLE, TABLET, axe_serious, sign_in
from tests.e2e.test_lighthouse import sign_in_cookies
from tests.live import wait_until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = os.environ.get("E2E_SCREENSHOTS")
OUTBOX_JS = """async () => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open('larmkedjan-outbox'); r.onsuccess = () => ok(r.result); r.onerror = ko;
  });
  const all = await new Promise((ok) => {
    const r = db.transaction('changes').objectStore('changes').getAll();
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  return all.sort((a, b) => a.id - b.id);
}"""
# Everything the device stores: every cache entry's body and every IndexedDB record.
STORED_JS = """async () => {
  const out = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      out.push({where: `cache ${name} ${request.url}`, text: await response.clone().text()});
    }
  }
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok, ko) => {
      const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = ko;
    });
    for (const store of db.objectStoreNames) {
      const rows = await new Promise((ok) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => ok(r.result);
      });
      out.push({where: `idb ${info.name}/${store}`, text: JSON.stringify(rows)});
    }
    db.close();
  }
  return out;
}"""


@pytest.fixture(scope="module")
def pw():
    before = os.environ.get("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS")
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if before is None:
            os.environ.pop("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", None)
        else:
            os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = before


@pytest.fixture(scope="module")
def browser(pw):
    chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def new_context(browser):
    contexts, errors = [], []

    def make(viewport=TABLET, **kwargs) -> BrowserContext:
        context = browser.new_context(viewport=viewport, **kwargs)
        context.set_default_timeout(8000)
        context.on("page", lambda page: page.on("pageerror", lambda e: errors.append(str(e))))
        context.on("console", lambda m: errors.append(m.text)  # core.csp refused something
                   if "Content Security Policy" in m.text else None)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the pages: {errors}"


class Centre:
    """The dispatch centre through the API (a dispatcher's token)."""

    def __init__(self, live):
        self.url = live.url
        self.headers = {"Authorization": f"Token {live.token('erik')}"}
        self.units = {u["call_sign"]: u["id"] for u in self.get("/api/units/")}
        self.regions = {r["code"]: r["id"] for r in self.get("/api/regions/")}

    def get(self, path):
        r = httpx.get(self.url + path, headers=self.headers)
        r.raise_for_status()
        return r.json()

    def post(self, path, body):
        r = httpx.post(self.url + path, headers=self.headers, json=body)
        assert r.status_code < 300, r.text
        return r.json()

    def send(self, call_sign, *, address, notes="", complaint="Bröstsmärta", patient="",
             pin=""):
        case = self.post("/api/cases/", {
            "region": self.regions["VML"], "caller_number": "+4621123456", "address": address,
            "municipality": "Västerås", "latitude": 59.611, "longitude": 16.546,
            "complaint": complaint, "mbs_priority": "1A", "priority": "1A", "notes": notes,
            "patient_name": patient, "personal_identity_number": pin,
        })
        [assignment] = self.post(f"/api/cases/{case['id']}/dispatch/",
                                 {"units": [self.units[call_sign]]})
        return assignment


@pytest.fixture(scope="module")
def centre(live):
    return Centre(live)


def join(page: Page, call_sign: str) -> None:
    option = page.locator("#join-unit option", has_text=call_sign)
    expect(option).to_have_count(1)
    page.select_option("#join-unit", value=option.get_attribute("value"))
    page.click("#join-button")
    expect(page.locator("#unit-title")).to_have_text(call_sign)


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page and has kept a copy of it (installing
    precaches the whole shell: on a loaded 2-core CI machine that once took over 15 s)."""
    try:
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=45000)
    except Exception:
        state = page.evaluate("""async () => {
            const r = await navigator.serviceWorker.getRegistration();
            return r ? {installing: r.installing?.state, waiting: r.waiting?.state,
                        active: r.active?.state} : 'no registration';
        }""")
        raise AssertionError(f"the service worker never controlled {page.url}: {state}") from None
    evaluated_until(page, """async () => {
        const cache = await caches.open('larmkedjan-pages');
        return Boolean(await cache.match(location.pathname));
    }""", what=f"a copy of {page.url} kept for an offline start", timeout=45)


def evaluated_until(page: Page, script: str, *, what: str, timeout: float) -> None:
    """Wait until an async script evaluates truthy. Playwright's wait_for_function takes the
    promise an async function returns for a truthy answer and returns at once."""
    wait_until(lambda: page.evaluate(script), what=what, timeout=timeout, interval=0.1)


KEPT_JS = """async () => {
  const r = await navigator.serviceWorker.getRegistration();
  const pages = await (await caches.open('larmkedjan-pages')).keys();
  return {caches: await caches.keys(), pages: pages.map((q) => q.url),
          worker: r ? {installing: r.installing?.state, waiting: r.waiting?.state,
                       active: r.active?.state} : null};
}"""


def reload_offline(page: Page) -> None:
    """Reload the screen without network: it comes back from the worker's copy, never as the
    offline page (a failure says what the device had kept)."""
    page.reload()
    expect(page.locator("#offline")).to_be_visible()
    if page.locator("body.page-offline").count():
        raise AssertionError(f"the offline page replaced {page.url}; the device kept "
                             f"{page.evaluate(KEPT_JS)}")


def offline(context: BrowserContext, on: bool) -> None:
    """Cut (or restore) the network for the pages and the service worker."""
    if on:
        context.set_offline(True)
        context.route("**/*", lambda route: route.abort("internetdisconnected"))
    else:
        context.unroute("**/*")
        context.set_offline(False)


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"pwa-{name}.png"))


def outbox(page: Page) -> list[dict]:
    return page.evaluate(OUTBOX_JS)


def drained(page: Page) -> None:
    """Wait until every change made so far has reached the server."""
    evaluated_until(page, f"() => ({OUTBOX_JS})().then((list) => list.length === 0)",
                    what="every change sent", timeout=30)
    expect(page.locator("#outbox")).to_be_hidden()


# --------------------------------------------------------------------------------------------


def test_installable_with_a_manifest_per_role(live, pw, tmp_path):
    context = pw.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport=TABLET)
    try:
        page = context.new_page()
        sign_in(page, live.url, "sara", "/crew/")
        controlled(page)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        manifest = page.evaluate(
            "fetch('/manifest.json', {credentials: 'include'}).then((r) => r.json())")
        assert manifest["start_url"] == "/crew/"
        assert manifest["name"] == manifest["short_name"] == "Larmkedjan"
        assert manifest["display"] == "standalone" and manifest["theme_color"] == "#0b3d91"
        sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
        assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
        for icon in manifest["icons"]:
            r = httpx.get(live.url + icon["src"])
            assert r.headers["content-type"] == "image/png"
            assert r.content[:8] == b"\x89PNG\r\n\x1a\n"
            width = int.from_bytes(r.content[16:20], "big")
            assert f"{width}x{width}" == icon["sizes"]
        scope = page.evaluate("navigator.serviceWorker.controller.scriptURL")
        assert scope == live.url + "/serviceworker.js"
    finally:
        context.close()

    # A dispatcher's installed app opens on the console; before sign-in, on the start page.
    assert httpx.get(live.url + "/manifest.json").json()["start_url"] == "/"
    cookies = sign_in_cookies(live.url, "anna")
    manifest = httpx.get(live.url + "/manifest.json", headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}).json()
    assert manifest["start_url"] == "/console/"


def test_a_kept_page_starts_offline_whatever_headers_it_was_kept_with(live, new_context):
    """The first visit's copy is fetched by the worker, not by a navigation: a Vary header on
    the page must not hide it from the navigation that starts the screen without network."""
    context = new_context()
    page = context.new_page()
    sign_in(page, live.url, "johan", "/crew/")
    controlled(page)
    page.evaluate("""async () => {
        const cache = await caches.open('larmkedjan-pages');
        const kept = await cache.match(location.pathname);
        const headers = new Headers(kept.headers);
        headers.set('Vary', 'X-Larmkedjan-Test');
        await cache.delete(location.pathname);
        await cache.put(new Request(location.pathname, {headers: {'X-Larmkedjan-Test': 'a'}}),
                        new Response(await kept.text(), {status: 200, headers}));
    }""")
    offline(context, True)
    reload_offline(page)
    expect(page.locator("#join-unit")).to_be_visible()


def test_offline_start_shows_the_shell_and_the_last_known_assignment(live, centre, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, live.url, "sara", "/crew/")
    join(page, "AMB 1010")
    controlled(page)
    centre.send("AMB 1010", address="Kopparbergsvägen 12", notes="Portkod 4455, plan 3",
                complaint="Andningsbesvär", patient="Tolvan Tolvansson", pin="19121212-1212")
    expect(page.locator("#a-address")).to_have_text("Kopparbergsvägen 12")
    page.click("#a-ack")
    expect(page.locator("#a-next")).to_have_text("På väg")
    drained(page)
    page.wait_for_timeout(300)  # the card is written to IndexedDB (debounced)

    # The network goes; the tablet is started again (a new window) without it.
    offline(context, True)
    page.close()
    page = context.new_page()
    page.goto(live.url + "/crew/")
    expect(page.locator("#offline")).to_be_visible()
    expect(page.locator("#offline")).to_contain_text("Ingen nätverksanslutning")
    expect(page.locator("#offline .offline-time")).to_have_text(
        re.compile(r"\d\d:\d\d:\d\d"))
    expect(page.locator("#unit-title")).to_have_text("AMB 1010")
    expect(page.locator("#a-address")).to_have_text("Kopparbergsvägen 12")
    expect(page.locator("#a-notes")).to_have_text("Portkod 4455, plan 3")
    expect(page.locator("#a-status")).to_have_text("Kvitterad")
    expect(page.locator("#a-next")).to_have_text("På väg")
    # The map (Leaflet from the precache) shows the scene without tiles.
    expect(page.locator("#a-map .fm-scene")).to_be_visible()
    shot(page, "offline-start")

    # Patient data is in the one IndexedDB record of the current assignment, never in a cache.
    for item in page.evaluate(STORED_JS):
        if item["where"].startswith("cache"):
            assert "Kopparbergsvägen" not in item["text"], item["where"]
            assert "Tolvansson" not in item["text"], item["where"]

    # A page never opened before gets the offline page, not the browser's error.
    page.goto(live.url + "/console/")
    expect(page.locator("h1")).to_have_text("Ingen nätverksanslutning")

    offline(context, False)
    page.goto(live.url + "/crew/")
    expect(page.locator("#offline")).to_be_hidden()
    page.click("#a-next")  # en route
    expect(page.locator("#a-status")).to_have_text("På väg")
    drained(page)


def test_fifty_offline_changes_across_a_reload_arrive_in_order_once_each(
        live, centre, new_context):
    lat, lon = 59.60, 16.50
    context = new_context(geolocation={"latitude": lat, "longitude": lon},
                          permissions=["geolocation"])
    answers = []  # (idempotency key, status, replay) of every answered change

    def note(response):
        request = response.request
        if request.method == "POST" and re.search(r"/(status|acknowledge|position)/$",
                                                  request.url):
            key = (request.post_data_json or {}).get("idempotency_key")
            answers.append((key, response.status,
                            response.headers.get("idempotent-replay") == "true"))

    context.on("response", note)
    page = context.new_page()
    sign_in(page, live.url, "johan", "/crew/")
    join(page, "AMB 1020")
    controlled(page)
    assignment = centre.send("AMB 1020", address="Vasagatan 7", notes="Hiss saknas")
    expect(page.locator("#a-address")).to_have_text("Vasagatan 7")
    page.wait_for_function("() => localStorage.getItem('larmkedjan.lastPosition') !== null")
    drained(page)  # the first position is sent
    answers.clear()

    offline(context, True)
    step = 0

    def move() -> None:
        nonlocal step
        step += 1
        before = len(outbox(page))
        context.set_geolocation({"latitude": lat + step * 0.002, "longitude": lon})
        page.wait_for_function(
            f"() => Number(document.getElementById('outbox-count').textContent) > {before}",
            timeout=5000)

    def tap(expected_status: str) -> None:
        button = page.locator("#a-ack:visible, #a-next:visible")
        expect(button).to_be_enabled()
        button.click()
        expect(page.locator("#a-status")).to_have_text(expected_status)

    plan = [("Kvitterad", 9), ("På väg", 9), ("Framme", 9), ("Transporterar", 9), ("På sjukhus", 8)]
    for i, (status, positions) in enumerate(plan):
        tap(status)
        for _ in range(positions):
            move()
        if i == 2:
            # Reloaded half-way (a tablet restarted in a tunnel): the outbox is still there.
            queued = len(outbox(page))
            reload_offline(page)
            expect(page.locator("#a-status")).to_have_text("Framme")
            expect(page.locator("#outbox-count")).to_have_text(str(queued))
    page.locator("#a-next").click()  # available: the last of the fifty
    expect(page.locator("#idle")).to_be_visible()
    expect(page.locator("#outbox")).to_be_visible()
    expect(page.locator("#outbox")).to_contain_text("Väntar på att skickas")
    shot(page, "offline-outbox")

    queued = outbox(page)
    statuses = [c for c in queued if c["kind"] != "position"]
    assert len(queued) >= 50, len(queued)
    assert [c["status"] for c in statuses] == [
        "acknowledged", "en_route", "on_scene", "transporting", "at_hospital", "available"]
    assert all(c["state"] == "waiting" for c in queued)
    assert not answers, "nothing reached the server while offline"

    offline(context, False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=60000)
    expect(page.locator("#offline")).to_be_hidden()

    sent = [key for key, status, replay in answers if 200 <= status < 300 and not replay]
    assert sent == [c["key"] for c in queued], "sent in the order made, each once"
    assert all(200 <= status < 300 for _, status, _ in answers), answers

    # The server holds each status with the time it was made on the tablet.
    final = centre.get(f"/api/assignments/{assignment['id']}/")
    assert final["status"] == "available"
    for change in statuses:
        made = datetime.fromisoformat(change["body"]["at"].replace("Z", "+00:00"))
        held = datetime.fromisoformat(final[f"{change['status']}_at"].replace("Z", "+00:00"))
        assert abs((held - made).total_seconds()) < 0.001, change["status"]
    last = [c for c in queued if c["kind"] == "position"][-1]["body"]
    unit = centre.get(f"/api/units/{centre.units['AMB 1020']}/")
    assert (unit["latitude"], unit["longitude"]) == pytest.approx(
        (last["latitude"], last["longitude"]), abs=1e-5)


def test_a_refused_change_is_shown_with_the_reason_not_dropped(live, centre, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, live.url, "ali", "/crew/")
    join(page, "AMB 1210")
    controlled(page)
    assignment = centre.send("AMB 1210", address="Malmabergsgatan 2")
    expect(page.locator("#a-address")).to_have_text("Malmabergsgatan 2")
    page.click("#a-ack")
    expect(page.locator("#a-next")).to_have_text("På väg")
    drained(page)

    offline(context, True)
    page.click("#a-next")  # en route, kept in the outbox
    expect(page.locator("#outbox")).to_contain_text("Väntar på att skickas")
    # Meanwhile the centre cancels the assignment.
    centre.post(f"/api/assignments/{assignment['id']}/status/", {"status": "cancelled"})
    offline(context, False)

    expect(page.locator("#refusal")).to_be_visible(timeout=15000)
    expect(page.locator("#refusal-text")).to_contain_text("Nekad")
    refused = page.locator("#outbox-list .ob-item[data-state=refused]")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("På väg")
    expect(refused).to_contain_text("Nekad")
    [kept] = outbox(page)
    assert kept["state"] == "refused" and kept["status"] == "en_route" and kept["detail"]
    shot(page, "refused")
    refused.locator("button").click()  # seen
    expect(page.locator("#outbox")).to_be_hidden()
    assert outbox(page) == []


PATIENT = ("Sigtunagatan 4", "Portkod 9911", "Svimning", "Karin Andersson", "19800101-1234")


def patient_data_left(page: Page) -> list[str]:
    return [f"{item['where']}: {word}" for item in page.evaluate(STORED_JS)
            for word in PATIENT if word in item["text"]]


def test_no_patient_data_left_after_shift_end_and_sign_out(live, centre, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, live.url, "maria", "/crew/")
    join(page, "AMB 1110")
    controlled(page)
    centre.send("AMB 1110", address=PATIENT[0], notes=PATIENT[1], complaint=PATIENT[2],
                patient=PATIENT[3], pin=PATIENT[4])
    expect(page.locator("#a-address")).to_have_text(PATIENT[0])
    page.wait_for_timeout(300)
    assert patient_data_left(page), "the current assignment is kept on the device"

    # Shift end: leaving the unit wipes it.
    page.click("#leave-button")
    page.click("#leave-button")
    expect(page.locator("#join")).to_be_visible()
    assert patient_data_left(page) == []

    # Back on a unit, a new assignment, then sign-out.
    join(page, "AMB 1110")
    page.wait_for_timeout(300)
    page.reload()  # fetched again over the network (and through the worker)
    expect(page.locator("#a-address")).to_have_text(PATIENT[0])
    page.wait_for_timeout(300)
    assert patient_data_left(page)
    page.click("form.signout button")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    assert patient_data_left(page) == []
    names = page.evaluate("caches.keys()")
    assert not [n for n in names if n.startswith("larmkedjan-")], names


def test_a_push_shows_a_notification_that_opens_the_screen(live, new_context):
    context = new_context(permissions=["notifications"])
    page = context.new_page()
    sign_in(page, live.url, "sara", "/crew/")
    controlled(page)
    cdp = context.new_cdp_session(page)
    versions = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda e: versions.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(200)
    reg_id = next(r["registrationId"] for r in versions if r["scopeURL"] == live.url + "/")
    payload = {"title": "Nytt uppdrag 1A", "body": "AMB 1010: Vasagatan 5", "url": "/crew/",
               "tag": "assignment-42"}
    cdp.send("ServiceWorker.deliverPushMessage",
             {"origin": live.url + "/", "registrationId": reg_id, "data": json.dumps(payload)})
    deadline = time.monotonic() + 5
    shown = []
    while time.monotonic() < deadline and not shown:
        shown = page.evaluate("""navigator.serviceWorker.ready
            .then((r) => r.getNotifications())
            .then((list) => list.map((n) => ({title: n.title, body: n.body, tag: n.tag,
                                              data: n.data})))""")
        page.wait_for_timeout(100)
    assert shown == [{"title": "Nytt uppdrag 1A", "body": "AMB 1010: Vasagatan 5",
                      "tag": "assignment-42", "data": {"url": "/crew/"}}]


# Waits are functions ("() => ..."), never bare expressions: Playwright polls an expression
# with eval(), which the pages' Content-Security-Policy refuses (no 'unsafe-eval').
THEME_JS = "try { localStorage.setItem('larmkedjan.theme', '%s') } catch (e) {}"


@pytest.mark.parametrize("theme", ["day", "night"])
def test_axe_finds_no_serious_violation_on_any_screen(live, centre, new_context, theme):
    found = {}
    context = new_context()
    context.add_init_script(THEME_JS % theme)
    page = context.new_page()
    page.goto(live.url + "/login/")
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    found["login"] = axe_serious(page)
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong")
    page.click(".login-card button[type=submit]")
    expect(page.locator("#login-error")).to_be_visible()
    found["login with error"] = axe_serious(page)

    crew = new_context()
    crew.add_init_script(THEME_JS % theme)
    tablet = crew.new_page()
    sign_in(tablet, live.url, "johan" if theme == "day" else "ali", "/crew/")
    expect(tablet.locator("#join, #duty").locator("visible=true")).to_have_count(1)
    if tablet.locator("#duty").is_visible():  # still on a unit from another test
        tablet.click("#leave-button")
        tablet.click("#leave-button")
    expect(tablet.locator("#join")).to_be_visible()
    found["crew: join"] = axe_serious(tablet)
    call_sign = "AMB 3110" if theme == "day" else "AMB 3210"
    join(tablet, call_sign)
    found["crew: idle"] = axe_serious(tablet)
    centre.send(call_sign, address="Drottninggatan 3", notes="Ring på dörren",
                patient="Anna Svensson", pin="19700101-1234")
    expect(tablet.locator("#a-address")).to_have_text("Drottninggatan 3")
    tablet.click("#a-ack")
    expect(tablet.locator("#a-next")).to_be_visible()
    expect(tablet.locator("#a-next")).to_be_enabled()  # the step buttons' cool-down is over
    found["crew: assignment"] = axe_serious(tablet)
    shot(tablet, f"crew-{theme}")
    offline(crew, True)
    tablet.click("#a-next")
    expect(tablet.locator("#outbox")).to_be_visible()
    expect(tablet.locator("#offline")).to_be_visible()
    expect(tablet.locator("#a-next")).to_be_enabled()
    found["crew: offline with outbox"] = axe_serious(tablet)
    shot(tablet, f"crew-offline-{theme}")
    offline(crew, False)

    desk = new_context(CONSOLE)
    desk.add_init_script(THEME_JS % theme)
    console = desk.new_page()
    sign_in(console, live.url, "anna", "/console/")
    expect(console.locator(".case").first).to_be_visible()
    found["console"] = axe_serious(console)
    shot(console, f"console-{theme}")
    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_touch_targets_are_at_least_48_px(live, centre, new_context):
    context = new_context()
    page = context.new_page()
    sign_in(page, live.url, "sara", "/crew/")
    small = page.evaluate("""() => [...document.querySelectorAll(
            'button, a[href], select, input:not([type=hidden])')]
        .filter((n) => n.offsetParent !== null)
        .map((n) => ({what: n.outerHTML.slice(0, 80), h: n.getBoundingClientRect().height,
                      w: n.getBoundingClientRect().width}))
        .filter((n) => (n.h < 48 || n.w < 48) && !n.what.startsWith('<a class="brand"'))""")
    assert small == []
