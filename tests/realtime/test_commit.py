"""With real commits (transactional_db): the send waits for the outermost commit."""

import pytest
from django.db import transaction

from realtime.models import Event
from realtime.services import event_publish

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
