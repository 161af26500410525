"""Actions on units and crews."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from core.errors import Conflict, Invalid
from core.rows import models_from_rows, returning_columns
from core.times import CLOCK_SKEW, iso
from realtime.services import events_publish, subscriptions_revalidate

from .models import CrewShift, Unit, UnitKind, UnitStatus
from .selectors import unit_is_manned, with_manned
from .streams import UNITS_STREAM, unit_stream


def unit_snapshot(unit: Unit, *, manned: bool | None = None) -> dict:
    """What the dispatch console and the crew need of a unit. Holds no patient data. `manned`
    when the caller knows it (else one query; a unit read with_manned() carries it)."""
    if manned is None:
        manned = getattr(unit, "is_manned", None)
    return {
        "id": unit.pk,
        "call_sign": unit.call_sign,
        "kind": unit.kind,
        "region": unit.region_id,
        "home_station": unit.home_station_id,
        "status": unit.status,
        "status_changed_at": iso(unit.status_changed_at),
        "latitude": unit.latitude,
        "longitude": unit.longitude,
        "position_at": iso(unit.position_at),
        "capabilities": unit.capabilities,
        "in_service": unit.in_service,
        "service_note": unit.service_note,
        "manned": unit_is_manned(unit=unit) if manned is None else manned,
    }


def unit_events(unit: Unit) -> list[tuple[str, str, dict]]:
    """A unit's change as events (the console's list of units, the unit's own stream), for a
    caller that stores them with its own in one batch (realtime.services.events_publish)."""
    data = unit_snapshot(unit)
    return [(UNITS_STREAM, "unit.updated", data), (unit_stream(unit.pk), "unit.updated", data)]


def _publish_unit(unit: Unit) -> None:
    events_publish(events=unit_events(unit))


def units_claim_for_dispatch(*, unit_ids: Sequence[int], at: datetime,
                             require_in_service: bool) -> list[Unit]:
    """Move available units to alerted in one conditional UPDATE that returns them, each with
    `is_manned`: two dispatchers never get the same unit, and the dispatch reads no unit
    before or after. Those claimed, in `unit_ids`' order: fewer than asked when one was not
    available (or, with `require_in_service`, out of service), whose row is then unchanged;
    the caller rolls the others back with its transaction and reads why
    (unit_claim_refusal). The caller publishes unit_events() of each with its own."""
    connection = transaction.get_connection()
    ops = connection.ops
    table = ops.quote_name(Unit._meta.db_table)
    shifts = ops.quote_name(CrewShift._meta.db_table)
    marks = ", ".join(["%s"] * len(unit_ids))
    in_service = f" AND {table}.in_service = %s" if require_in_service else ""
    sql = (f"UPDATE {table} SET status = %s, status_changed_at = %s "
           f"WHERE {table}.id IN ({marks}) AND {table}.status = %s{in_service} "
           f"RETURNING {returning_columns(Unit)}, EXISTS (SELECT 1 FROM {shifts} "
           f"WHERE {shifts}.unit_id = {table}.id AND {shifts}.left_at IS NULL)")
    params = [UnitStatus.ALERTED, ops.adapt_datetimefield_value(at), *unit_ids,
              UnitStatus.AVAILABLE, *([True] if require_in_service else [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    units = models_from_rows(Unit, rows)
    for unit, row in zip(units, rows, strict=True):
        unit.is_manned = bool(row[-1])
    order = {pk: i for i, pk in enumerate(unit_ids)}
    return sorted(units, key=lambda u: order[u.pk])


def unit_claim_refusal(*, unit_id: int, require_in_service: bool) -> Exception:
    """Why a unit could not be claimed, as the error to raise: unknown, out of service (when
    it had to be in service) or busy. Read on the error path only."""
    current = Unit.objects.filter(pk=unit_id).first()
    if current is None:
        return Invalid(_("Unknown unit %(pk)s.") % {"pk": unit_id})
    if require_in_service and current.status == UnitStatus.AVAILABLE and not current.in_service:
        return UnitOutOfService(_("Unit %(unit)s is out of service.")
                                % {"unit": current.call_sign})
    return Conflict(
        _("Unit %(unit)s is %(status)s, not available.")
        % {"unit": current.call_sign, "status": current.get_status_display().lower()}
    )


def validate_position(*, latitude, longitude) -> tuple[float, float]:
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise Invalid(_("Latitude and longitude must be numbers in decimal degrees.")) from None
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        raise Invalid(_("Latitude must be within -90..90 and longitude within -180..180."))
    return lat, lon


@transaction.atomic
def unit_status_set(*, unit: Unit, status: str, at: datetime | None = None,
                    publish: bool = True) -> Unit:
    """Set a unit's status; dispatch calls this as its assignments move. `publish=False`:
    the caller stores unit_events() of the unit with its own events in one batch, so that
    the transaction takes its streams' locks in one order (two batches in one transaction,
    units then dispatch, deadlocked against a dispatch taking dispatch then units)."""
    if status not in UnitStatus.values:
        raise Invalid(_("Unknown unit status %(status)r.") % {"status": status})
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    unit.status = status
    unit.status_changed_at = at or timezone.now()
    unit.save(update_fields=["status", "status_changed_at"])
    if publish:
        _publish_unit(unit)
    return unit


@transaction.atomic
def unit_service_set(*, unit: Unit, in_service: bool, note: str = "", by=None) -> Unit:
    """Put a unit in service (*i tjänst*) or take it out (*ur tjänst*: a breakdown, cleaning
    after an infection transport). Out of service it is not recommended and is sent only with
    a reason; an assignment it is on runs on. The same state again changes nothing."""
    note = note.strip()
    if not in_service and not note:
        raise Invalid(_("Say why the unit is out of service (note), e.g. \"cleaning after an "
                        "infection transport\"."))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    note = "" if in_service else note
    if unit.in_service == in_service and unit.service_note == note:
        return unit
    unit.in_service, unit.service_note = in_service, note
    unit.service_changed_at = timezone.now()
    unit.save(update_fields=["in_service", "service_note", "service_changed_at"])
    _publish_unit(unit)
    return unit


class UnitOutOfService(Invalid):
    """The unit was taken out of service after the dispatch was checked (the claim's
    conditional UPDATE found it so): the caller answers with its own check's 400."""


