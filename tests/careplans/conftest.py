from datetime import timedelta

import pytest
from django.utils import timezone

from careplans.services import care_plan_create

PIN = "19121212-1212"  # the world's patient (tests.conftest.case_payload)
PHONE = "+46701234567"  # the world's caller


def plan_payload(**overrides) -> dict:
    today = timezone.localdate()
    payload = {
        "personal_identity_number": PIN,
        "phones": ["070-123 45 67"],
        "person_name": "Tolvan Tolvansson",
        "care_unit": "Västerås mobila team",
        "valid_from": str(today - timedelta(days=10)),
        "valid_to": str(today + timedelta(days=180)),
        "review_date": str(today + timedelta(days=90)),
        "consent_recorded_by": "Eva Lind, sjuksköterska",
        "consent_recorded_at": str(today - timedelta(days=11)),
        "consent_method": "written",
        "dispatcher_instructions": "Ring mobila teamet först: 070-174 06 78.",
        "contact": "Mobila teamet 070-174 06 78",
        "crew_instructions": "Hemsyrgas 2 l/min, höj inte över 4.",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def new_plan(demo):
    """new_plan(**fields) -> a care plan written by the administrator."""
    from datetime import date

    def make(**overrides):
        data = plan_payload(**overrides)
        for name in ("valid_from", "valid_to", "review_date", "consent_recorded_at"):
            data[name] = date.fromisoformat(data[name])
        return care_plan_create(by=demo.admin, **data)

    return make
