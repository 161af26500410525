"""`/api/me/` and the field pages give each followed stream's head, read before the screen
loads its state: a first subscription resumes there instead of loading the state again."""

import pytest

from realtime.selectors import stream_head
from realtime.services import event_publish

pytestmark = pytest.mark.django_db


def test_me_gives_the_head_of_every_stream_followed(api, demo):
    before = stream_head(stream=f"unit.{demo.amb1010.pk}")
    event_publish(stream=f"unit.{demo.amb1010.pk}", type="unit.updated", data={})
    event_publish(stream=f"unit.{demo.amb1010.pk}", type="unit.updated", data={})
    body = api(demo.sara).get("/api/me/").json()
    assert set(body["heads"]) == set(body["streams"])
    assert body["heads"][f"unit.{demo.amb1010.pk}"] == before + 2


def test_a_stream_nothing_was_published_on_has_head_zero(api, demo):
    body = api(demo.lars).get("/api/me/").json()
    assert body["heads"] == {f"responder.{demo.lars.pk}": 0}
