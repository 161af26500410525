"""Publishing: persisted in the caller's transaction, sent after commit, gap-free per stream."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from realtime import selectors
from realtime.models import Event, Stream
from realtime.schema import InvalidStreamName
from realtime.services import event_publish, events_purge


def seqs(stream):
    return list(Event.objects.filter(stream=stream).order_by("seq").values_list("seq",
                                                                               flat=True))


def test_an_event_is_stored_before_it_is_sent_and_sent_on_commit(
    db, fake_layer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        wire = event_publish(stream="unit.7", type="assignment.created", data={"id": 1})
        stored = Event.objects.get(stream="unit.7")
        assert fake_layer.sent == []  # not before the transaction commits
    assert (stored.seq, stored.type, stored.data, stored.version) == (
        1, "assignment.created", {"id": 1}, 1)
    assert wire == {"v": 1, "stream": "unit.7", "seq": 1, "type": "assignment.created",
                    "at": stored.created_at.isoformat(), "data": {"id": 1}}
    assert len(callbacks) == 1
    callbacks[0]()
    [(group, message)] = fake_layer.sent
    assert group == "rt.unit.7"
    assert message["type"] == "rt.event" and message["event"] == wire
    assert json.loads(message["text"]) == {"op": "event", "event": wire}


def test_nothing_is_sent_or_stored_when_the_transaction_rolls_back(
    db, fake_layer, django_capture_on_commit_callbacks
):
    event_publish(stream="dispatch", type="case.created", data={})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            event_publish(stream="dispatch", type="case.updated", data={})
            raise RuntimeError("the service failed after publishing")
    assert callbacks == []
    assert fake_layer.sent == []
    assert seqs("dispatch") == [1]
    assert Stream.objects.get(name="dispatch").last_seq == 1


def test_sequence_numbers_have_no_gaps_per_stream_even_after_a_rollback(db, fake_layer):
    for stream in ("unit.1", "dispatch", "unit.1", "unit.1", "dispatch"):
        event_publish(stream=stream, type="t", data={})
    with pytest.raises(ValueError), transaction.atomic():
        event_publish(stream="unit.1", type="lost", data={})
        raise ValueError
    event_publish(stream="unit.1", type="t", data={})
    assert seqs("unit.1") == [1, 2, 3, 4]
    assert seqs("dispatch") == [1, 2]
    assert dict(Stream.objects.values_list("name", "last_seq")) == {"unit.1": 4, "dispatch": 2}


@pytest.mark.parametrize("name", ["", "Unit.1", "unit..1", "unit.1.2.3.4", "unit 1", "x" * 91,
                                  None, 5, "1unit", "unit.ä"])
def test_an_invalid_stream_name_is_refused_and_nothing_stored(db, fake_layer, name):
    with pytest.raises(InvalidStreamName):
        event_publish(stream=name, type="t", data={})
    assert not Event.objects.exists() and not Stream.objects.exists()


def test_a_send_that_fails_is_logged_and_the_event_kept(db, fake_layer, caplog,
                                                        django_capture_on_commit_callbacks):
    fake_layer.fail = True
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(stream="unit.3", type="t", data={})
    assert seqs("unit.3") == [1]
    assert "Could not send event unit.3#1" in caplog.text


def test_old_events_are_purged_and_recent_ones_kept(db, fake_layer, settings):
    for _ in range(3):
        event_publish(stream="unit.1", type="t", data={})
    old = timezone.now() - timedelta(days=settings.EVENT_RETENTION_DAYS, minutes=1)
    Event.objects.filter(seq__in=[1, 2]).update(created_at=old)
    assert events_purge() == 2
    assert seqs("unit.1") == [3]
    assert Stream.objects.get(name="unit.1").last_seq == 3  # the head stays
    assert events_purge(older_than_days=0) == 1


def test_the_purge_timer_purges_and_schedules_itself_again(db, fake_layer):
    from realtime.timers import PURGE_KIND, purge
    from timers.models import Timer

    assert PURGE_KIND == "realtime.purge_events"  # stored in timer rows: never renamed
    event_publish(stream="unit.1", type="t", data={})
    Event.objects.update(created_at=timezone.now() - timedelta(days=30))
    Timer.objects.filter(kind=PURGE_KIND).delete()
    purge(None)
    assert not Event.objects.exists()
    [timer] = Timer.objects.filter(kind=PURGE_KIND, state="pending")
    assert timer.due_at > timezone.now() + timedelta(minutes=59)


# --- replay selectors ----------------------------------------------------------------------


@pytest.fixture
def ten_events(db, fake_layer):
    for n in range(1, 11):
        event_publish(stream="unit.9", type=f"t{n}", data={"n": n})


def test_events_after_gives_exactly_the_later_events_in_order(ten_events):
    assert [e["seq"] for e in selectors.events_after(stream="unit.9", after=6)] == [7, 8, 9, 10]
    assert [e["seq"] for e in selectors.events_after(stream="unit.9", after=0, limit=3)] == [
        1, 2, 3]
    assert selectors.events_after(stream="unit.9", after=10) == []
    assert selectors.events_after(stream="unit.404", after=0) == []
    first = selectors.events_after(stream="unit.9", after=0)[0]
    assert set(first) == {"v", "stream", "seq", "type", "at", "data"}


def test_stream_head(ten_events):
    assert selectors.stream_head(stream="unit.9") == 10
    assert selectors.stream_head(stream="unit.404") == 0


def test_replay_is_complete_until_the_history_is_purged(ten_events):
    assert selectors.replay_is_complete(stream="unit.9", after=0)
    assert selectors.replay_is_complete(stream="unit.9", after=10)
    assert selectors.replay_is_complete(stream="unit.9", after=15)
    Event.objects.filter(stream="unit.9", seq__lte=4).delete()
    assert not selectors.replay_is_complete(stream="unit.9", after=0)
    assert not selectors.replay_is_complete(stream="unit.9", after=3)
    assert selectors.replay_is_complete(stream="unit.9", after=4)
    Event.objects.filter(stream="unit.9").delete()
    assert not selectors.replay_is_complete(stream="unit.9", after=5)
    assert selectors.replay_is_complete(stream="unit.9", after=10)
