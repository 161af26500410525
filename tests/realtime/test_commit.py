"""With real commits (transactional_db): the send waits for the outermost commit."""

import pytest
from django.db import transaction

from realtime.models import Event
from realtime.services import event_publish, events_publish

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_event_is_sent_when_the_outer_transaction_commits(fake_layer):
    with transaction.atomic():
        event_publish(stream="unit.5", type="a", data={})
        with transaction.atomic():
            event_publish(stream="unit.5", type="b", data={})
        assert fake_layer.sent == []
        assert Event.objects.filter(stream="unit.5").count() == 2
    assert [m["event"]["type"] for _, m in fake_layer.sent] == ["a", "b"]
    assert [m["event"]["seq"] for _, m in fake_layer.sent] == [1, 2]


def test_nothing_is_sent_for_a_rolled_back_transaction(fake_layer):
    with pytest.raises(LookupError), transaction.atomic():
        event_publish(stream="unit.5", type="a", data={})
        raise LookupError
    assert fake_layer.sent == []
    assert not Event.objects.exists()
    event_publish(stream="unit.5", type="b", data={})  # outside a transaction: sent at once
    assert [(g, m["event"]["seq"]) for g, m in fake_layer.sent] == [("rt.unit.5", 1)]


def test_a_rolled_back_inner_block_sends_only_what_committed(fake_layer):
    with transaction.atomic():
        event_publish(stream="dispatch", type="kept", data={})
        with pytest.raises(LookupError), transaction.atomic():
            event_publish(stream="dispatch", type="undone", data={})
            raise LookupError
    assert [m["event"]["type"] for _, m in fake_layer.sent] == ["kept"]
    assert list(Event.objects.values_list("type", flat=True)) == ["kept"]


def test_a_batch_numbers_each_stream_on_from_its_last_event(fake_layer):
    event_publish(stream="responder.7", type="earlier", data={})
    with transaction.atomic():
        events = events_publish(events=[
            ("responder.7", "alert.created", {"id": 1}),
            ("responder.8", "alert.created", {"id": 2}),
            ("responder.7", "alert.updated", {"id": 1}),
        ])
        assert len(fake_layer.sent) == 1  # only the event published outside the block
    assert [(e["stream"], e["seq"]) for e in events] == [
        ("responder.7", 2), ("responder.8", 1), ("responder.7", 3)]
    stored = list(Event.objects.order_by("stream", "seq").values_list("stream", "seq", "type"))
    assert stored == [("responder.7", 1, "earlier"), ("responder.7", 2, "alert.created"),
                      ("responder.7", 3, "alert.updated"), ("responder.8", 1, "alert.created")]
    per_stream = [(g, m["event"]["seq"]) for g, m in fake_layer.sent[1:]]
    assert sorted(per_stream) == [("rt.responder.7", 2), ("rt.responder.7", 3),
                                  ("rt.responder.8", 1)]
    sevens = [seq for g, seq in per_stream if g == "rt.responder.7"]
    assert sevens == [2, 3]  # one stream's events leave in order
    assert event_publish(stream="responder.8", type="next", data={})["seq"] == 2


def test_a_rolled_back_batch_sends_and_keeps_nothing(fake_layer):
    with pytest.raises(LookupError), transaction.atomic():
        events_publish(events=[("unit.5", "a", {}), ("unit.6", "b", {})])
        raise LookupError
    assert fake_layer.sent == []
    assert not Event.objects.exists()
    assert events_publish(events=[("unit.5", "c", {})])[0]["seq"] == 1


def test_a_batch_that_cannot_be_sent_is_kept_for_replay(fake_layer):
    fake_layer.fail = True
    events = events_publish(events=[("unit.5", "a", {}), ("unit.6", "b", {})])
    assert [e["seq"] for e in events] == [1, 1]
    assert Event.objects.count() == 2
