"""The crews' reports of threats and violence as the reviewers read them: the list (no
description, no patient data: the description is the proposed notice's background) and the
counts per region for the work-environment follow-up (*arbetsmiljöuppföljning*)."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from crews.models import Region

from ..models import CrewReport, NoticeCategory

LIST_LIMIT = 500


def crew_report_list(*, region: Region | None = None, start: date | None = None,
                     end: date | None = None) -> QuerySet[CrewReport]:
    """The reports, newest first; by region and days (both included) when given."""
    qs = CrewReport.objects.select_related("unit", "region", "notice")
    if region is not None:
        qs = qs.filter(region=region)
    if start is not None:
        qs = qs.filter(reported_at__gte=_day_start(start))
    if end is not None:
        qs = qs.filter(reported_at__lt=_day_start(end + timedelta(days=1)))
    return qs


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _counts(rows) -> dict:
    return {"reports": sum(r["reports"] for r in rows),
            "violence": sum(r["violence"] for r in rows)}


def crew_report_summary(*, start: date, end: date) -> dict:
    """Counts per region and category for the days `start`..`end` (local days, both
    included): every region is listed, one with no reports with zeros; every category too."""
    rows = list(crew_report_list(start=start, end=end).order_by().values(
        "region_id", "category").annotate(
        reports=Count("id"), violence=Count("id", filter=Q(violence_happened=True))))
    categories = list(NoticeCategory)
    regions = []
    for region in Region.objects.order_by("name"):
        own = [r for r in rows if r["region_id"] == region.pk]
        regions.append({
            "region": region.pk, "region_code": region.code, "region_name": region.name,
            **_counts(own),
            "categories": [{
                "category": category.value, "category_label": str(category.label),
                **_counts([r for r in own if r["category"] == category.value]),
            } for category in categories],
        })
    return {
        "from": start.isoformat(), "to": end.isoformat(), **_counts(rows),
        "categories": [{
            "category": category.value, "category_label": str(category.label),
            **_counts([r for r in rows if r["category"] == category.value]),
        } for category in categories],
        "regions": regions,
    }
