"""End to end, in a real browser: a case registered on the dispatch console reaches every crew
tablet of the unit live, with sound, and the crew's status taps reach the console live.

One real server (uvicorn, its own database, the demo data) for the module; Debian's Chromium
through Playwright, one browser context per person. Set E2E_SCREENSHOTS=/some/dir to keep a
screenshot of each screen.
"""

import json
import os
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import CONSOLE, TABLET, sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def join_unit(page: Page, call_sign: str) -> None:
    option = page.locator("#join-unit option", has_text=call_sign)
    expect(option).to_have_count(1)
    page.select_option("#join-unit", value=option.get_attribute("value"))
    page.click("#join-button")
    expect(page.locator("#unit-title")).to_have_text(call_sign)
    expect(page.locator("#idle")).to_be_visible()


def test_sign_in_page_is_swedish_tells_wrong_password_and_locked(live, open_page):
    page = open_page(TABLET)
    page.goto(live.url + "/login/")
    expect(page.locator("h1")).to_have_text("Logga in")
    shot(page, "login")

    page.fill("#id_username", "maria")
    page.fill("#id_password", "not-the-password")
    page.click(".login-card button[type=submit]")
    expect(page.locator("#login-error")).to_contain_text("Fel användarnamn eller lösenord")
    shot(page, "login-wrong-password")

    for _ in range(5):  # LOGIN_MAX_FAILURES: the fifth failure locks the name
        page.fill("#id_password", "still-wrong")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click(".login-card button[type=submit]")
    assert answer.value.status == 429
    expect(page.locator("#login-locked")).to_contain_text("Användarnamnet är spärrat")
    shot(page, "login-locked")

    page.click(".language button[value=en]")
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_case_dispatched_on_console_reaches_both_crew_tablets_and_back(live, open_page):
    anna, sara, ali = open_page(CONSOLE), open_page(TABLET), open_page(TABLET)
    # What each tablet's live stream brings (the assignment comes on it, never by a reload).
    sockets = {sara: [], ali: []}

    def note_frames(seen):
        def opened(ws):
            received = []
            ws.on("framereceived", lambda frame: received.append(frame))
            seen.append(received)
        return opened

    for crew, seen in sockets.items():
        crew.on("websocket", note_frames(seen))
    sign_in(anna, live.url, "anna", "/console/")
    sign_in(sara, live.url, "sara", "/crew/")
    sign_in(ali, live.url, "ali", "/crew/")
    shot(sara, "crew-join")
    join_unit(sara, "AMB 1010")
    join_unit(ali, "AMB 1010")
    shot(sara, "crew-idle")

    # The dispatcher registers a case; a click on the map gives the position.
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")
    expect(anna.locator("#units tr[data-call-sign='AMB 1010']")).to_be_visible()
    anna.evaluate("window.__sameDocument = true")
    anna.locator("#map").click(position={"x": 40, "y": 440})
    assert anna.input_value("#case-lat") and anna.input_value("#case-lon")
    anna.fill("#case-caller", "+46701234567")
    anna.fill("#case-address", "Stora torget 1")
    anna.fill("#case-municipality", "Västerås")
    anna.select_option("#case-region", label="Region Västmanland")
    anna.fill("#case-lat", "59.6099")
    anna.fill("#case-lon", "16.5448")
    anna.fill("#case-complaint", "Bröstsmärta, 67-årig man")
    anna.select_option("#case-mbs", "1A")
    expect(anna.locator("#case-reason-field")).to_be_hidden()
    anna.select_option("#case-priority", "1B")
    expect(anna.locator("#case-reason-field")).to_be_visible()
    anna.fill("#case-safety", "Aggressiv hund på gården")
    anna.fill("#case-pin", "19121212-1212")
    anna.fill("#case-patient", "Tolvan Tolvansson")
    anna.fill("#case-notes", "Portkod 1234, tredje våningen")
    anna.click("#case-submit")  # refused by the form: the reason for 1A -> 1B is missing
    expect(anna.locator(".case")).to_have_count(0)
    anna.fill("#case-reason", "Stabil enligt inringaren")
    anna.click("#case-submit")
    card = anna.locator(".case", has_text="Bröstsmärta, 67-årig man")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Aggressiv hund på gården")

    # ... and sends AMB 1010: both tablets of the unit show it at once, with the alarm.
    anna.locator("#units tr[data-call-sign='AMB 1010'] input[type=checkbox]").check()
    shot(anna, "console-case")
    card.locator(".dispatch-btn").click()
    for crew in (sara, ali):
        expect(crew.locator("#assignment")).to_be_visible()
        expect(crew.locator("#a-address")).to_have_text("Stora torget 1")
        # Pushed at once on the socket each tablet had open (no poll, reconnect or reload),
        # rather than timed against a clock on a shared machine.
        assert len(sockets[crew]) == 1
        assert any("assignment.created" in str(f) for f in sockets[crew][0])
    expect(sara.locator("#a-priority")).to_have_text("1B")
    expect(sara.locator("#a-safety")).to_be_visible()
    expect(sara.locator("#a-safety")).to_contain_text("Aggressiv hund på gården")
    expect(sara.locator("#a-complaint")).to_have_text("Bröstsmärta, 67-årig man")
    expect(sara.locator("#a-notes")).to_have_text("Portkod 1234, tredje våningen")
    expect(sara.locator("#a-caller")).to_have_text("+46701234567")
    expect(sara.locator("#a-navigate")).to_have_attribute(
        "href", "https://www.openstreetmap.org/directions?to=59.6099,16.5448")
    expect(sara.locator("#a-status")).to_have_text("Larmad")
    expect(sara.locator("body")).to_have_attribute("data-audio", "on")
    assert int(sara.get_attribute("body", "data-alarms")) >= 1
    expect(anna.locator(".asg .badge")).to_have_text("Larmad")
    shot(sara, "crew-alerted")

    # The crew acknowledges; every device on the unit and the console follow.
    sara.click("#a-ack")
    for crew in (sara, ali):
        expect(crew.locator("#a-status")).to_have_text("Kvitterad")
        expect(crew.locator("#a-next")).to_have_text("På väg")
        expect(crew.locator("#a-ack")).to_be_hidden()
    expect(anna.locator(".asg .badge")).to_have_text("Kvitterad")

    sara.click("#a-next")  # en route
    expect(sara.locator("#a-status")).to_have_text("På väg")
    expect(anna.locator(".asg .badge")).to_have_text("På väg", timeout=2000)
    expect(anna.locator("#units tr[data-call-sign='AMB 1010'] .badge")).to_have_text("På väg")
    for crew in (sara, ali):
        expect(crew.locator("#a-status")).to_have_text("På väg", timeout=2000)
        expect(crew.locator("#a-next")).to_have_text("Framme")
        expect(crew.locator("#unit-status")).to_have_text("På väg")
    assert anna.evaluate("window.__sameDocument") is True  # no reload on the console
    shot(sara, "crew-en-route")
    shot(ali, "crew-en-route-second-device")
    shot(anna, "console-en-route")

    # Both crew members tap "on scene" at once: Ali's tap reaches the server second and is
    # refused (409); his tablet says why and shows the state the server holds.
    held = []
    ali.route("**/api/assignments/*/status/", lambda route: held.append(route))
    ali.click("#a-next")
    expect(ali.locator("#a-status")).to_have_text("Framme")  # on screen at once
    sara.click("#a-next")
    expect(anna.locator(".asg .badge")).to_have_text("Framme")
    assert len(held) == 1
    held[0].continue_()
    ali.unroute("**/api/assignments/*/status/")
    expect(ali.locator("#refusal")).to_be_visible()
    expect(ali.locator("#refusal-text")).to_contain_text("Nekad")
    expect(ali.locator("#refusal-text")).to_contain_text("från framme till framme")
    expect(ali.locator("#a-status")).to_have_text("Framme")
    expect(ali.locator("#a-next")).to_have_text("Transporterar")
    expect(ali.locator("#a-alt")).to_be_visible()
    shot(ali, "crew-refused")

    # The rest of the chain, then the dispatcher closes the case.
    sara.click("#a-next")  # transporting
    expect(sara.locator("#a-next")).to_have_text("På sjukhus")
    sara.click("#a-next")  # at hospital
    expect(sara.locator("#a-next")).to_have_text("Ledig")
    sara.click("#a-next")  # available
    for crew in (sara, ali):
        expect(crew.locator("#idle")).to_be_visible()
    expect(anna.locator(".asg .badge")).to_have_text("Ledig")
    close = card.locator(".close-btn")
    close.click()
    expect(close).to_have_text("Bekräfta avslut")
    close.click()
    expect(anna.locator(".case")).to_have_count(0)


