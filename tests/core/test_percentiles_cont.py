"""PercentilesCont: several percentiles of a group in one pass, each equal to PercentileCont's
(PostgreSQL's percentile_cont), in both shapes, with a filter and for an empty group."""

from datetime import timedelta

import pytest
from django.db.models import F, Q
from django.utils import timezone

from core.aggregates import PercentileCont, PercentilesCont, SecondsBetween, percentile_cont
from dispatch.models import Call


@pytest.mark.django_db
def test_percentiles_in_one_pass_equal_each_percentile_alone():
    start = timezone.now().replace(microsecond=0)
    waits = [4, 9, 2, 30, 8, 8, 15]
    for i, wait in enumerate(waits):
        Call.objects.create(call_id=f"many-{i}", prioritised=i % 2 == 0, queued_at=start,
                            answered_at=start + timedelta(seconds=wait))
    wait = SecondsBetween(F("answered_at"), F("queued_at"))
    figures = Call.objects.aggregate(
        both=PercentilesCont(wait, (0.5, 0.9)), median=PercentileCont(wait, 0.5),
        p90=PercentileCont(wait, 0.9),
        prioritised=PercentilesCont(wait, (0.9, 0.25), filter=Q(prioritised=True)),
        none=PercentilesCont(wait, (0.5, 0.9), filter=Q(line="no such line")))
    assert figures["both"] == pytest.approx([figures["median"], figures["p90"]])
    assert figures["both"] == pytest.approx([8.0, percentile_cont(waits, 0.9)])
    even = [w for i, w in enumerate(waits) if i % 2 == 0]
    assert figures["prioritised"] == pytest.approx(
        [percentile_cont(even, 0.9), percentile_cont(even, 0.25)])
    assert figures["none"] is None


def test_a_fraction_outside_0_to_1_is_refused():
    with pytest.raises(ValueError):
        PercentilesCont(F("id"), (0.5, 1.5))
    with pytest.raises(ValueError):
        PercentilesCont(F("id"), ())
