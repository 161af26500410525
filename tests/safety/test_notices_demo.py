"""The demo's risk notices: made once, kept on a second run, and none of them matches the
world's case at Stora torget 1 (the other demo flows stay as they were)."""

import io

import pytest
from django.core.management import call_command

from safety.demo import DEMO_PERSON_PIN
from safety.models import NoticeMatch, RiskNotice
from safety.services.matching import notices_matching

pytestmark = pytest.mark.django_db


def test_the_demo_seed_is_idempotent_and_says_what_it_did(demo, new_case):
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_safety_demo", stdout=first)
    call_command("seed_safety_demo", stdout=second)
    assert first.getvalue().startswith("Risk notices: 3 made, 0 kept")
    assert second.getvalue().startswith("Risk notices: 0 made, 3 kept")
    assert len(first.getvalue().strip().splitlines()) == 1
    assert RiskNotice.objects.count() == 3
    assert not NoticeMatch.objects.filter(case=new_case()).exists()


def test_the_demo_notices_match_their_address_radius_and_person(demo):
    call_command("seed_safety_demo", stdout=io.StringIO())
    assert [f.reasons for f in notices_matching(
        latitude=59.6170, longitude=16.5716, address="")] == [["radius"]]
    assert [f.reasons for f in notices_matching(
        latitude=59.6225, longitude=16.5461, address="Skultunavägen 9")] == [["address"]]
    assert [f.reasons for f in notices_matching(
        latitude=None, longitude=None, personal_identity_number=DEMO_PERSON_PIN)] == [
        ["person"]]
