"""Follow-up of first-responder alerting per municipality and calendar month.

A callout counts in the month (Europe/Stockholm, settings.TIME_ZONE) it was started in; its
alerts count with it. Times run from the case's registration (Case.registered_at) to the
callout's first alert, first acceptance and first arrival on scene; a callout without that
moment (nobody accepted, nobody arrived) is left out of that median, not counted as zero.
An alert is accepted if it was ever accepted (accepted_at set), even if the responder later
declined or was stood down; alerts of every kind (volunteers and units) count.

The connected municipalities at the end of the month are those whose connection date is
before it and are still connected: a municipality disconnected since is not known to have been
connected then (Municipality keeps only the current connection).
"""

from datetime import datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from . import selectors
from .models import Callout, Municipality, ResponderAlert


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[start, end) of the calendar month in the centre's time zone."""
    if not 1 <= month <= 12:
        raise ValueError("month is 1 to 12")
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, end


def _median_seconds(deltas: list[timedelta]) -> float | None:
    return round(median(d.total_seconds() for d in deltas), 1) if deltas else None


def ivpa_measures(*, year: int, month: int) -> dict:
    start, end = month_bounds(year, month)
    callouts = list(
        Callout.objects.filter(started_at__gte=start, started_at__lt=end)
        .values_list("pk", "municipality_id", "case__registered_at", "first_alert_at",
                     "first_accept_at", "first_arrival_at")
    )
    alerts: dict[int, tuple[int, int]] = {}
    for callout_id, accepted_at in ResponderAlert.objects.filter(
        callout__started_at__gte=start, callout__started_at__lt=end
    ).values_list("callout_id", "accepted_at"):
        total, accepted = alerts.get(callout_id, (0, 0))
        alerts[callout_id] = (total + 1, accepted + (accepted_at is not None))

    month_end = end - timedelta(microseconds=1)
    with_callouts = {row[1] for row in callouts}
    municipalities = Municipality.objects.filter(
        Q(pk__in=with_callouts) | Q(connected_at__isnull=False, connected_at__lte=month_end)
    ).order_by("name")
    rows = []
    for municipality in municipalities:
        own = [c for c in callouts if c[1] == municipality.pk]
        total = sum(alerts.get(c[0], (0, 0))[0] for c in own)
        accepted = sum(alerts.get(c[0], (0, 0))[1] for c in own)

        def since_registration(index: int, own=own) -> list[timedelta]:
            return [c[index] - c[2] for c in own if c[index] is not None]

        rows.append({
            "municipality": municipality.name,
            "code": municipality.code,
            "callouts": len(own),
            "alerts": total,
            "accepted": accepted,
            "acceptance_rate": round(accepted / total, 4) if total else None,
            "median_s_to_first_alert": _median_seconds(since_registration(3)),
            "median_s_to_first_accept": _median_seconds(since_registration(4)),
            "median_s_to_first_arrival": _median_seconds(since_registration(5)),
        })
    return {
        "year": year,
        "month": month,
        "connected_municipalities": selectors.connected_count(),
        "connected_at_month_end": selectors.connected_count(at=month_end),
        "municipalities": rows,
    }
