from django.db.models import QuerySet

from .models import CrewShift, Unit


def unit_list(*, region=None) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("region", "home_station")
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
