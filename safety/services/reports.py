"""Crew reports of threats and violence (*hot- och våldsrapport*): kept for the work-environment
follow-up, and proposed as a risk notice for the place, which a dispatcher or the manager
reviews before it matches anything."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, Invalid, NotFound
from crews.selectors import unit_of_user
from dispatch.models import Assignment

from ..models import CrewReport, NoticeAction, NoticeCategory, NoticeSource, NoticeState
from .notices import notice_create

DESCRIPTION_MAX = 4000


def _category(value: str) -> str:
    if value not in NoticeCategory.values:
        raise Invalid(_("Choose what happened (category): %(values)s.") % {
            "values": ", ".join(NoticeCategory.values)})
    return value


@transaction.atomic
def crew_report_create(*, category: str, violence_happened: bool = False,
                       description: str = "", assignment: int | None = None,
                       idempotency_key: str, by) -> tuple[CrewReport, bool]:
    """Report a threat or violence (*rapportera hot eller våld*) from the unit `by` works on,
    about one of the unit's assignments. With an assignment, the place of its case becomes a
    proposed notice (source crew_report, the description as its background). Once per
    idempotency key: a replay (the tablet queued it offline) returns the same report and
    False."""
    existing = CrewReport.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed(existing, by), False
    category = _category(category)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(_("Keep the description under %(n)s characters.") % {"n": DESCRIPTION_MAX})
    unit = unit_of_user(user=by)
    if unit is None:
        raise Forbidden(_("Join your unit for the shift first: a report is made from the unit "
                          "you work on."))
    job = None
    if assignment is not None:
        job = Assignment.objects.select_related("case__region").filter(pk=assignment).first()
        if job is None or job.unit_id != unit.pk:
            raise NotFound(_("No such assignment on your unit."))
    now = timezone.now()
    try:
        with transaction.atomic():
            report = CrewReport.objects.create(
                assignment=job, unit=unit, region=job.case.region if job else unit.region,
                reported_by=by, reported_at=now, category=category,
                violence_happened=bool(violence_happened), description=description,
                idempotency_key=idempotency_key)
    except IntegrityError:
        return _replayed(CrewReport.objects.get(idempotency_key=idempotency_key), by), False
    if job is not None:
        case = job.case
        report.notice = notice_create(
            address=case.address, latitude=case.latitude, longitude=case.longitude,
            category=category, action=NoticeAction.CAUTION,
            valid_until=now + timedelta(days=settings.SAFETY_NOTICE_DEFAULT_DAYS),
            background=description, region=case.region, source=NoticeSource.CREW_REPORT,
            state=NoticeState.PROPOSED, by=by)
        report.save(update_fields=["notice"])
    return report, True


def _replayed(report: CrewReport, by) -> CrewReport:
    if report.reported_by_id != by.pk:
        raise Conflict(_("This key was already used for another request."))
    return report