def test_a_late_answer_after_a_refusal_does_not_take_the_tablet_back(live, open_page):
    """After a refusal the tablet fetches the assignment and trusts that over its own guess;
    an answer that arrives after newer events (the other tablet moved on meanwhile) must not
    take the tablet back to an older status and leave it there."""
    token = live.token("erik")
    headers = {"Authorization": f"Token {token}"}
    region = next(r["id"] for r in httpx.get(live.url + "/api/regions/", headers=headers).json()
                  if r["code"] == "VML")
    maria, ali = open_page(TABLET), open_page(TABLET)
    sign_in(maria, live.url, "maria", "/crew/")
    sign_in(ali, live.url, "ali", "/crew/")
    for crew in (maria, ali):
        if crew.locator("#duty").is_visible():  # still on a unit from another test
            crew.click("#leave-button")
            crew.click("#leave-button")
        join_unit(crew, "AMB 1020")
    case = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": region, "caller_number": "+46701234567", "address": "Vasagatan 2",
        "municipality": "Västerås", "latitude": 59.611, "longitude": 16.546,
        "complaint": "Andningsbesvär", "mbs_priority": "1B", "priority": "1B"}).json()
    unit = next(u["id"] for u in httpx.get(live.url + "/api/units/", headers=headers).json()
                if u["call_sign"] == "AMB 1020")
    [assignment] = httpx.post(live.url + f"/api/cases/{case['id']}/dispatch/", headers=headers,
                              json={"units": [unit]}).raise_for_status().json()

    def server_status() -> str:
        return httpx.get(live.url + f"/api/assignments/{assignment['id']}/",
                         headers=headers).json()["status"]

    expect(maria.locator("#a-address")).to_have_text("Vasagatan 2")
    maria.click("#a-ack")
    for crew in (maria, ali):
        expect(crew.locator("#a-next")).to_have_text("På väg")
    expect(maria.locator("#a-next")).to_be_enabled()  # the step button's cool-down
    maria.click("#a-next")
    for crew in (maria, ali):
        expect(crew.locator("#a-next")).to_have_text("Framme")

    # Ali's "on scene" is held until Maria's has landed: the server refuses it (409). From
    # then on Ali's fetches of the assignment are answered by the server at once, but the
    # answers are held back on the way (a slow network), among them the fetch the refusal
    # starts, which says "on scene".
    posts, held = [], []

    def hold_post(route):
        posts.append(route)

    def hold_fetch(route):
        if route.request.method != "GET":
            route.continue_()
            return
        response = route.fetch()
        held.append((route, response, response.json()["status"]))

    ali.route("**/api/assignments/*/status/", hold_post)
    ali.click("#a-next")
    maria.click("#a-next")
    deadline = time.monotonic() + 15
    while server_status() != "on_scene":  # Maria's tap has left her outbox and landed
        assert time.monotonic() < deadline, "Maria's 'on scene' did not reach the server"
        time.sleep(0.1)
    ali.route(f"**/api/assignments/{assignment['id']}/", hold_fetch)
    assert len(posts) == 1
    posts[0].continue_()
    ali.unroute("**/api/assignments/*/status/")
    expect(ali.locator("#refusal")).to_be_visible()
    # Maria takes the patient in and is free again; Ali's tablet follows her.
    for label in ("På sjukhus", "Ledig"):
        expect(maria.locator("#a-next")).to_be_enabled()
        maria.click("#a-next")
        expect(maria.locator("#a-next")).to_have_text(label)
    expect(maria.locator("#a-next")).to_be_enabled()
    maria.click("#a-next")
    for crew in (maria, ali):
        expect(crew.locator("#idle")).to_be_visible()
    # Every fetch Ali's tablet made meanwhile is held, the last one (after "available") too.
    deadline = time.monotonic() + 15
    while "available" not in [status for _, _, status in held]:
        assert time.monotonic() < deadline, f"held: {[s for _, _, s in held]}"
        ali.wait_for_timeout(100)  # lets Playwright run the route handler
    assert "on_scene" in [status for _, _, status in held]
    # Now the held answers arrive, the oldest ("on scene", the refusal's) last: the tablet
    # stays free.
    rank = ["on_scene", "transporting", "at_hospital", "available"]
    for route, response, _ in sorted(held, key=lambda h: -rank.index(h[2])):
        with ali.expect_response(lambda r: r.request.method == "GET"
                                 and f"/api/assignments/{assignment['id']}/" in r.url):
            route.fulfill(response=response)
    ali.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    ali.unroute(f"**/api/assignments/{assignment['id']}/")
    expect(ali.locator("#idle")).to_be_visible()
    expect(ali.locator("#assignment")).to_be_hidden()


