"""One Chromium and one live product per browser-test module (tests/e2e/browser.py,
tests/live.py), and `open_page(viewport)`: a page in a fresh context. A module may define its
own (a product with other settings, a page with other defaults)."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.browser import chromium_launch, pages_open
from tests.live import LiveProduct

# A loaded, shared 2-core machine: every expectation waits up to 30 s for its condition
# (Playwright's default is 5 s): another browser's socket, a worker's round trip; a test that
# needs longer says so. A wait ends as soon as its condition holds.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def pw():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(pw):
    chromium = chromium_launch(pw)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def live():
    product = LiveProduct().start()
    yield product
    product.stop()


@pytest.fixture
def open_page(browser):
    """open_page(viewport) -> a page in a fresh context (its own cookies and storage); the
    test fails on a JavaScript error on any of them."""
    with pages_open(browser, timeout_ms=10000) as pages:
        yield pages.open
