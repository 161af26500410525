from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from .models import CrewShift, Station, Unit, UnitKind, UnitStatus


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


def with_manned(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """`units` each with `is_manned` (a crew has joined and not left), in the same query."""
    return units.annotate(is_manned=Exists(
        CrewShift.objects.filter(unit=OuterRef("pk"), left_at__isnull=True)))


def units_manned(*, unit_ids) -> set[int]:
    """Which of these units are manned, in one query."""
    return set(CrewShift.objects.filter(unit_id__in=list(unit_ids), left_at__isnull=True)
               .values_list("unit_id", flat=True))


def stations_by_id() -> dict[int, Station]:
    """Every station by its id (a few dozen): a unit's home without a join per unit."""
    return {station.pk: station for station in Station.objects.all()}


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit as a ranking of every unit reads it (dispatch/recommendations.py): its fields
    and whether it is manned, without a model instance per unit (200 in a few ms)."""

    pk: int
    call_sign: str
    kind: str
    region_id: int
    home_station_id: int | None
    capabilities: list
    status: str
    in_service: bool
    service_note: str
    latitude: float | None
    longitude: float | None
    manned: bool

    def get_status_display(self) -> str:
        return str(dict(UnitStatus.choices).get(self.status, self.status))

    def get_kind_display(self) -> str:
        return str(dict(UnitKind.choices).get(self.kind, self.kind))


UNIT_ROW_FIELDS = ("id", "call_sign", "kind", "region_id", "home_station_id", "capabilities",
                   "status", "in_service", "service_note", "latitude", "longitude", "manned")


def unit_rows() -> list[UnitRow]:
    """Every unit as a UnitRow, in call sign order, in one query."""
    rows = Unit.objects.annotate(manned=manned_expression()).order_by("call_sign").values_list(
        *UNIT_ROW_FIELDS)
    return [UnitRow(*row[:-1], manned=bool(row[-1])) for row in rows]
