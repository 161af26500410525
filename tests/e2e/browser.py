"""The browser tests' one home for Debian's Chromium (../shared/chromium.md): its launch options,
pages in fresh contexts whose JavaScript errors fail the test, and signing in a demo persona.
The `pw` and `browser` fixtures (tests/e2e/conftest.py) launch it once per module."""

from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Browser, BrowserContext, Page

from tests.e2e.tiles import tiles_route

CHROMIUM = "/usr/bin/chromium"
# Off the network: no updates, no sync, no background requests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "larm-demo-2026"
CONSOLE = {"width": 1600, "height": 1000}
TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 412, "height": 915}


def chromium_launch(playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def context_new(browser: Browser, viewport: dict | None = None, *, locale: str | None = None,
                tiles: bool = False, init_script: str | None = None,
                **options) -> BrowserContext:
    """A fresh context (its own cookies and storage); with tiles=True its map tiles are
    answered locally and counted in `context.tiles` (tests/e2e/tiles.py)."""
    if viewport is not None:
        options["viewport"] = viewport
    if locale is not None:
        options["locale"] = locale
    context = browser.new_context(**options)
    if init_script:
        context.add_init_script(init_script)
    if tiles:
        context.tiles = tiles_route(context)
    return context


class Pages:
    """Pages of one test, each in its own context; their JavaScript errors are collected, and
    with csp=True also the console's Content-Security-Policy refusals (core.csp)."""

    def __init__(self, browser: Browser, *, timeout_ms: int = 8000, csp: bool = True):
        self.browser, self.timeout_ms, self.csp = browser, timeout_ms, csp
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def open(self, viewport: dict | None = None, **options) -> Page:
        """A page in a fresh context; options as context_new's."""
        context = context_new(self.browser, viewport, **options)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(self.timeout_ms)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        if self.csp:
            page.on("console", lambda m: self.errors.append(m.text)
                    if "Content Security Policy" in m.text else None)
        return page


@contextmanager
def pages_open(browser: Browser, *, what: str = "JavaScript errors on the pages", **settings):
    """Pages(browser, **settings) for a test; at the end their contexts close and any error
    collected fails the test."""
    pages = Pages(browser, **settings)
    yield pages
    for context in pages.contexts:
        context.close()
    assert not pages.errors, f"{what}: {pages.errors}"


def sign_in(page: Page, url: str, username: str, lands_on: str) -> None:
    page.goto(url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"**{lands_on}")


def axe_serious(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each.
    Evaluated, not added as a <script>: the pages' Content-Security-Policy (core.csp) allows no
    inline script, and the test runs under it."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})""")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:5])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def new_case(live, **fields) -> dict:
    """A case registered by erik at Stora torget in Västerås (fields override), as the API
    answers it."""
    headers = {"Authorization": f"Token {live.token('erik')}"}
    regions = {r["code"]: r["id"] for r in
               httpx.get(live.url + "/api/regions/", headers=headers).json()}
    r = httpx.post(live.url + "/api/cases/", headers=headers, json={
        "region": regions["VML"], "caller_number": "070-174 06 99", "address": "Stora torget 3",
        "municipality": "Västerås", "latitude": 59.6099, "longitude": 16.5448, **fields})
    assert r.status_code == 201, r.text
    return r.json()
