"""Stream names, and who may follow which stream."""

import pytest

from realtime.registry import may_subscribe
from realtime.schema import (
    InvalidStreamName,
    group_name,
    stream_kind,
    stream_name,
    validate_stream_name,
)


@pytest.mark.parametrize("name", ["dispatch", "units", "unit.12", "unit.12.tablet",
                                  "user-feed.a-b.C.9", "a" * 90])
def test_valid_stream_names(name):
    assert validate_stream_name(name) == name
    assert group_name(name) == "rt." + name and len(group_name(name)) < 100


@pytest.mark.parametrize("name", ["", ".unit", "unit.", "Unit", "9unit", "unit..1", "a.b.c.d.e",
                                  "unit 1", "unit/1", "a" * 91, None, 12, ["unit.1"]])
def test_invalid_stream_names(name):
    with pytest.raises(InvalidStreamName):
        validate_stream_name(name)


def test_stream_name_builds_and_validates():
    assert stream_name("unit", 12) == "unit.12"
    assert stream_kind("unit.12.tablet") == "unit" and stream_kind("dispatch") == "dispatch"
    with pytest.raises(InvalidStreamName):
        stream_name("unit", "a b")


# Who may follow what: personas × streams (sara is on AMB 1010, johan on AMB 3010).
FOLLOW = {
    #         own unit, other unit, units, dispatch, unknown kind
    "anna": (True, True, True, True, False),
    "admin": (True, True, True, True, False),
    "sara": (True, False, False, False, False),
    "johan": (False, True, False, False, False),
    "maria": (False, False, False, False, False),
    "lars": (False, False, False, False, False),
    "karin": (False, False, False, False, False),
}


@pytest.mark.parametrize("who", list(FOLLOW))
def test_who_may_follow_which_stream(demo, who):
    streams = [f"unit.{demo.amb1010.pk}", f"unit.{demo.amb3010.pk}", "units", "dispatch",
               f"user.{demo.sara.pk}"]
    user = getattr(demo, who)
    assert tuple(may_subscribe(user, s) for s in streams) == FOLLOW[who]


def test_a_crew_member_who_leaves_the_unit_may_no_longer_follow_it(demo):
    from crews.services import crew_leave

    stream = f"unit.{demo.amb1010.pk}"
    assert may_subscribe(demo.sara, stream)
    crew_leave(user=demo.sara)
    assert not may_subscribe(demo.sara, stream)


def test_anonymous_may_follow_nothing(demo):
    from django.contrib.auth.models import AnonymousUser

    for stream in ("dispatch", "units", f"unit.{demo.amb1010.pk}"):
        assert not may_subscribe(AnonymousUser(), stream)
        assert not may_subscribe(None, stream)
