"""The follow-up screen's page (/followup/): who opens it, where the manager lands after
signing in, what it starts from (the current tertial, the last full one, last month), and what
a dispatcher's page leaves out (the import, the target form)."""

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from followup.measures.periods import Tertial, tertial_of
from frontend import views
from frontend.views import followup_setup


def page_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def setup_of(html: str) -> dict:
    found = re.search(r'<script id="followup-setup" type="application/json">(.*?)</script>',
                      html, re.S)
    assert found, "the page carries its setup"
    return json.loads(found.group(1))


@pytest.mark.parametrize("who", ["anna", "greta", "admin"])
def test_dispatchers_the_manager_and_an_administrator_open_the_screen(demo, who):
    response = page_for(demo.users[who]).get("/followup/")
    assert response.status_code == 200
    assert 'src="/static/frontend/build/followup.js"' in response.content.decode()


@pytest.mark.parametrize("who", ["sara", "lars", "karin", "ulla"])
def test_other_roles_are_refused_as_on_every_other_screen(demo, who):
    assert page_for(demo.users[who]).get("/followup/").status_code == 403


def test_signed_out_it_asks_to_sign_in(db):
    response = Client().get("/followup/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_manager_lands_on_the_follow_up_and_a_dispatcher_on_the_console(demo):
    assert page_for(demo.greta).get("/")["Location"] == "/followup/"
    assert page_for(demo.anna).get("/")["Location"] == "/console/"
    assert views.start_url_for(demo.greta) == "/followup/"


def test_the_console_links_to_the_follow_up(demo):
    html = page_for(demo.anna).get("/console/").content.decode()
    assert 'href="/followup/"' in html


def test_a_dispatcher_reads_and_the_manager_also_edits_and_imports(demo):
    anna = page_for(demo.anna).get("/followup/").content.decode()
    greta = page_for(demo.greta).get("/followup/").content.decode()
    assert setup_of(anna)["manager"] is False and setup_of(greta)["manager"] is True
    assert setup_of(anna)["user"] == demo.anna.pk
    for html in (anna, greta):
        for tab in ("measures", "targets", "stations", "feedback"):
            assert f'id="tab-{tab}"' in html
    assert 'id="tab-import"' not in anna and 'id="target-form"' not in anna
    assert 'id="tab-import"' in greta and 'id="target-form"' in greta
    # The dispatcher goes back to the console from the top bar; the manager has none.
    assert 'href="/console/"' in anna and 'href="/console/"' not in greta


STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_the_screen_uses_the_follow_ups_tertials():
    """One tertial arithmetic (followup.measures.periods), not a copy in the screen's view."""
    assert views.tertial_of is tertial_of and not hasattr(views, "tertial_days")
    assert Tertial(2026, 3).previous() == Tertial(2026, 2)
    assert (Tertial(2026, 3).first_day, Tertial(2026, 3).last_day) == (
        date(2026, 9, 1), date(2026, 12, 31))


def test_the_screen_starts_from_this_tertial_the_last_full_one_and_last_month(demo, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 2, 10, 12, tzinfo=STOCKHOLM))
    setup = followup_setup(demo.anna)
    assert (setup["year"], setup["tertial"]) == (2027, 1)
    assert (setup["stations_from"], setup["stations_to"]) == ("2026-09-01", "2026-12-31")
    assert setup["month"] == "2027-01" and setup["today"] == "2027-02-10"
    assert setup["years"][0] == 2027
    assert {r["code"] for r in setup["regions"]} == {"VML", "UPP", "SRM"}
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 6, 1, 0, 30, tzinfo=STOCKHOLM))
    setup = followup_setup(demo.greta)
    assert (setup["year"], setup["tertial"]) == (2026, 2)
    assert (setup["stations_from"], setup["stations_to"]) == ("2026-01-01", "2026-04-30")
    assert setup["month"] == "2026-05"


def test_the_tertial_picker_starts_on_this_tertial(demo):
    html = page_for(demo.greta).get("/followup/").content.decode()
    current = tertial_of(timezone.now())
    year, tertial = current.year, current.tertial
    assert re.search(rf'<option value="{year}" selected>', html)
    assert re.search(rf'<option value="{tertial}" selected>', html)
