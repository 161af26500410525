"""The follow-up measures of seed 000 §3, computed from the centre's own records, per region
and *tertial* (four-month period: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec)."""

from datetime import datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import (
    PRIORITY_ONE,
    PRIORITY_TWO,
    Assignment,
    AssignmentStatus,
    Case,
    Priority,
    dispatched_at_priority_one,
    is_priority_one,
)

# Measure 4 leaves out cases where no transport is expected (seed 000).
NO_TRANSPORT_EXPECTED = ("hjärtstopp", "cardiac arrest", "allergisk", "allergic", "händelse",
                         "event")


def tertial_bounds(year: int, tertial: int) -> tuple[datetime, datetime]:
    if tertial not in (1, 2, 3):
        raise ValueError("tertial is 1, 2 or 3")
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime(year, 4 * (tertial - 1) + 1, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz) if tertial == 3 else datetime(
        year, 4 * tertial + 1, 1, tzinfo=tz)
    return start, end


def _share(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _median_seconds(deltas) -> float | None:
    values = [d.total_seconds() for d in deltas]
    return round(median(values), 1) if values else None


def follow_up_measures(*, region, start: datetime, end: datetime) -> dict:
    cases = list(Case.objects.filter(region=region, registered_at__gte=start,
                                     registered_at__lt=end))
    p1a_alert = [c.first_alert_at - c.call_answered_at for c in cases
                 if c.alerted_priority == Priority.P1A and c.first_alert_at]
    answer = [c.call_answered_at - c.call_received_at for c in cases if c.is_prioritised_line]
    came_in_p1 = [c for c in cases if is_priority_one(c.mbs_priority)]
    went_out_p2 = [c for c in came_in_p1 if c.priority in PRIORITY_TWO]
    p1_assignments = [
        a for a in Assignment.objects.filter(
            case__in=[c.pk for c in cases], case__priority__in=PRIORITY_ONE
        ).select_related("case")
        if a.status == AssignmentStatus.AVAILABLE and not any(
            word in a.case.complaint.lower() for word in NO_TRANSPORT_EXPECTED)
    ]
    no_transport = [a for a in p1_assignments if not a.transported]
    referrals = [c for c in cases if c.priority == Priority.REFERRAL
                 and c.personal_identity_number]
    recontacted = [
        c for c in referrals
        if Case.objects.filter(
            personal_identity_number=c.personal_identity_number,
            registered_at__gt=c.registered_at,
            registered_at__lte=c.registered_at + timedelta(hours=24),
        ).filter(dispatched_at_priority_one()).exists()
    ]
    changed = [c for c in cases if c.priority != c.mbs_priority]
    with_reason = [c for c in changed if c.priority_change_reason.strip()]
    return {
        "cases": len(cases),
        "m1_p1a_median_answer_to_alert_s": _median_seconds(p1a_alert),
        "m1_target_s": 80,
        "m1_count": len(p1a_alert),
        "m2_prioritised_median_answer_s": _median_seconds(answer),
        "m2_target_s": 8,
        "m2_count": len(answer),
        "m3_p1_to_p2_share": _share(len(went_out_p2), len(came_in_p1)),
        "m4_p1_without_transport_share": _share(len(no_transport), len(p1_assignments)),
        "m5_referral_recontact_p1_24h_share": _share(len(recontacted), len(referrals)),
        "m6": "needs hospital data (import); not computed",
        "m7_reason_given_share": _share(len(with_reason), len(changed)),
        "m7_target_share": 0.95,
    }

