"""Panic alarms (*överfallslarm*) as the screens see them, and who sees which."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import is_dispatcher, joins_shifts
from core.times import iso
from crews.selectors import crew_shift_open

from ..models import PanicAlarm, PanicState

OPEN_STATES = (PanicState.RAISED, PanicState.ACKNOWLEDGED)
RECENT_DAYS = 7


def _name(user) -> str:
    return str(user) if user is not None else ""


def alarm_queryset() -> QuerySet[PanicAlarm]:
    return PanicAlarm.objects.select_related(
        "unit", "raised_by", "case", "acknowledged_by", "cancelled_by", "closed_by")


def alarm_data(alarm: PanicAlarm) -> dict:
    """ALARM: what the console and the crew's screens show of an alarm (README, The panic
    alarm). The case's address is the one patient datum: a read of it is recorded."""
    case = alarm.case
    return {
        "id": alarm.pk, "state": alarm.state, "state_label": str(PanicState(alarm.state).label),
        "unit": alarm.unit_id, "unit_call_sign": alarm.unit.call_sign,
        "raised_by_name": _name(alarm.raised_by),
        "assignment": alarm.assignment_id, "case": alarm.case_id,
        "case_reference": (case.reference or "") if case else "",
        "address": case.address if case else "",
        "raised_at": iso(alarm.raised_at), "received_at": iso(alarm.received_at),
        "latitude": alarm.latitude, "longitude": alarm.longitude,
        "accuracy_m": alarm.accuracy_m, "position_at": iso(alarm.position_at),
        "acknowledged_at": iso(alarm.acknowledged_at),
        "acknowledged_by_name": _name(alarm.acknowledged_by),
        "escalated_at": iso(alarm.escalated_at),
        "cancelled_at": iso(alarm.cancelled_at), "cancel_reason": alarm.cancel_reason,
        "closed_at": iso(alarm.closed_at), "close_note": alarm.close_note,
    }


def alarm_get(*, pk: int) -> PanicAlarm | None:
    return alarm_queryset().filter(pk=pk).first()


def alarm_by_key(*, key: str) -> PanicAlarm | None:
    return alarm_queryset().filter(idempotency_key=key).first()


def alarms_visible_to(*, user, recent: bool = False) -> QuerySet[PanicAlarm]:
    """A dispatcher: every open alarm (with `recent`, the last week's, whatever their state);
    a crew member: their unit's open alarms; anyone else: none."""
    qs = alarm_queryset()
    if is_dispatcher(user):
        if recent:
            return qs.filter(raised_at__gte=timezone.now() - timedelta(days=RECENT_DAYS))
        return qs.filter(state__in=OPEN_STATES)
    if joins_shifts(user):
        shift = crew_shift_open(user=user)
        if shift is not None:
            return qs.filter(unit_id=shift.unit_id, state__in=OPEN_STATES)
    return qs.none()


def alarm_of_own_unit(*, user, pk: int) -> PanicAlarm | None:
    """An alarm of the unit the crew member is on now (another unit's does not exist for
    them)."""
    shift = crew_shift_open(user=user) if joins_shifts(user) else None
    if shift is None:
        return None
    return alarm_queryset().filter(pk=pk, unit_id=shift.unit_id).first()
