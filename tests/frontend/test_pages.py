"""What each screen's page carries for its scripts: the string groups (frontend.strings) and
the domain tables (frontend.tables) its view names and no others, every string key and table
its built script asks for (read from the bundle by tests/frontend/js_keys.mjs), and nothing its
script never asks for."""

import json
import re
import shutil
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from dispatch.statemachine import STATUS_RANK
from frontend.strings import GROUPS, strings_for
from frontend.tables import page_tables
from places.search import QUERY_MIN_CHARS
from referrals.news2 import chart_table
from tests.live import command_output

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = re.compile(r'<script type="module" src="/static/frontend/build/([\w-]+\.js)"')

# Each screen: its address and who opens it (a demo user; None: signed out; "": a user whose
# role has no screen yet).
SCREENS = {
    "console": ("/console/", "anna"),
    "crew": ("/crew/", "sara"),
    "responder": ("/responder/", "lars"),
    "mobile": ("/mobile/", "karin"),
    "tib": ("/tib/", "tove"),
    "followup": ("/followup/", "greta"),
    "followup_dispatcher": ("/followup/", "anna"),
    "register": ("/responder/register/", None),
    "placeholder": ("/", ""),
}


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>',
                      html, re.S)
    return None if match is None else json.loads(match.group(1))


SCRIPTS = ("page.js", "crew.js", "console.js", "responder.js", "register.js", "mobile.js",
           "followup.js", "tib.js")


@pytest.fixture
def page(demo):
    """page(screen) -> (its HTML, the script it loads)."""

    def open_(screen):
        url, who = SCREENS[screen]
        client = Client()
        if who == "":
            client.force_login(User.objects.create(username="no-screen", role=""))
        elif who is not None:
            client.force_login(demo.users[who])
        response = client.get(url)
        assert response.status_code == 200, (screen, response.status_code)
        html = response.content.decode()
        return html, SCRIPT.search(html).group(1)

    return open_


@pytest.fixture(scope="module")
def asks():
    """{script: {"keys", "prefixes", "tables"}}: what each page's built script asks for."""
    node = shutil.which("node")
    # make test installs both (scripts/test.sh): missing, this is a failure, not a skip.
    assert node is not None and (ROOT / "node_modules" / "esbuild").exists(), (
        "tests/frontend/test_pages.py needs node and the npm packages: run make test (npm ci)")
    return json.loads(command_output([node, "tests/frontend/js_keys.mjs", *SCRIPTS],
                                     what="the keys the built scripts ask for"))


def groups_on(strings: dict) -> set[str]:
    """The groups of frontend.strings a page's strings hold."""
    found = set()
    for name in GROUPS:
        node = strings
        for part in name.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            found.add(name)
    return found


def group_of(key: str) -> str | None:
    """The group a key belongs to: the longest group name that starts its path."""
    parts = key.rstrip(".").split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in GROUPS:
            return ".".join(parts[:n])
    return None


def lookup(strings: dict, key: str):
    node = strings
    for part in key.rstrip(".").split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


@pytest.mark.parametrize("screen", SCREENS)
def test_a_page_carries_exactly_the_groups_its_script_asks_for(page, asks, screen):
    html, script = page(screen)
    strings = json_script(html, "i18n") or {}
    asked = asks[script]
    used = {group_of(k) for k in asked["keys"] + asked["prefixes"]}
    assert None not in used, [k for k in asked["keys"] + asked["prefixes"] if group_of(k) is None]
    given = groups_on(strings)
    assert given - used == set(), f"{screen}: given but never asked for (drop from the view)"
    assert used - given == set(), f"{screen}: asked for but not given (name it in the view)"
    # The groups come whole, as frontend.strings makes them.
    assert strings == strings_for(given)


def is_text(node) -> bool:
    """A string, or a count string's plural forms (frontend.strings.common.plural)."""
    return isinstance(node, str) or (isinstance(node, dict) and set(node) == {"one", "other"}
                                     and all(isinstance(v, str) for v in node.values()))


@pytest.mark.parametrize("screen", SCREENS)
def test_every_key_a_script_asks_for_is_on_its_page(page, asks, screen):
    html, script = page(screen)
    strings = json_script(html, "i18n") or {}
    asked = asks[script]
    missing = [k for k in asked["keys"] if not is_text(lookup(strings, k))]
    missing += [p for p in asked["prefixes"] if not isinstance(lookup(strings, p), dict)]
    assert missing == [], f"{screen} ({script}) would show these keys as they are"


def test_a_screen_gets_no_other_screen_s_strings(page):
    on = {screen: groups_on(json_script(page(screen)[0], "i18n") or {}) for screen in SCREENS}
    assert not on["crew"] & {"console", "mobile", "responder", "referral", "ivpa", "priority"}
    assert not on["responder"] & {"console", "crew", "mobile", "referral", "status", "kind"}
    assert not on["mobile"] & {"console", "crew", "responder", "ivpa", "status"}
    assert on["register"] <= {"error", "offline", "time"}
    assert on["placeholder"] <= {"offline", "time"}
    assert on["followup"] == on["followup_dispatcher"]
    assert not on["followup"] & {"console", "crew", "mobile", "responder", "referral", "status"}
    assert {"console.ivpa", "console.images", "console.referrals", "referral"} <= on["console"]


@pytest.mark.parametrize("screen", SCREENS)
def test_a_page_carries_exactly_the_tables_its_script_reads(page, asks, screen):
    html, script = page(screen)
    tables = json_script(html, "tables") or {}
    assert sorted(tables) == asks[script]["tables"]
    assert tables == json.loads(json.dumps(page_tables(tables)))


def test_the_tables_are_the_server_s_rules(page):
    console = json_script(page("console")[0], "tables")
    assert console["news2"] == json.loads(json.dumps(chart_table()))
    assert console["assignment"]["rank"] == STATUS_RANK
    assert console["assignment"]["active"] == [
        "alerted", "acknowledged", "en_route", "at_staging", "on_scene", "transporting",
        "at_hospital"]
    assert console["assignment"]["staging_step"]["en_route"] == "at_staging"
    assert "at_staging" not in console["assignment"]["staging_step"]  # waits for the release
    assert console["priority"] == {
        "rank": {"1A": 0, "1B": 1, "2A": 2, "2B": 3, "3": 4, "referral": 5},
        "priority_one": ["1A", "1B"]}
    assert console["alert"]["engaged"] == ["accepted", "arrived"]
    assert console["places"] == {"query_min_chars": QUERY_MIN_CHARS}
    assert json_script(page("crew")[0], "tables")["assignment"] == console["assignment"]
    assert json_script(page("mobile")[0], "tables")["news2"] == console["news2"]
    assert json_script(page("responder")[0], "tables")["alert"] == console["alert"]
    assert console["alert"]["rank"] == {"alerted": 0, "accepted": 1, "declined": 1, "arrived": 2,
                                        "not_needed": 3, "stood_down": 3}


@pytest.mark.parametrize("url", ["/login/", "/offline/"])
def test_the_pages_without_a_user_carry_only_the_offline_banner_s_strings(client, url):
    """Both are kept by the service worker and shown without network, banner included: its
    words, never its keys ("offline.title")."""
    html = client.get(url).content.decode()
    strings = json_script(html, "i18n")
    assert groups_on(strings) == {"offline"}
    assert strings["offline"]["title"] == "No network"
    assert json_script(html, "tables") is None
