"""`/api/me/`: who the user is, the unit joined for the shift, and the streams the screen
follows from the start, each asked of the app that owns the kind of stream."""

import pytest
from django.core.management import call_command

from crews.models import Unit


@pytest.fixture
def karin_on_mve1500(demo):
    call_command("seed_referrals_demo", stdout=open("/dev/null", "w"))
    return Unit.objects.get(call_sign="MVE 1500")


def me(api, user) -> dict:
    response = api(user).get("/api/me/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("who", ["anna", "admin"])
def test_the_console_follows_cases_units_first_responders_and_incidents(demo, api, who):
    body = me(api, getattr(demo, who))
    # A dispatcher also follows their own monthly feedback's stream (an administrator has none).
    own = [f"feedback.{demo.anna.pk}"] if who == "anna" else []
    assert sorted(body["streams"]) == sorted(["dispatch", "ivpa", "units", "incidents", *own])
    assert body["unit"] is None


def test_a_crew_member_follows_the_unit_joined_and_the_triage_mode(demo, api):
    body = me(api, demo.sara)
    assert body["streams"] == [f"unit.{demo.amb1010.pk}", "incident-mode"]
    assert (body["unit"], body["unit_call_sign"]) == (demo.amb1010.pk, "AMB 1010")


def test_a_crew_member_on_no_unit_follows_only_the_triage_mode(demo, api):
    assert me(api, demo.maria)["streams"] == ["incident-mode"]


def test_mobile_care_staff_follow_their_unit(demo, api, karin_on_mve1500):
    body = me(api, demo.karin)
    assert body["streams"] == [f"unit.{karin_on_mve1500.pk}", "incident-mode"]
    assert body["unit_call_sign"] == "MVE 1500"


def test_a_responder_follows_their_own_alerts_only(demo, api):
    body = me(api, demo.lars)
    assert body["streams"] == [f"responder.{demo.lars.pk}"]
    assert body["role"] == "responder" and body["unit"] is None


def test_tib_follows_the_incidents_only(demo, api):
    body = me(api, demo.tove)
    assert body["streams"] == ["incidents"]
    assert body["role"] == "tib" and body["unit"] is None


def test_a_stranger_is_told_to_sign_in(db, api):
    assert api(None).get("/api/me/").status_code == 403
