"""The Content-Security-Policy (core.csp) in a real Chromium: every screen, the sign-in and
sign-up pages, the admin and the API's docs work under it and the browser reports no
violation. (The screens' own end-to-end tests run under it too.)"""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import CONSOLE, pages_open, sign_in

pytestmark = pytest.mark.browser

# Every violation, also one that breaks nothing visible (a style sheet refused).
VIOLATIONS_JS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def open_page(browser):
    with pages_open(browser, what="Errors and CSP violations on the pages") as pages:
        yield lambda: pages.open(CONSOLE, init_script=VIOLATIONS_JS)


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp || []")


@pytest.mark.parametrize(("user", "screen", "ready"), [
    ("anna", "/console/", "#conn[data-state='open']"),
    ("sara", "/crew/", "#conn[data-state='open']"),
    ("lars", "/responder/", "#conn[data-state='open']"),
    ("karin", "/mobile/", "#conn[data-state='open']"),
])
def test_each_screen_connects_and_is_styled_under_the_policy(live, open_page, user, screen,
                                                             ready):
    page = open_page()
    sign_in(page, live.url, user, screen)
    expect(page.locator(ready)).to_be_attached(timeout=15000)
    # The field screens' inline style sheet applied (a refused one leaves the body unstyled).
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") != \
        "inline"
    page.wait_for_function("() => navigator.serviceWorker.controller !== null",
                           timeout=45000)
    assert violations(page) == []


def test_sign_in_and_sign_up_pages_under_the_policy(live, open_page):
    page = open_page()
    page.goto(live.url + "/responder/register/")
    expect(page.locator("#register-form")).to_be_visible()
    page.goto(live.url + "/login/")
    # The night theme's inline line ran (by its hash) before the page painted.
    page.evaluate("localStorage.setItem('larmkedjan.theme', 'night')")
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "night"
    assert violations(page) == []


def test_the_api_docs_and_the_admin_under_the_policy(live, open_page):
    page = open_page()
    sign_in(page, live.url, "admin", "/")
    page.goto(live.url + "/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    page.goto(live.url + "/admin/accounts/apitoken/")
    expect(page.locator("#changelist")).to_be_visible()
    page.goto(live.url + "/admin/accounts/user/")
    page.locator("input.action-select").first.check()
    assert violations(page) == []


def test_the_docs_refuse_a_visitor_who_has_not_signed_in(live, open_page):
    page = open_page()
    response = page.goto(live.url + "/api/docs/")
    assert response.status == 403
