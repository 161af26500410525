"""One Chromium per browser-test module (tests/e2e/browser.py); a module may define its own."""

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.browser import chromium_launch


@pytest.fixture(scope="module")
def pw():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(pw):
    chromium = chromium_launch(pw)
    yield chromium
    chromium.close()
