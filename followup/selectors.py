"""The follow-up's reads (which record nothing)."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.roles import FOLLOWUP_ROLES

from .measures.periods import tertial_parse
from .measures.report import report_build
from .models import DeviationFollowUp, MeasureTarget
from .stations import station_table  # noqa: F401  (seed 004's station table, its own package)


def tertial_report(*, year: int, tertial: int) -> dict:
    """The tertial report (*tertialrapport*) of seed 000's seven measures for every region:
    values, targets in force, trends and flagged deviations, in the shape of
    GET /api/followup/measures/ (README, "The seven measures, targets and deviations").
    Invalid (400) for a year or tertial that is not one."""
    return report_build(tertial_parse(year, tertial))


def targets_list() -> QuerySet[MeasureTarget]:
    """Every target (*målvärde*), per measure in the order they take effect."""
    return MeasureTarget.objects.select_related("region", "set_by").order_by(
        "measure", "region__name", "valid_from", "id")


def deviation_records(*, year: int | None = None, tertial: int | None = None,
                      open_until: tuple[int, int] | None = None) -> QuerySet[DeviationFollowUp]:
    """Follow-up records of deviations: of one tertial, or (`open_until`) those still open
    from that tertial and the ones before it."""
    records = DeviationFollowUp.objects.select_related("region", "owner", "opened_by",
                                                        "closed_by")
    if year is not None:
        records = records.filter(year=year, tertial=tertial)
    if open_until is not None:
        last_year, last_tertial = open_until
        records = records.filter(closed_at__isnull=True, year__lte=last_year).exclude(
            year=last_year, tertial__gt=last_tertial)
    return records


def followup_owners() -> QuerySet:
    """Who may own a follow-up record: the centre's managers, dispatchers and administrators
    (people: not service accounts), by name."""
    return get_user_model().objects.filter(
        Q(role__in=FOLLOWUP_ROLES) | Q(is_superuser=True), is_active=True,
        is_service_account=False).order_by("display_name", "username")
