from django.db.models import Exists, OuterRef, QuerySet

from .models import CrewShift, Station, Unit


def manned_expression() -> Exists:
    """Whether a unit is manned (*bemannad*): someone of its crew has joined it for the shift
    on a tablet (an open CrewShift)."""
    return Exists(CrewShift.objects.filter(unit=OuterRef("pk"), left_at__isnull=True))


def unit_list(*, region=None) -> QuerySet[Unit]:
    """Every unit, with `manned` (an open crew shift on it)."""
    qs = Unit.objects.select_related("region", "home_station").annotate(
        manned=manned_expression())
    if region is not None:
        qs = qs.filter(region=region)
    return qs


def crew_shift_open(*, user) -> CrewShift | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return CrewShift.objects.select_related("unit").filter(user=user, left_at__isnull=True).first()


def unit_of_user(*, user) -> Unit | None:
    shift = crew_shift_open(user=user)
    return shift.unit if shift else None


def unit_crew(*, unit: Unit) -> QuerySet[CrewShift]:
    return CrewShift.objects.select_related("user").filter(unit=unit, left_at__isnull=True)


def unit_is_manned(*, unit: Unit) -> bool:
    return CrewShift.objects.filter(unit=unit, left_at__isnull=True).exists()


def units_manned(*, unit_ids) -> set[int]:
    """Which of these units are manned, in one query."""
    return set(CrewShift.objects.filter(unit_id__in=list(unit_ids), left_at__isnull=True)
               .values_list("unit_id", flat=True))


def stations_by_id() -> dict[int, Station]:
    """Every station by its id (a few dozen): a unit's home without a join per unit."""
    return {station.pk: station for station in Station.objects.all()}
