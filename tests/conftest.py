"""Personas and helpers shared by the suite.

Personas (from the demo data, `seed_demo`):
- anna: dispatcher at the centre.
- sara: crew member, joined to AMB 1010 (Västerås).
- johan: crew member, joined to AMB 3010 (Uppsala): the "other unit".
- maria: crew member on no unit.
- lars: first responder (volunteer).
- karin: mobile care staff.
- admin: administrator.
"""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import User
from crews.models import Region, Unit
from crews.services import crew_join


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))
    users = {u.username: u for u in User.objects.all()}
    units = {u.call_sign: u for u in Unit.objects.all()}
    crew_join(user=users["sara"], unit=units["AMB 1010"])
    crew_join(user=users["johan"], unit=units["AMB 3010"])
    return SimpleNamespace(
        anna=users["anna"], sara=users["sara"], johan=users["johan"], maria=users["maria"],
        lars=users["lars"], karin=users["karin"], admin=users["admin"],
        amb1010=units["AMB 1010"], amb1020=units["AMB 1020"], amb3010=units["AMB 3010"],
        amb4010=units["AMB 4010"],
        vml=Region.objects.get(code="VML"), upp=Region.objects.get(code="UPP"),
        srm=Region.objects.get(code="SRM"), users=users, units=units,
    )


@pytest.fixture
def api():
    """api(user) -> an APIClient signed in as `user` (or anonymous with None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


def case_payload(region, **overrides) -> dict:
    payload = {
        "region": region.pk,
        "caller_number": "+46701234567",
        "address": "Stora torget 1, Västerås",
        "latitude": 59.6099,
        "longitude": 16.5448,
        "complaint": "Bröstsmärta",
        "mbs_priority": "1A",
        "priority": "1A",
        "personal_identity_number": "19121212-1212",
        "patient_name": "Tolvan Tolvansson",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def new_case(demo):
    """new_case(**fields) -> a registered case (by anna)."""
    from dispatch.services import case_register

    def make(**overrides):
        data = case_payload(demo.vml, **overrides)
        data["region"] = Region.objects.get(pk=data["region"])
        return case_register(by=demo.anna, **data)

    return make


@pytest.fixture(autouse=True)
def english_messages(settings):
    """Assertions read the English source messages; Swedish, the product's default, is
    checked on its own in tests/core/test_language.py."""
    settings.LANGUAGE_CODE = "en"