@transaction.atomic
def unit_position_report(
    *, unit: Unit, latitude, longitude, at: datetime | None = None
) -> Unit:
    lat, lon = validate_position(latitude=latitude, longitude=longitude)
    at = at or timezone.now()
    if at > timezone.now() + CLOCK_SKEW:
        raise Invalid(_("The position's time is in the future."))
    # Whether it is manned comes with the row (a position report is the most frequent write:
    # no second query for the event's `manned`).
    unit = with_manned(Unit.objects.select_for_update()).get(pk=unit.pk)
    if unit.position_at and at <= unit.position_at:
        return unit
    unit.latitude, unit.longitude, unit.position_at = lat, lon, at
    unit.save(update_fields=["latitude", "longitude", "position_at"])
    _publish_unit(unit)
    return unit


@transaction.atomic
def crew_join(*, user, unit: Unit) -> CrewShift:
    """Join a unit for the shift (*pass*), leaving any other unit first: the one join of
    every shift. Mobile care staff join mobile care units (their referrals come on the
    unit's stream)."""
    if user.role == Role.MOBILE_CARE:
        if unit.kind != UnitKind.MOBILE_CARE:
            raise Conflict(_("Only crew members join units; mobile care staff join mobile "
                             "care units."))
    elif user.role != Role.CREW:
        raise Conflict(_("Only crew members join units."))
    now = timezone.now()
    current = (
        CrewShift.objects.select_for_update().filter(user=user, left_at__isnull=True).first()
    )
    if current and current.unit_id == unit.pk:
        return current
    # One batch: its streams are locked in name order, as a dispatch locks them (published
    # one by one, the units stream was held while the new unit's was asked for).
    events = []
    if current:
        current.left_at = now
        current.save(update_fields=["left_at"])
        events += [(unit_stream(current.unit_id), "crew.left",
                    {"unit": current.unit_id, "user": user.pk, "name": str(user)}),
                   _manned_event(current.unit)]
        subscriptions_revalidate(user_id=user.pk)
    shift = CrewShift.objects.create(user=user, unit=unit, joined_at=now)
    events += [(unit_stream(unit.pk), "crew.joined",
                {"unit": unit.pk, "user": user.pk, "name": str(user)}),
               _manned_event(unit)]
    events_publish(events=events)
    return shift


@transaction.atomic
def crew_leave(*, user) -> CrewShift | None:
    shift = CrewShift.objects.select_for_update().filter(user=user, left_at__isnull=True).first()
    if shift is None:
        raise Conflict(_("You are not on a unit."))
    shift.left_at = timezone.now()
    shift.save(update_fields=["left_at"])
    events_publish(events=[(unit_stream(shift.unit_id), "crew.left",
                            {"unit": shift.unit_id, "user": user.pk, "name": str(user)}),
                           _manned_event(shift.unit)])
    subscriptions_revalidate(user_id=user.pk)
    return shift


def _manned_event(unit: Unit) -> tuple[str, str, dict]:
    """The console's unit list shows whether a unit is manned: a join or a leave changes it."""
    return UNITS_STREAM, "unit.updated", unit_snapshot(Unit.objects.get(pk=unit.pk))