def test_console_follows_cases_from_elsewhere_redirects_and_cancels(live, open_page):
    token = live.token("erik")
    headers = {"Authorization": f"Token {token}"}
    regions = {r["code"]: r["id"] for r in httpx.get(live.url + "/api/regions/",
                                                     headers=headers).json()}
    base = {"region": regions["UPP"], "caller_number": "+4618123456", "latitude": 59.8586,
            "longitude": 17.6389, "municipality": "Uppsala"}

    anna = open_page(CONSOLE)
    sign_in(anna, live.url, "anna", "/console/")
    expect(anna.locator("#conn")).to_have_attribute("data-state", "open")

    # Another dispatcher registers two cases: they appear on Anna's console by themselves.
    low = httpx.post(live.url + "/api/cases/", headers=headers, json={
        **base, "address": "Dragarbrunnsgatan 10", "complaint": "Fallskada, höft",
        "mbs_priority": "2B", "priority": "2B"}).json()
    high = httpx.post(live.url + "/api/cases/", headers=headers, json={
        **base, "address": "Svartbäcksgatan 5", "complaint": "Medvetslös person",
        "mbs_priority": "1A", "priority": "1A"}).json()
    low_card = anna.locator(f".case[data-id='{low['id']}']")
    high_card = anna.locator(f".case[data-id='{high['id']}']")
    expect(low_card).to_be_visible()
    expect(high_card).to_be_visible()

    # AMB 3010 goes to the fall; then the cardiac arrest needs it more. No crew has joined it
    # on a tablet: the console asks why it is sent anyway, and the case shows the reason.
    anna.locator("#units tr[data-call-sign='AMB 3010'] input[type=checkbox]").check()
    low_card.locator(".dispatch-btn").click()
    expect(low_card.locator(".rec-override-why")).to_contain_text("AMB 3010: obemannad")
    low_card.locator("#override-reason").fill("Besättningen larmad per telefon")
    low_card.locator(".rec-override button[type=submit]").click()
    expect(low_card.locator(".asg .badge")).to_have_text("Larmad")
    expect(low_card.locator(".asg-override")).to_have_text(
        "larmad ändå: Besättningen larmad per telefon")
    low_card.locator(".redirect-btn").click()
    low_card.locator(".asg-redirect select").select_option(str(high["id"]))
    low_card.locator(".asg-redirect .btn").click()
    expect(high_card.locator(".asg .badge")).to_have_text("Larmad")
    expect(low_card.locator(".asg .badge")).to_have_text("Omdirigerad")

    # A unit sent from elsewhere shows up busy, and can no longer be picked here.
    amb3020 = anna.locator("#units tr[data-call-sign='AMB 3020']")
    httpx.post(live.url + f"/api/cases/{low['id']}/dispatch/", headers=headers,
               json={"units": [int(amb3020.get_attribute("data-unit"))],
                     "override_reason": "Besättningen larmad per radio"}).raise_for_status()
    expect(amb3020.locator(".badge")).to_have_text("Larmad")
    expect(amb3020.locator("input[type=checkbox]")).to_be_disabled()

    # Cancel AMB 3020 (two taps); closing a case with a unit on it is refused, with the reason.
    row = low_card.locator(".asg", has_text="AMB 3020")
    row.locator(".cancel-btn").click()
    row.locator(".cancel-btn").click()
    expect(low_card.locator(".asg", has_text="AMB 3020").locator(".badge")).to_have_text(
        "Avbruten")
    shot(anna, "console-redirect-cancel")
    high_card.locator(".close-btn").click()
    high_card.locator(".close-btn").click()
    expect(anna.locator(".notice-error")).to_contain_text("enheter kvar på uppdrag")


