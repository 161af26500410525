"""Personas of first-responder alerting (from `seed_ivpa_demo`, around Stora torget in
Västerås where the test cases are):
- lars, eva, nils: volunteers within 1 km; olle: a volunteer about 1.6 km away.
- rtj2110: the fire/rescue unit at its station in Västerås.
- Västerås is connected (Sala is not); three defibrillators near the square.
"""

from types import SimpleNamespace

import pytest
from django.core.management import call_command

from ivpa.models import Municipality, Responder


@pytest.fixture
def ivpa(demo):
    call_command("seed_ivpa_demo", stdout=open("/dev/null", "w"))
    responders = {r.user.username: r for r in Responder.objects.select_related("user")}
    return SimpleNamespace(
        lars=responders["lars"], eva=responders["eva"], nils=responders["nils"],
        olle=responders["olle"], rtj2110=responders["rtj2110"],
        vasteras=Municipality.objects.get(name="Västerås"),
        sala=Municipality.objects.get(name="Sala"),
        responders=responders,
    )


ARREST = {"municipality": "Västerås", "case_type": "cardiac_arrest", "complaint": "Hjärtstopp"}


@pytest.fixture
def arrest(new_case, ivpa):
    """arrest(**fields) -> a priority 1A cardiac arrest at Stora torget, Västerås."""

    def make(**overrides):
        return new_case(**{**ARREST, **overrides})

    return make


@pytest.fixture
def arrest_uncommitted(demo, ivpa, django_capture_on_commit_callbacks):
    """arrest_uncommitted() -> (case, callbacks): the same arrest registered, with what runs
    after its commit (IVPA's start among it) held back: the test runs them, or not."""
    from dispatch.services import case_register
    from tests.conftest import case_payload

    def make():
        data = {**case_payload(demo.vml, **ARREST), "region": demo.vml}
        with django_capture_on_commit_callbacks() as after_commit:
            case = case_register(by=demo.anna, **data)
        return case, after_commit

    return make

