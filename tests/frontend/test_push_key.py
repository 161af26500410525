"""The field screens (crew, mobile care, responder) get the server's Web Push key with their
page, `null` when the server has no push: the page then offers nothing and asks nothing (a 503
from GET /api/push/vapid-public-key/ was an error in its console, best practices in
Lighthouse). The API keeps its documented answers for integrations."""

import re
from pathlib import Path

import pytest
from django.test import Client

from push.vapid import generate_keys

from .test_pages import json_script

ROOT = Path(__file__).resolve().parents[2]
VAPID = generate_keys()
FIELD_SCREENS = {"crew": ("/crew/", "sara"), "mobile": ("/mobile/", "karin"),
                 "responder": ("/responder/", "lars"), "tib": ("/tib/", "tove")}


@pytest.fixture
def keys(settings, tmp_path):
    """Configured keys (the production shape with VAPID_PRIVATE_KEY set)."""
    settings.VAPID_PRIVATE_KEY = VAPID["private_key"]
    settings.VAPID_PUBLIC_KEY = VAPID["public_key"]
    settings.VAPID_FILE = tmp_path / "vapid.json"
    settings.VAPID_AUTO_GENERATE = False
    return settings


@pytest.fixture
def no_keys(keys):
    """The production shape without VAPID_PRIVATE_KEY: push is off."""
    keys.VAPID_PRIVATE_KEY = keys.VAPID_PUBLIC_KEY = ""
    return keys


def opened(demo, who: str) -> Client:
    client = Client()
    client.force_login(demo.users[who])
    return client


@pytest.mark.parametrize("screen", list(FIELD_SCREENS))
def test_a_field_screen_s_page_carries_the_server_s_push_key(demo, keys, screen):
    url, who = FIELD_SCREENS[screen]
    client = opened(demo, who)
    page = json_script(client.get(url).content.decode(), "push")
    assert page == {"key": VAPID["public_key"]}
    assert page["key"] == client.get("/api/push/vapid-public-key/").json()["key"]


@pytest.mark.parametrize("screen", list(FIELD_SCREENS))
def test_without_push_a_field_screen_s_page_says_so_and_still_opens(demo, no_keys, screen):
    url, who = FIELD_SCREENS[screen]
    client = opened(demo, who)
    response = client.get(url)
    assert response.status_code == 200
    assert json_script(response.content.decode(), "push") == {"key": None}
    # For integrations the API answers as documented (README, Push).
    assert client.get("/api/push/vapid-public-key/").status_code == 503


def test_unusable_keys_leave_the_field_screens_working_without_push(demo, keys):
    keys.VAPID_PRIVATE_KEY = "not-a-key"
    response = opened(demo, "sara").get("/crew/")
    assert response.status_code == 200
    assert json_script(response.content.decode(), "push") == {"key": None}


def test_the_embedded_shape_writes_its_key_for_the_first_page(demo, no_keys):
    no_keys.VAPID_AUTO_GENERATE = True
    page = json_script(opened(demo, "karin").get("/mobile/").content.decode(), "push")
    assert no_keys.VAPID_FILE.is_file()
    assert page["key"] and page["key"] != VAPID["public_key"]


@pytest.mark.parametrize("url,who", [("/console/", "anna"), ("/followup/", "greta")])
def test_a_screen_without_push_gets_no_key(demo, keys, url, who):
    assert json_script(opened(demo, who).get(url).content.decode(), "push") is None


def test_no_script_asks_the_server_for_the_key():
    """The page's data is the one way the screens learn it (frontend/src/js/push.js)."""
    request = re.compile(r"""['"`]/api/push/vapid-public-key/""")
    asking = [p.name for p in (ROOT / "frontend/src").rglob("*.js")
              if request.search(p.read_text(encoding="utf-8"))]
    assert asking == []
