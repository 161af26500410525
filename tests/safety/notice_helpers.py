"""Risk notices for the tests: places in Västerås near the world's cases (Stora torget 1)."""

from datetime import timedelta

from django.utils import timezone

from safety.services.notices import notice_create

# Vasagatan 12, Västerås: about 300 m from Stora torget 1 (the world's case).
VASAGATAN = ("Vasagatan 12, Västerås", 59.6118, 16.5405)
PERSON = "19121212-1212"  # the world's patient (tests.conftest.case_payload)


def notice_payload(region, **overrides) -> dict:
    payload = {
        "address": VASAGATAN[0], "latitude": VASAGATAN[1], "longitude": VASAGATAN[2],
        "radius_m": 0, "category": "weapon", "action": "police_first",
        "valid_until": (timezone.now() + timedelta(days=90)).isoformat(),
        "background": "Polisen: kniv i lägenheten vid förra besöket.",
        "region": region.pk,
    }
    payload.update(overrides)
    return payload


def notice_new(demo, **overrides):
    """A notice entered by anna (active unless `state` says otherwise)."""
    data = notice_payload(demo.vml, **overrides)
    from datetime import datetime

    if isinstance(data["valid_until"], str):
        data["valid_until"] = datetime.fromisoformat(data["valid_until"])
    return notice_create(by=demo.anna, **data)
