"""TiB's page (/tib/): who opens it, where TiB lands after signing in (and where the installed
app starts), and what the page hands its scripts: the triage indicators of the server's list in
words, the kinds a region may pledge, the rule's minimum."""

import json
import re

import pytest
from django.test import Client, override_settings

from frontend import views


def page_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def setup_of(html: str) -> dict:
    found = re.search(r'<script id="tib-setup" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page carries its setup"
    return json.loads(found.group(1))


@pytest.mark.parametrize("who", ["tove", "admin"])
def test_tib_and_an_administrator_open_the_screen(demo, who):
    response = page_for(demo.users[who]).get("/tib/")
    assert response.status_code == 200
    assert 'src="/static/frontend/build/tib.js"' in response.content.decode()


@pytest.mark.parametrize("who", ["anna", "sara", "greta", "lars"])
def test_other_roles_are_refused(demo, who):
    assert page_for(demo.users[who]).get("/tib/").status_code == 403


def test_signed_out_goes_to_sign_in():
    response = Client().get("/tib/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_tib_lands_on_her_screen_and_the_app_starts_there(demo):
    assert page_for(demo.users["tove"]).get("/")["Location"] == "/tib/"
    assert views.start_url_for(demo.users["tove"]) == "/tib/"


@override_settings(INCIDENT_TRIAGE_INDICATORS=["cbrne", "no_such_code", "unsafe_scene"],
                   INCIDENT_PLEDGE_MINIMUM=4, LANGUAGE_CODE="en")
def test_the_page_offers_the_configured_indicators_in_words_and_the_pledge_kinds(demo):
    setup = setup_of(page_for(demo.users["tove"]).get("/tib/").content.decode())
    assert [i["code"] for i in setup["indicators"]] == ["cbrne", "unsafe_scene"]
    assert all(i["text"] and i["text"] != i["code"] for i in setup["indicators"])
    assert "ambulance" in [k["code"] for k in setup["pledge_kinds"]]
    assert all(k["text"] != k["code"] for k in setup["pledge_kinds"])
    assert setup["pledge_minimum"] == 4
