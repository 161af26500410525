"""The database's percentile and duration are the stated definition (PostgreSQL's
percentile_cont), in both shapes."""

from datetime import timedelta

import pytest
from django.db.models import F, Q
from django.utils import timezone

from core.aggregates import PercentileCont, SecondsBetween, percentile_cont
from dispatch.models import Call


def test_percentile_cont_interpolates_between_the_nearest_ranks():
    assert percentile_cont([10, 20, 30, 40], 0.5) == 25
    assert percentile_cont([40, 10, 30, 20], 0.9) == pytest.approx(37.0)
    assert percentile_cont([7], 0.9) == 7
    assert percentile_cont([], 0.5) is None


@pytest.mark.django_db
def test_the_database_gives_the_same_median_and_p90_with_a_filter():
    start = timezone.now().replace(microsecond=0)
    for i, wait in enumerate([4, 9, 2, 30, 8, 8]):
        Call.objects.create(call_id=f"agg-{i}", prioritised=i != 3, queued_at=start,
                            answered_at=start + timedelta(seconds=wait))
    Call.objects.create(call_id="agg-unanswered", prioritised=True, queued_at=start)
    wait = SecondsBetween(F("answered_at"), F("queued_at"))
    figures = Call.objects.aggregate(
        median=PercentileCont(wait, 0.5), p90=PercentileCont(wait, 0.9),
        prioritised=PercentileCont(wait, 0.5, filter=Q(prioritised=True)),
        none=PercentileCont(wait, 0.5, filter=Q(line="no such line")))
    assert figures["median"] == pytest.approx(8.0)
    assert figures["p90"] == pytest.approx(percentile_cont([4, 9, 2, 30, 8, 8], 0.9))
    assert figures["prioritised"] == pytest.approx(8.0)
    assert figures["none"] is None
