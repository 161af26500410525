"""Making each dispatcher's monthly feedback (*individuell dataåterkoppling*) and marking it
read; a dispatcher is told on their own stream when theirs is ready."""

from collections.abc import Callable
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from realtime.services import event_publish

from ..feedback import month_feedback
from ..models import DispatcherReport
from ..streams import FEEDBACK_READY, feedback_stream


class ReportNotFound(LookupError):
    """No such report of this dispatcher's (another's is not found either)."""


def first_of_month(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def dispatcher_reports_make(*, month: date,
                            progress: Callable[[int, int], None] | None = None) -> int:
    """Make (or make again) the report of every dispatcher who registered a case in `month`:
    one per dispatcher and month. A dispatcher is told when theirs is new or its figures
    changed; a report made again unchanged tells nobody. Returns how many reports the month
    has."""
    month = first_of_month(month)
    # People only: a service account (the telephony integration's) and a user no longer
    # active get no report, and their cases stay out of the centre's median.
    ids = get_user_model().objects.filter(
        role=Role.DISPATCHER, is_service_account=False, is_active=True,
    ).values_list("pk", flat=True)
    found = month_feedback(month=month, dispatcher_ids=list(ids))
    now = timezone.now()
    existing = {r.dispatcher_id: r for r in DispatcherReport.objects.select_for_update().filter(
        month=month, dispatcher_id__in=list(found))}
    for done, (user_id, figures) in enumerate(found.items(), start=1):
        old = existing.get(user_id)
        if old is None or old.figures != figures:
            report, _ = DispatcherReport.objects.update_or_create(
                dispatcher_id=user_id, month=month,
                defaults={"figures": figures, "made_at": now})
            event_publish(stream=feedback_stream(user_id), type=FEEDBACK_READY,
                          data={"id": report.pk, "month": f"{month:%Y-%m}"})
        if progress is not None:
            progress(done, len(found))
    return len(found)


def dispatcher_report_read(*, report_id: int, by) -> DispatcherReport:
    """The dispatcher has read their report (*läst*): the first reading is kept."""
    report = DispatcherReport.objects.filter(pk=report_id, dispatcher=by).first()
    if report is None:
        raise ReportNotFound(report_id)
    if report.read_at is None:
        report.read_at = timezone.now()
        report.save(update_fields=["read_at"])
    return report
