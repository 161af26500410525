"""Crew safety on the screens (issue 16): risk notices reach the dispatcher's console and the
crew's tablet only. The volunteer's phone and the mobile care screen carry neither the notices'
words nor their table, and their scripts never ask the notices' API; the console and the crew
tablet get the server's defaults (SAFETY_NOTICE_*) as data."""

import shutil

import pytest
from django.test import Client, override_settings

from tests.frontend.test_pages import ROOT, SCREENS, json_script
from tests.live import command_output

NOTICE_API = "/api/safety/notices"


@pytest.fixture
def page(demo):
    """page(screen) -> its HTML, as its demo user gets it."""

    def open_(screen):
        url, who = SCREENS[screen]
        client = Client()
        client.force_login(demo.users[who])
        response = client.get(url)
        assert response.status_code == 200, (screen, response.status_code)
        return response.content.decode()

    return open_


def bundle(entry: str) -> str:
    """The entry's script as esbuild bundles it (frontend/build.mjs's way, unminified)."""
    node = shutil.which("node")
    assert node is not None and (ROOT / "node_modules" / "esbuild").exists()
    return command_output(
        [str(ROOT / "node_modules" / ".bin" / "esbuild"), f"frontend/src/js/{entry}",
         "--bundle", "--format=esm", "--log-level=error"], what=f"esbuild's bundle of {entry}")


@pytest.mark.parametrize("screen", ["responder", "mobile"])
def test_the_volunteer_and_mobile_care_pages_carry_no_notice_words_or_table(page, screen):
    html = page(screen)
    strings = json_script(html, "i18n") or {}
    tables = json_script(html, "tables") or {}
    assert "safety" not in tables
    assert "safety" not in strings.get("console", {}) and "safety" not in strings.get("crew", {})


@pytest.mark.parametrize("entry", ["responder.js", "mobile.js"])
def test_the_volunteer_and_mobile_care_scripts_never_ask_for_notices(entry):
    assert NOTICE_API not in bundle(entry)


@pytest.mark.parametrize("entry", ["console.js", "crew.js"])
def test_the_console_and_crew_scripts_ask_for_the_case_s_notices(entry):
    assert f"{NOTICE_API}/?case=" in bundle(entry)


@override_settings(SAFETY_NOTICE_DEFAULT_DAYS=90, SAFETY_NOTICE_REVIEW_DAYS=30,
                   SAFETY_NOTICE_MAX_RADIUS_M=500)
def test_the_console_gets_the_notice_defaults_and_the_codes_with_their_words(page):
    html = page("console")
    table = json_script(html, "tables")["safety"]
    assert (table["default_days"], table["review_days"], table["max_radius_m"]) == (90, 30, 500)
    words = json_script(html, "i18n")["console"]["safety"]
    assert set(table["categories"]) == set(words["category"])
    assert set(table["actions"]) == set(words["action"])
    # Swedish by default: a code's words, never the code.
    assert words["category"]["weapon"] != "weapon"


def test_the_crew_tablet_gets_the_report_categories_with_their_words(page):
    html = page("crew")
    table = json_script(html, "tables")["safety"]
    words = json_script(html, "i18n")["crew"]["safety"]
    assert set(table["categories"]) == set(words["category"])
    assert "background" not in words  # the crew never sees a notice's background