def test_crew_tablet_catches_up_after_a_lost_connection_and_a_reload(live, open_page):
    token = live.token("erik")
    headers = {"Authorization": f"Token {token}"}
    sockets, frames = [], []

    def through(ws):
        """Pass the page's socket through, noting what it sends; the test can cut it."""
        server = ws.connect_to_server()
        sockets.append(ws)

        def to_server(message):
            frames.append(json.loads(message))
            server.send(message)

        ws.on_message(to_server)

    johan = open_page(TABLET)
    johan.route_web_socket("**/ws/stream/", through)
    sign_in(johan, live.url, "johan", "/crew/")
    join_unit(johan, "AMB 1020")
    unit = int(johan.locator("#join-unit option", has_text="AMB 1020").get_attribute("value"))
    stream = f"unit.{unit}"
    expect(johan.locator("#conn")).to_have_attribute("data-state", "open")
    seen = johan.evaluate(f"Number(localStorage.getItem('larmkedjan.seq.{stream}'))")
    assert seen >= 1

    # The connection drops; meanwhile the unit is sent out.
    sockets[-1].close()
    expect(johan.locator("#conn")).to_have_attribute("data-state", "closed")
    region = next(r["id"] for r in httpx.get(live.url + "/api/regions/", headers=headers).json()
                  if r["code"] == "VML")
    case = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": region, "caller_number": "+4621123456", "address": "Vasagatan 5",
        "municipality": "Västerås", "latitude": 59.611, "longitude": 16.546,
        "complaint": "Andningsbesvär", "mbs_priority": "1A", "priority": "1A"}).json()
    httpx.post(live.url + f"/api/cases/{case['id']}/dispatch/", headers=headers,
               json={"units": [unit]}).raise_for_status()

    # It reconnects by itself, resubscribes from the last event it saw, and gets the rest.
    expect(johan.locator("#a-address")).to_have_text("Vasagatan 5", timeout=5000)
    resubscribe = [f for f in frames if f.get("op") == "subscribe" and f["stream"] == stream]
    assert resubscribe[-1]["after"] == seen

    # A reloaded tablet resumes from the position kept in localStorage.
    johan.click("#a-ack")
    expect(johan.locator("#a-status")).to_have_text("Kvitterad")
    johan.wait_for_timeout(300)
    kept = johan.evaluate(f"Number(localStorage.getItem('larmkedjan.seq.{stream}'))")
    assert kept > seen
    before = len(frames)
    johan.reload()
    expect(johan.locator("#a-status")).to_have_text("Kvitterad")
    expect(johan.locator("#a-next")).to_have_text("På väg")
    expect(johan.locator("#conn")).to_have_attribute("data-state", "open")
    for _ in range(50):  # the frames reach the test through Playwright's event loop
        resubscribe = [f for f in frames[before:]
                       if f.get("op") == "subscribe" and f["stream"] == stream]
        if resubscribe:
            break
        johan.wait_for_timeout(100)
    assert resubscribe and resubscribe[0]["after"] >= kept
