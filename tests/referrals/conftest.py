"""Personas of referrals (from `seed_referrals_demo`, after `seed_demo`):
- anna: dispatcher.
- karin: mobile care staff, joined to MVE 1500 (Västerås, Hallstahammar).
- mats: mobile care staff, joined to MVE 3500 (Uppsala): the "other unit".
- sara (crew) and lars (responder) see no referral.
Both units are made open around the clock here, so a test does not depend on the hour.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from crews.models import Unit
from referrals import services
from referrals.models import MobileCareProfile


@pytest.fixture
def care(demo):
    call_command("seed_referrals_demo", stdout=open("/dev/null", "w"))
    MobileCareProfile.objects.update(opening_hours="24/7")
    return SimpleNamespace(
        karin=User.objects.get(username="karin"), mats=User.objects.get(username="mats"),
        mve1500=Unit.objects.get(call_sign="MVE 1500"),
        mve3500=Unit.objects.get(call_sign="MVE 3500"),
    )


def handover(**overrides) -> dict:
    data = {"reason": "Feber och sveda vid miktion, kateterbärare",
            "assessment": "Stabil, misstänkt UVI. Behöver kateterbyte och odling.",
            "respiratory_rate": 16, "spo2": 96, "on_oxygen": False, "systolic_bp": 135,
            "pulse": 88, "consciousness": "A", "temperature": 38.2}
    data.update(overrides)
    return data


def referral_payload(case, unit, **overrides) -> dict:
    payload = {"case": case.pk, "unit": unit.pk, "line": "cold",
               "deadline": (timezone.now() + timedelta(hours=4)).isoformat(),
               "callback_number": "070-123 45 67", "handover": handover(),
               "skills": ["catheter_care"]}
    payload.update(overrides)
    return payload


@pytest.fixture
def referral_case(new_case):
    """referral_case(**fields) -> a case in Västerås fit for a referral (priority referral)."""

    def make(**overrides):
        fields = {"municipality": "Västerås", "priority": "referral",
                  "mbs_priority": "referral", "complaint": "Feber, kateter",
                  **overrides}
        return new_case(**fields)

    return make


@pytest.fixture
def send(demo, care, referral_case):
    """send(case=None, unit=None, **fields) -> a referral sent by anna (to MVE 1500)."""

    def make(case=None, unit=None, **fields):
        args = {"line": "cold", "deadline": timezone.now() + timedelta(hours=4),
                "callback_number": "070-123 45 67", "handover": handover(),
                "skills": ["catheter_care"], **fields}
        return services.referral_send(case=case or referral_case(), unit=unit or care.mve1500,
                                      by=demo.anna, **args)

    return make

