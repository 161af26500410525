"""End to end, in a real browser: caller images (issue 5).

The dispatcher opens a case on the console and sends an image link (the console SMS backend
writes the message to the SMS outbox file, where the test reads the link). The caller, on a
phone (Playwright's Pixel 7 descriptor: a mobile, touch, Swedish browser), opens it: the
landing page does not use the link up, "Fortsätt" does, and the address bar then shows /b/
without the token. A 12-megapixel photo made here with Pillow (EXIF orientation 6: it must
arrive upright) is shrunk in the browser, sent with progress, and "Mottagen" is shown; it
appears on the console live, where the dispatcher zooms, rotates, marks it assessed with a note
and forwards it to the crew, whose tablet shows it. A lost answer is retried with the same
upload_id and the image is stored once. Used, unknown and expired links and /b/ without a
session get the same calm page. axe-core on the caller's pages (Swedish and Arabic), and the
service worker never stores the caller's pages or an image.

One real server (uvicorn, its own database, the demo data) for the module; Debian's Chromium
through Playwright. Set E2E_SCREENSHOTS=/some/dir to keep screenshots.
"""

import io
import json
import os
import re
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.e2e.browser import CONSOLE, TABLET, pages_open, sign_in
from tests.e2e.test_pwa import axe_serious, join

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")
PHONE_DEVICE = "Pixel 7"
CALL_SIGN = "AMB 1010"
GONE_SV = "Länken gäller inte längre."
ARRIVED_SV = "Bilden har kommit fram till larmcentralen."
REJECTED_SV = "Bilden gick inte att använda. Ta gärna en ny bild."
EXPIRE_LINKS = """
from datetime import timedelta
from django.utils import timezone
from imaging.models import ImageLink
ImageLink.objects.filter(pk={pk}).update(expires_at=timezone.now() - timedelta(minutes=1))
"""


@pytest.fixture
def open_page(pw, browser):
    """open_page(viewport=None, phone=False, locale="sv-SE") -> a page in a fresh context; a
    phone is Playwright's Pixel 7 (mobile, touch, its user agent)."""
    with pages_open(browser) as pages:
        def make(viewport=None, *, phone=False, locale="sv-SE") -> Page:
            options = (dict(pw.devices[PHONE_DEVICE]) if phone
                       else {"viewport": viewport or CONSOLE})
            options.pop("default_browser_type", None)
            # Every page runs under its Content-Security-Policy (core.csp): axe-core is
            # evaluated by the test, not injected as a script, so no context bypasses it.
            return pages.open(locale=locale, **options)

        yield make


class Centre:
    """The dispatch centre through the API (a dispatcher's token) and the SMS outbox file."""

    def __init__(self, live):
        self.live = live
        self.headers = {"Authorization": f"Token {live.token('erik')}"}
        self.units = {u["call_sign"]: u["id"] for u in self.get("/api/units/")}
        self.regions = {r["code"]: r["id"] for r in self.get("/api/regions/")}

    def get(self, path):
        r = httpx.get(self.live.url + path, headers=self.headers)
        r.raise_for_status()
        return r.json()

    def post(self, path, body):
        r = httpx.post(self.live.url + path, headers=self.headers, json=body)
        assert r.status_code < 300, r.text
        return r.json()

    def case(self, complaint, caller="070-123 45 67"):
        return self.post("/api/cases/", {
            "region": self.regions["VML"], "caller_number": caller, "address": "Vasagatan 5",
            "municipality": "Västerås", "latitude": 59.611, "longitude": 16.546,
            "complaint": complaint, "mbs_priority": "2A", "priority": "2A",
            "patient_name": "Tolvan Tolvansson", "personal_identity_number": "19121212-1212",
        })

    def dispatch(self, case_id, call_sign):
        [assignment] = self.post(f"/api/cases/{case_id}/dispatch/",
                                 {"units": [self.units[call_sign]]})
        return assignment

    def link(self, case_id, phone="070-123 45 67"):
        """Send a link through the API; answers (link, token)."""
        before = len(self.sms())
        link = self.post(f"/api/imaging/cases/{case_id}/links/", {"phone": phone})
        return link, self.token(after=before)

    def sms(self) -> list[str]:
        path = self.live.tmp / "sms-outbox.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def token(self, after: int) -> str:
        """The token of the next link texted after the first `after` messages."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for line in self.sms()[after:]:
                found = re.search(r"/b/([A-Za-z0-9_-]{20,})", line)
                if found:
                    return found.group(1)
            time.sleep(0.1)
        raise AssertionError(f"no image link in the SMS outbox: {self.sms()[after:]}")


@pytest.fixture(scope="module")
def centre(live):
    return Centre(live)


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"imaging-{name}.png"), full_page=True)


def send_picture(phone: Page, name: str, data: bytes, *, via: str = "#camera") -> None:
    """The caller takes (#camera) or chooses (#choose) a picture and sends it."""
    phone.set_input_files(via, files=[{"name": name, "mimeType": "image/jpeg", "buffer": data}])
    expect(phone.locator("#send")).to_be_enabled()
    phone.click("#send")


def photo(width=4000, height=3000, orientation=6) -> bytes:
    """A 12-megapixel camera photo: landscape pixels with EXIF orientation 6 (the phone was
    held upright: shown turned 90° clockwise), GPS in its EXIF, and detail enough that it
    compresses like a photo (several MB)."""
    image = Image.new("RGB", (width, height), (200, 170, 150))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 40):
        draw.line([(i, 0), (width - i, height)], fill=((i * 7) % 256, (i * 3) % 256, 90), width=9)
    for i in range(0, height, 25):
        draw.line([(0, i), (width, (i * 3) % height)],
                  fill=(40, (i * 5) % 256, (i * 11) % 256), width=4)
    draw.rectangle([0, 0, width // 4, height // 4], fill=(255, 0, 0))  # red top left (stored)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (59.0, 36.0, 39.6), 3: "E", 4: (16.0, 32.0, 45.6)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=93, exif=exif)
    return out.getvalue()


def open_case(console: Page, complaint: str) -> None:
    card = console.locator(".case", has_text=complaint)
    expect(card).to_be_visible()
    for _attempt in range(5):  # a card redrawn under the pointer loses the click
        card.locator(".case-complaint").click()
        try:
            console.locator("#images-panel").wait_for(state="visible", timeout=1500)
            return
        except Exception:  # noqa: BLE001 - try the click again
            continue
    expect(console.locator("#images-panel")).to_be_visible()


# --------------------------------------------------------------------------------------------


def test_a_caller_sends_a_photo_that_the_dispatcher_assesses_and_the_crew_sees(
        live, centre, open_page):
    complaint = "Brännskada på handen, vill visa"
    case = centre.case(complaint)

    # The crew joins the unit on its tablet; the dispatcher opens the case on the console.
    tablet = open_page(TABLET)
    sign_in(tablet, live.url, "sara", "/crew/")
    join(tablet, CALL_SIGN)
    console = open_page(CONSOLE)
    sign_in(console, live.url, "anna", "/console/")
    expect(console.locator("#conn")).to_have_attribute("data-state", "open")
    open_case(console, complaint)
    panel = console.locator("#images-panel")
    expect(panel.locator("h3")).to_have_text("Bilder från inringaren")
    expect(panel.locator(".image-phone")).to_have_value(case["caller_number"])

    # "Skicka bildlänk": an SMS with the link goes to the caller's number.
    sms_before = len(centre.sms())
    panel.locator(".image-send").click()
    expect(console.locator(".notice-ok")).to_contain_text("Bildlänk skickad till +46701234567")
    link_row = panel.locator(".image-link")
    expect(link_row).to_have_count(1)
    expect(link_row.locator(".image-link-count")).to_have_text("0 av 5 bilder")
    expect(link_row).to_have_attribute("data-state", re.compile("^(queued|sent|delivered)$"))
    token = centre.token(after=sms_before)
    assert "+46701234567" in centre.sms()[-1]

    # The caller's phone: the landing page leaves the link usable (SMS apps fetch previews).
    caller = open_page(phone=True)
    assert caller.evaluate("navigator.userAgent").find("Mobile") > 0
    answer = caller.goto(f"{live.url}/b/{token}")
    assert answer.status == 200
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "no-store" in answer.headers["cache-control"]
    expect(caller.locator("html")).to_have_attribute("lang", "sv")
    expect(caller.locator("h1")).to_have_text("Skicka en bild till larmcentralen")
    expect(caller.locator("#continue")).to_have_text("Fortsätt")
    assert caller.locator("#continue").bounding_box()["height"] >= 48
    expect(link_row).to_have_attribute("data-state", re.compile("^(queued|sent|delivered)$"))
    shot(caller, "landing")
    assert axe_serious(caller) == []

    # "Fortsätt" opens the link: the token leaves the address bar; the console sees it opened.
    caller.dblclick("#continue")  # a stressed thumb: the form still goes once
    caller.wait_for_url(re.compile(r"/b/$"))
    assert token not in caller.url
    expect(link_row).to_have_attribute("data-state", "opened")
    expect(link_row.locator(".badge")).to_have_text("Öppnad")
    expect(caller.locator("label[for=camera]")).to_have_text("Ta ett foto")
    expect(caller.locator("#camera")).to_have_attribute("capture", "environment")
    expect(caller.locator("#camera")).to_have_attribute("accept", "image/*")
    expect(caller.locator("#remaining")).to_have_text("Bilder som du kan skicka till: 5")
    assert axe_serious(caller) == []
    shot(caller, "upload")

    # A 12-megapixel photo is shrunk in the browser before it goes up.
    original = photo()
    assert len(original) > 2_000_000
    uploads = []
    caller.on("request", lambda r: uploads.append(r) if r.method == "POST"
              and r.url.endswith("/api/imaging/upload/") else None)
    caller.set_input_files("#choose", files=[{
        "name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": original}])
    expect(caller.locator("#preview-size")).to_contain_text("Klar att skicka")
    expect(caller.locator("#preview-img")).to_have_attribute("src", re.compile("^blob:"))
    # What goes up: the shrunk photo, a few hundred kB (the page shows its size).
    ready = caller.locator("#preview-size").text_content()
    shrunk = re.search(r"\((\d+) kB\)", ready)
    assert shrunk and 20 < int(shrunk.group(1)) < 900, ready
    shot(caller, "preview")
    caller.click("#send")
    expect(caller.locator("#received")).to_be_visible()
    expect(caller.locator("#received-title")).to_have_text("Mottagen")
    expect(caller.locator("#received-text")).to_have_text("Larmcentralen har tagit emot din bild.")
    expect(caller.locator("#remaining")).to_have_text("Bilder som du kan skicka till: 4")
    expect(caller.locator("#send-another")).to_have_text("Skicka en bild till")
    shot(caller, "received")
    assert len(uploads) == 1

    # The console: the image appears live, processed, upright (1200 x 1600: the browser turned
    # it from its EXIF orientation before shrinking it).
    thumb = panel.locator(".image-thumb[data-state=ready]")
    expect(thumb).to_have_count(1, timeout=15000)
    expect(link_row.locator(".image-link-count")).to_have_text("1 av 5 bilder")
    # The caller's page asks what became of it: the centre can see it now.
    expect(caller.locator("#received-text")).to_have_text(ARRIVED_SV, timeout=10000)
    card = console.locator(".case", has_text=complaint)
    expect(card.locator(".case-images")).to_have_text("Bilder: 1")
    image_id = int(thumb.get_attribute("data-image"))
    stored = centre.get(f"/api/imaging/images/{image_id}/")
    assert (stored["display_width"], stored["display_height"]) == (1200, 1600), stored
    expect(thumb.locator("img")).to_have_js_property("complete", True)
    assert thumb.locator("img").evaluate("(img) => img.naturalWidth") > 0
    shot(console, "console-thumbnail")

    # The viewer: zoom, rotate, assessed with a note. Forwarding waits for a unit on the case.
    thumb.click()
    viewer = console.locator("#image-viewer")
    expect(viewer).to_be_visible()
    expect(console.locator("#viewer-title")).to_contain_text("Bild 1, ärende")
    expect(console.locator("#viewer-img")).to_have_js_property("complete", True)
    console.click("#viewer-zoom-in")
    expect(viewer).to_have_attribute("data-zoom", "150")
    console.locator("#viewer-stage").hover()
    console.mouse.wheel(0, -300)
    assert int(viewer.get_attribute("data-zoom")) > 150
    console.click("#viewer-fit")
    expect(viewer).to_have_attribute("data-zoom", "100")
    console.click("#viewer-rotate-right")
    expect(viewer).to_have_attribute("data-rotation", "90")
    expect(console.locator("#viewer-forward")).to_be_disabled()
    expect(console.locator("#viewer-forward-why")).to_have_text(
        "Ingen enhet på ärendet ännu: larma en enhet först.")
    assert axe_serious(console) == []
    console.fill("#viewer-note", "Delhudsbrännskada, cirka 3 % av kroppsytan")
    console.click("#viewer-assess")
    expect(console.locator(".notice-ok", has_text="Bedömningen är sparad.")).to_be_visible()
    expect(console.locator("#viewer-assessed")).to_contain_text("Bedömd kl.")
    shot(console, "console-viewer")
    stored = centre.get(f"/api/imaging/images/{image_id}/")
    assert stored["rotation"] == 90 and stored["assessed_at"]
    assert stored["note"] == "Delhudsbrännskada, cirka 3 % av kroppsytan"

    # A unit on the case: "Skicka till besättningen" forwards it, and the tablet shows it.
    centre.dispatch(case["id"], CALL_SIGN)
    expect(tablet.locator("#assignment")).to_be_visible()
    expect(console.locator("#viewer-forward")).to_be_enabled()
    expect(console.locator("#viewer-forward")).to_have_text("Skicka till besättningen")
    console.click("#viewer-forward")
    forwarded = console.locator(".notice-ok", has_text=f"Bilden är skickad till {CALL_SIGN}.")
    expect(forwarded).to_be_visible()
    expect(console.locator("#viewer-forward-why")).to_contain_text(f"Skickad till {CALL_SIGN} kl.")
    console.click("#viewer-close")
    expect(viewer).to_be_hidden()
    expect(thumb.locator(".image-mark.is-forwarded")).to_have_text("Skickad till besättningen")

    crew_thumb = tablet.locator("#a-images .a-image")
    expect(crew_thumb).to_have_count(1)
    expect(tablet.locator("#a-images-title")).to_have_text("Bilder från inringaren")
    crew_thumb.click()
    expect(tablet.locator("#crew-viewer")).to_be_visible()
    expect(tablet.locator("#crew-viewer-img")).to_have_js_property("complete", True)
    assert tablet.locator("#crew-viewer-img").evaluate("(img) => img.naturalWidth") > 0
    turned = tablet.locator("#crew-viewer-img").evaluate("(img) => img.style.transform")
    assert "rotate(90deg)" in turned
    expect(tablet.locator("#crew-viewer-note")).to_contain_text("Delhudsbrännskada")
    shot(tablet, "crew-image")
    assert axe_serious(tablet) == []
    tablet.click("#crew-viewer-close")
    # A reloaded tablet fetches the forwarded images again.
    tablet.reload()
    expect(tablet.locator("#a-images .a-image")).to_have_count(1)

    # The caller sends another photo; its answer is lost on the way back: the page tries again
    # with the same upload_id, and the centre has it once.
    lost = {"n": 0}

    def lose_first_answer(route):
        if route.request.method != "POST" or lost["n"]:
            route.continue_()
            return
        lost["n"] += 1
        route.fetch()  # the server stores it ...
        route.abort("connectionreset")  # ... and the phone never hears so

    caller.route("**/api/imaging/upload/", lose_first_answer)
    uploads.clear()
    caller.click("#send-another")
    send_picture(caller, "IMG_0002.jpg", photo(orientation=1))
    expect(caller.locator("#received-title")).to_be_visible(timeout=15000)
    expect(caller.locator("#remaining")).to_have_text("Bilder som du kan skicka till: 3")
    assert lost["n"] == 1 and len(uploads) == 2  # the photo went up twice ...
    expect(panel.locator(".image-thumb")).to_have_count(2, timeout=15000)
    assert len(centre.get(f"/api/imaging/cases/{case['id']}/images/")) == 2  # ... stored once
    status = caller.evaluate("""() => fetch('/api/imaging/upload/').then((r) => r.json())""")
    assert len({i["upload_id"] for i in status["received"]}) == len(status["received"]) == 2

    # Neither the service worker nor the browser's cache keeps a caller page or an image.
    stored_urls = console.evaluate("""async () => {
        const out = [];
        for (const name of await caches.keys()) {
          for (const request of await (await caches.open(name)).keys()) out.push(request.url);
        }
        return out;
    }""")
    assert not [u for u in stored_urls if "/api/imaging/" in u or "/b/" in u], stored_urls

    # The same phone opening the used link again goes straight to its upload page.
    caller.unroute("**/api/imaging/upload/")
    caller.goto(f"{live.url}/b/{token}")
    caller.wait_for_url(re.compile(r"/b/$"))
    expect(caller.locator("#remaining")).to_have_text("Bilder som du kan skicka till: 3")


def test_used_unknown_and_expired_links_get_the_same_calm_page(live, centre, open_page):
    case = centre.case("Utslag på armen")
    used, used_token = centre.link(case["id"])
    expired, expired_token = centre.link(case["id"])
    _fresh, fresh_token = centre.link(case["id"])
    live.manage("shell", "-c", EXPIRE_LINKS.format(pk=expired["id"]))

    # Another phone opens the first link and uses it up (for this test: opens it).
    phone = open_page(phone=True)
    phone.goto(f"{live.url}/b/{used_token}")
    phone.click("#continue")
    phone.wait_for_url(re.compile(r"/b/$"))
    # Its session belongs to that link alone: another used-up link is not a way in.
    phone.goto(f"{live.url}/b/{expired_token}")
    expect(phone.locator("#gone")).to_have_text(GONE_SV)

    # A used, an expired, an unknown link, and /b/ without a session: one calm answer.
    answers = {}
    for name, path in [("used", f"/b/{used_token}"), ("expired", f"/b/{expired_token}"),
                       ("unknown", "/b/" + "x" * 43), ("no session", "/b/")]:
        r = httpx.get(live.url + path, headers={"Accept-Language": "sv-SE,sv;q=0.9"})
        answers[name] = (r.status_code, r.text)
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "no-store" in r.headers["cache-control"]
        assert GONE_SV in r.text
    assert len(set(answers.values())) == 1, {k: v[0] for k, v in answers.items()}
    assert answers["used"][0] == 410

    # Opening (POST) them gives the same page; the fresh link is still usable after all that.
    for token in (used_token, expired_token, "x" * 43):
        page = open_page(phone=True)
        page.goto(f"{live.url}/b/{fresh_token}")  # a landing page, for its CSRF cookie
        page.evaluate("""(token) => {
            const form = document.querySelector('form.c-form');
            form.action = '/b/' + token;
            form.submit();
        }""", token)
        page.wait_for_load_state()
        expect(page.locator("#gone")).to_have_text(GONE_SV)

    page = open_page(phone=True)
    answer = page.goto(f"{live.url}/b/{expired_token}")
    assert answer.status == 410
    expect(page.locator("#gone")).to_have_text(GONE_SV)
    expect(page.locator(".c-lead")).to_have_text("Ring tillbaka till 112 om du behöver hjälp.")
    expect(page.locator("a[href='tel:112']")).to_be_visible()
    shot(page, "gone")
    assert axe_serious(page) == []

    page.goto(f"{live.url}/b/{fresh_token}")
    expect(page.locator("#continue")).to_be_visible()
    links = {link["id"]: link for link in centre.get(f"/api/imaging/cases/{case['id']}/links/")}
    assert links[used["id"]]["opened_at"] and links[expired["id"]]["opened_at"] is None


@pytest.mark.parametrize("accept, lang, h1, rtl", [
    ("en-GB,en;q=0.8", "en", "Send a picture to the emergency centre", False),
    ("ar-SE,ar;q=0.9,sv;q=0.5", "ar", "أرسل صورة إلى مركز الطوارئ", True),
    ("so-SO,so;q=0.9", "so", "U dir sawir xarunta gurmadka degdegga ah", False),
    ("nb-NO,nb;q=0.9", "nb", "Send et bilde til AMK-sentralen", False),
    ("de-DE,de;q=0.9", "sv", "Skicka en bild till larmcentralen", False),
])
def test_the_caller_pages_speak_the_browsers_language(live, centre, open_page, accept, lang, h1,
                                                      rtl):
    case = centre.case(f"Sår på benet ({lang})")
    _link, token = centre.link(case["id"])
    r = httpx.get(f"{live.url}/b/{token}", headers={"Accept-Language": accept})
    assert r.status_code == 200 and r.headers["content-language"] == lang
    assert f'<html lang="{lang}" dir="{"rtl" if rtl else "ltr"}">' in r.text
    assert f"<h1>{h1}</h1>" in r.text
    # The staff's language picker is untouched: no Arabic or Somali there.
    login = httpx.get(f"{live.url}/login/", headers={"Accept-Language": accept}).text
    assert 'value="ar"' not in login and 'value="so"' not in login
    if lang != "ar":
        return
    # The whole way in Arabic, right to left, with axe on each page.
    phone = open_page(phone=True, locale="ar-SE")
    phone.goto(f"{live.url}/b/{token}")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("#continue")).to_have_text("متابعة")
    assert axe_serious(phone) == []
    phone.click("#continue")
    phone.wait_for_url(re.compile(r"/b/$"))
    expect(phone.locator("label[for=camera]")).to_have_text("التقط صورة")
    shot(phone, "upload-ar")
    assert axe_serious(phone) == []
    # The small switch: Somali on request.
    phone.click(".c-lang[lang=so]")
    expect(phone.locator("html")).to_have_attribute("lang", "so")
    expect(phone.locator("label[for=choose]")).to_have_text("Dooro sawir")


def test_the_caller_page_has_large_touch_targets_and_nothing_from_elsewhere(
        live, centre, open_page):
    case = centre.case("Svullen fotled")
    _link, token = centre.link(case["id"])
    phone = open_page(phone=True)
    requests = []
    phone.on("request", lambda r: requests.append(r.url))
    phone.goto(f"{live.url}/b/{token}")
    phone.click("#continue")
    phone.wait_for_url(re.compile(r"/b/$"))
    expect(phone.locator("#remaining")).to_be_visible()
    small = phone.evaluate("""() => [...document.querySelectorAll('button, a[href], label.c-btn')]
        .filter((n) => n.offsetParent !== null)
        .map((n) => ({what: n.outerHTML.slice(0, 80), h: n.getBoundingClientRect().height,
                      w: n.getBoundingClientRect().width}))
        .filter((n) => n.h < 48 || n.w < 48)""")
    assert small == []
    assert all(u.startswith(live.url) for u in requests), requests
    assert phone.evaluate("navigator.serviceWorker.controller") is None
    cookies = {c["name"]: c["value"] for c in phone.context.cookies()}
    csp = httpx.get(f"{live.url}/b/", cookies=cookies).headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert json.loads(phone.locator("#c-state").text_content())["lang"] == "sv"

    # Something that is no photo goes up as it is (the browser cannot shrink it); the centre
    # refuses it (415) and the page asks for another picture, without a broken image.
    phone.set_input_files("#choose", files=[{
        "name": "IMG_0003.jpg", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00 not a photo"}])
    expect(phone.locator("#send")).to_be_enabled()
    expect(phone.locator("#preview-img")).not_to_have_attribute("src", re.compile("."))
    phone.click("#send")
    expect(phone.locator("#pick-error")).to_have_text(
        "Bilden gick inte att läsa. Välj en annan bild.")
    expect(phone.locator("#pick")).to_be_visible()
    expect(phone.locator("#remaining")).to_have_text("Bilder som du kan skicka till: 5")

    # No network at all when sending: the page says so and sends by itself once it is back.
    phone.set_input_files("#camera", files=[{
        "name": "IMG_0004.jpg", "mimeType": "image/jpeg", "buffer": photo(2000, 1500)}])
    expect(phone.locator("#send")).to_be_enabled()
    phone.context.set_offline(True)
    phone.click("#send")
    expect(phone.locator("#status")).to_have_text(
        "Ingen anslutning. Bilden skickas när telefonen är uppkopplad igen.")
    expect(phone.locator("#retry")).to_be_visible()
    phone.context.set_offline(False)
    expect(phone.locator("#received-title")).to_have_text("Mottagen")
    expect(phone.locator("#remaining")).to_have_text("Bilder som du kan skicka till: 4")


def upload_by_hand(live, token: str, jpeg: bytes) -> dict:
    """The caller's browser without a browser: the landing page, its form, one photo."""
    with httpx.Client(base_url=live.url) as client:
        page = client.get(f"/b/{token}")
        form_token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
        opened = client.post(f"/b/{token}", data={"form_token": form_token})
        assert opened.status_code == 303 and opened.headers["location"] == "/b/"
        # The upload cookie is Secure (a browser keeps it for http://127.0.0.1, httpx not).
        client.cookies.set("lk_bild", opened.cookies["lk_bild"])
        upload = client.get("/b/")
        assert upload.status_code == 200, upload.text
        if "csrftoken" in upload.cookies:  # Secure too in the production shape
            client.cookies.set("csrftoken", upload.cookies["csrftoken"])
        csrf = json.loads(re.search(r'id="c-state" type="application/json">([^<]+)<',
                                    upload.text).group(1))["csrf"]
        answer = client.post("/api/imaging/upload/", headers={"X-CSRFToken": csrf},
                             data={"upload_id": "by-hand-0001"},
                             files={"image": ("photo.jpg", jpeg, "image/jpeg")})
        assert answer.status_code == 201, answer.text
        return answer.json()


THEME_JS = "try { localStorage.setItem('larmkedjan.theme', '%s') } catch (e) {}"


def test_axe_finds_no_serious_violation_on_the_image_panel_and_viewer_at_night(
        live, centre, open_page):
    complaint = "Bett av hund, visar såret"
    case = centre.case(complaint)
    _link, token = centre.link(case["id"])
    upload_by_hand(live, token, photo(1600, 1200, orientation=1))
    console = open_page(CONSOLE)
    console.context.add_init_script(THEME_JS % "night")
    sign_in(console, live.url, "erik", "/console/")
    expect(console.locator("html")).to_have_attribute("data-theme", "night")
    open_case(console, complaint)
    thumb = console.locator("#images-panel .image-thumb[data-state=ready]")
    expect(thumb).to_have_count(1, timeout=15000)
    found = {"console: image panel": axe_serious(console)}
    thumb.click()
    expect(console.locator("#viewer-img")).to_have_js_property("complete", True)
    found["console: viewer"] = axe_serious(console)
    shot(console, "console-viewer-night")
    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_the_caller_hears_when_a_picture_arrives_and_when_one_cannot_be_used(
        live, centre, open_page):
    """After the 201 the page asks the upload API what became of the picture: "ready" says it
    has reached the centre; "rejected" (a file that looks like a JPEG and passes the checks at
    the door, but cannot be decoded by the background processing) asks calmly for a new
    picture, without the server's reason, and the button goes back to taking one."""
    complaint = "Skärsår på tummen, visar bild"
    case = centre.case(complaint)
    _link, token = centre.link(case["id"])
    phone = open_page(phone=True)
    polls = []
    phone.on("request", lambda r: polls.append(r) if r.method == "GET"
             and r.url.endswith("/api/imaging/upload/") else None)
    phone.goto(f"{live.url}/b/{token}")
    phone.click("#continue")
    phone.wait_for_url(re.compile(r"/b/$"))
    expect(phone.locator("#remaining")).to_have_text("Bilder som du kan skicka till: 5")

    # A good photo: "Mottagen", then (processed) it has reached the centre.
    send_picture(phone, "IMG_0010.jpg", photo(1600, 1200, 1))
    expect(phone.locator("#received-title")).to_have_text("Mottagen")
    text = phone.locator("#received-text")
    expect(text).to_have_attribute("role", "status")
    expect(text).to_have_text(ARRIVED_SV, timeout=10000)
    expect(phone.locator("#send-another")).to_have_text("Skicka en bild till")
    shot(phone, "arrived")

    # A file that starts like a JPEG but is none: the browser cannot shrink it, so it goes up
    # as it is; the centre stores it (201, "Mottagen") and processing rejects it.
    broken = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"not really a photo, cut off " * 40
    phone.click("#send-another")
    send_picture(phone, "IMG_0011.jpg", broken, via="#choose")
    expect(phone.locator("#received-title")).to_have_text("Kunde inte användas", timeout=10000)
    expect(text).to_have_text(REJECTED_SV)
    expect(phone.locator("#received")).to_have_attribute("data-outcome", "rejected")
    expect(phone.locator("#remaining")).to_have_text("Bilder som du kan skicka till: 3")
    images = centre.get(f"/api/imaging/cases/{case['id']}/images/")
    [rejected] = [i for i in images if i["state"] == "rejected"]
    assert rejected["reject_reason"] and rejected["reject_reason"] not in phone.content()
    assert axe_serious(phone) == []
    shot(phone, "rejected")

    # "Ta en ny bild": back to taking one; the next one is told as received again.
    button = phone.locator("#send-another")
    expect(button).to_have_text("Ta en ny bild")
    button.click()
    expect(phone.locator("#pick")).to_be_visible()
    expect(phone.locator("label[for=camera]")).to_have_text("Ta ett foto")
    expect(phone.locator("#notice")).to_have_text("")
    send_picture(phone, "IMG_0012.jpg", photo(1200, 900, 1))
    expect(phone.locator("#received-title")).to_have_text("Mottagen")
    expect(text).to_have_text(ARRIVED_SV, timeout=10000)
    expect(phone.locator("#send-another")).to_have_text("Skicka en bild till")

    # Nothing left to learn: the page stops asking.
    time.sleep(3)
    settled = len(polls)
    time.sleep(4.5)
    assert len(polls) == settled, "the page kept polling after every picture was settled"

    # Opened again (a reload): the page says what the centre already has from this caller.
    phone.reload()
    expect(phone.locator("#pick")).to_be_visible()
    expect(phone.locator("#notice")).to_have_text(
        "Bilder som larmcentralen redan har fått från dig: 2")
    expect(phone.locator("#remaining")).to_have_text("Bilder som du kan skicka till: 2")


def test_a_rejection_that_comes_after_the_caller_moved_on_is_still_said(live, centre, open_page):
    """The caller is already choosing the next picture when processing rejects the last one:
    a calm line above the buttons says so (the answers of the state API are held back here
    until the caller has moved on)."""
    case = centre.case("Insektsbett på halsen")
    _link, token = centre.link(case["id"])
    phone = open_page(phone=True)
    phone.goto(f"{live.url}/b/{token}")
    phone.click("#continue")
    phone.wait_for_url(re.compile(r"/b/$"))
    held = {"on": True, "asked": 0}

    def hold_states(route):
        if route.request.method != "GET":
            route.continue_()
            return
        answer = route.fetch()
        data = answer.json()
        if held["on"]:
            held["asked"] += 1
            data["received"] = [{"upload_id": i["upload_id"], "state": "received"}
                                for i in data["received"]]
        route.fulfill(response=answer, json=data)

    phone.route("**/api/imaging/upload/", hold_states)
    broken = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"no photo inside " * 60
    send_picture(phone, "IMG_0020.jpg", broken, via="#choose")
    expect(phone.locator("#received-title")).to_have_text("Mottagen")
    deadline = time.monotonic() + 10
    while held["asked"] < 1 and time.monotonic() < deadline:
        phone.wait_for_timeout(200)
    assert held["asked"] >= 1, "the page never asked what became of the picture"
    phone.click("#send-another")
    expect(phone.locator("#pick")).to_be_visible()
    held["on"] = False
    expect(phone.locator("#notice")).to_have_text(
        "En tidigare bild gick inte att använda. Ta gärna en ny bild.", timeout=10000)
    expect(phone.locator("#notice")).to_have_attribute("aria-live", "polite")
    expect(phone.locator("label[for=camera]")).to_be_visible()
    assert axe_serious(phone) == []
    phone.unroute("**/api/imaging/upload/")

    # The last picture the link takes (the answer says none remain here) is rejected: the
    # thank-you page says so, and offers no camera.
    def last_one(route):
        answer = route.fetch()
        data = answer.json()
        if route.request.method == "POST" and answer.status == 201:
            data["remaining"] = 0
        route.fulfill(response=answer, json=data)

    phone.route("**/api/imaging/upload/", last_one)
    send_picture(phone, "IMG_0021.jpg", broken + b"again", via="#choose")
    expect(phone.locator("#end")).to_be_visible()
    expect(phone.locator("#notice")).to_have_text("")
    expect(phone.locator("#end-state")).to_have_text(
        "Bilden gick inte att använda, och länken tar inte emot fler bilder.", timeout=10000)
    expect(phone.locator("#pick")).to_be_hidden()
    phone.unroute("**/api/imaging/upload/")

    # Opened again: the server still takes pictures on this link; the last one failed.
    phone.reload()
    expect(phone.locator("#pick")).to_be_visible()
    expect(phone.locator("#notice")).to_have_text(
        "En tidigare bild gick inte att använda. Ta gärna en ny bild.")
