"""The crew's panic alarm (*överfallslarm*): raised on the tablet or phone (replayed from its
outbox when it was offline: the idempotency key makes a replay the same alarm), it rings on
every console until one dispatcher acknowledges it (a conditional UPDATE: of two racing, one
wins); when nobody does within PANIC_ACK_SECONDS a stored timer texts the on-duty phones."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import joins_shifts
from core.errors import Conflict, Forbidden, Invalid, NotFound
from crews.selectors import crew_shift_open
from crews.services import unit_position_report, validate_position
from crews.streams import unit_stream
from dispatch.models import ACTIVE_STATUSES, Assignment
from dispatch.streams import DISPATCH_STREAM
from push.services import sms_queue_to_number
from realtime.services import events_publish
from timers.services import timer_cancel, timer_create

from ..models import PanicAlarm, PanicPosition, PanicState
from ..selectors.panic import OPEN_STATES, alarm_by_key, alarm_data, alarm_get

logger = logging.getLogger(__name__)

PANIC_ESCALATE = "safety.panic_escalate"
# How old a raised_at the device may say (it was queued offline); older is taken as this old.
RAISED_AT_OLDEST = timedelta(hours=1)


def _publish(alarm: PanicAlarm, type_: str) -> None:
    """`type_` with the alarm on the dispatch stream and on the unit's (its crew's screens)."""
    data = {"alarm": alarm_data(alarm)}
    events_publish(events=[(DISPATCH_STREAM, type_, data),
                           (unit_stream(alarm.unit_id), type_, data)])


def _position(latitude, longitude, accuracy_m) -> tuple[float | None, float | None,
                                                         float | None]:
    """A position from the device, or none; half a position is refused."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise Invalid(_("Send both latitude and longitude, or neither."))
    lat, lon = validate_position(latitude=latitude, longitude=longitude)
    if accuracy_m in (None, ""):
        return lat, lon, None
    try:
        accuracy = float(accuracy_m)
    except (TypeError, ValueError):
        raise Invalid(_("The accuracy must be a number of metres.")) from None
    if not 0 <= accuracy < 100_000:
        raise Invalid(_("The accuracy must be a number of metres, 0 or more."))
    return lat, lon, accuracy


def _position_kept(latitude, longitude, accuracy_m) -> tuple[float | None, float | None,
                                                              float | None]:
    """The raise's position as far as it is usable: a bad, partial or out-of-range position
    (or accuracy) is dropped and logged, never a reason to refuse the alarm (the tablet throws
    a refused raise away)."""
    try:
        lat, lon, _accuracy = _position(latitude, longitude, None)
    except Invalid as exc:
        logger.warning("Panic alarm raised with an unusable position (%r, %r): %s",
                       latitude, longitude, exc.message)
        return None, None, None
    if lat is None:
        return None, None, None
    try:
        return _position(lat, lon, accuracy_m)
    except Invalid as exc:
        logger.warning("Panic alarm raised with an unusable accuracy (%r): %s",
                       accuracy_m, exc.message)
        return lat, lon, None


def _clamped(at: datetime | None, now: datetime) -> datetime:
    """The device's time, never in the future and never older than RAISED_AT_OLDEST."""
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return max(min(at, now), now - RAISED_AT_OLDEST)


def _shift_unit_id(user) -> int:
    if not joins_shifts(user):
        raise Forbidden(_("Only crew and mobile care staff on a unit raise the panic alarm; "
                          "dispatchers are told of it on the console."))
    shift = crew_shift_open(user=user)
    if shift is None:
        raise Forbidden(_("Join your unit for the shift first: the alarm goes out with the "
                          "unit you are on."))
    return shift.unit_id


def panic_raise(*, user, idempotency_key: str, raised_at: datetime | None = None,
                latitude=None, longitude=None, accuracy_m=None) -> tuple[PanicAlarm, bool]:
    """Raise the panic alarm (*utlös överfallslarm*) for the unit `user` is on, with its
    active assignment and case. Returns (alarm, created): a replay of the same key (the
    tablet's outbox sending again) is the alarm it made, not a second one. Refused only
    without a key or off a unit: an unusable position is dropped (see _position_kept)."""
    if not idempotency_key:
        raise Invalid(_("An idempotency key is required: the device sends the same key "
                        "again when it replays the alarm."))
    existing = alarm_by_key(key=idempotency_key)
    if existing is not None:
        return _replayed(existing, user), False
    unit_id = _shift_unit_id(user)
    lat, lon, accuracy = _position_kept(latitude, longitude, accuracy_m)
    now = timezone.now()
    at = _clamped(raised_at, now)
    assignment = (Assignment.objects.filter(unit_id=unit_id, status__in=ACTIVE_STATUSES)
                  .order_by("-alerted_at", "-pk").only("id", "case_id").first())
    with transaction.atomic():
        try:
            with transaction.atomic():
                alarm = PanicAlarm.objects.create(
                    unit_id=unit_id, raised_by=user, idempotency_key=idempotency_key,
                    assignment=assignment, case_id=assignment.case_id if assignment else None,
                    raised_at=at, received_at=now, latitude=lat, longitude=lon,
                    accuracy_m=accuracy, position_at=at if lat is not None else None)
        except IntegrityError:
            # The same key racing in from another process: that one made the alarm.
            existing = alarm_by_key(key=idempotency_key)
            if existing is None:
                raise
            return _replayed(existing, user), False
        # From its arrival, not the device's raised_at: an alarm queued offline gives the
        # dispatchers their full time before the on-duty phones are texted.
        timer_create(kind=PANIC_ESCALATE, key=str(alarm.pk),
                     due_at=now + timedelta(seconds=settings.PANIC_ACK_SECONDS))
        alarm = alarm_get(pk=alarm.pk)
        _publish(alarm, "panic.raised")
    # The unit's place on the map after the alarm is out (its own transaction: the alarm
    # reaches the consoles without waiting for it, and never fails for it).
    if lat is not None:
        try:
            unit_position_report(unit=alarm.unit, latitude=lat, longitude=lon, at=at)
        except Exception:
            logger.exception("Panic alarm %s: the unit's position was not updated", alarm.pk)
    return alarm, True


def _replayed(alarm: PanicAlarm, user) -> PanicAlarm:
    if alarm.raised_by_id != user.pk:
        raise Invalid(_("This idempotency key was already used for another alarm."))
    return alarm


def _own_open_alarm(*, user, alarm_id: int) -> PanicAlarm:
    unit_id = _shift_unit_id(user)
    alarm = alarm_get(pk=alarm_id)
    if alarm is None or alarm.unit_id != unit_id:
        raise NotFound(_("No such alarm of your unit."))
    return alarm


@transaction.atomic
def panic_position_report(*, user, alarm_id: int, latitude, longitude, accuracy_m=None,
                          at: datetime | None = None) -> PanicPosition:
    """A position the device sends every PANIC_POSITION_SECONDS while its alarm is open: kept,
    shown on the console's map (`panic.position`) and the unit's position."""
    alarm = _own_open_alarm(user=user, alarm_id=alarm_id)
    if alarm.state not in OPEN_STATES:
        raise Conflict(_("The alarm is no longer open: %(state)s.")
                       % {"state": PanicState(alarm.state).label})
    lat, lon, accuracy = _position(latitude, longitude, accuracy_m)
    if lat is None:
        raise Invalid(_("Send the position's latitude and longitude."))
    now = timezone.now()
    at = _clamped(at, now)
    position = PanicPosition.objects.create(alarm=alarm, latitude=lat, longitude=lon,
                                            accuracy_m=accuracy, at=at)
    PanicAlarm.objects.filter(Q(position_at__isnull=True) | Q(position_at__lt=at),
                              pk=alarm.pk).update(latitude=lat, longitude=lon,
                                                  accuracy_m=accuracy, position_at=at)
    unit_position_report(unit=alarm.unit, latitude=lat, longitude=lon, at=at)
    events_publish(events=[(DISPATCH_STREAM, "panic.position", {
        "alarm": alarm.pk, "latitude": lat, "longitude": lon, "accuracy_m": accuracy,
        "at": at.isoformat()})])
    return position


def _local_time(at: datetime) -> str:
    return timezone.localtime(at).strftime("%H:%M:%S")


def _refused(alarm: PanicAlarm) -> Conflict:
    """Why an alarm no longer takes what was asked, with the alarm as it is."""
    if alarm.state == PanicState.ACKNOWLEDGED:
        message = _("Already acknowledged by %(name)s at %(time)s.") % {
            "name": alarm.acknowledged_by or "", "time": _local_time(alarm.acknowledged_at)}
    elif alarm.state == PanicState.CANCELLED:
        message = _("The crew cancelled the alarm at %(time)s: %(reason)s") % {
            "time": _local_time(alarm.cancelled_at), "reason": alarm.cancel_reason}
    else:
        message = _("The alarm was closed by %(name)s at %(time)s.") % {
            "name": alarm.closed_by or "", "time": _local_time(alarm.closed_at)}
    return Conflict(message, alarm=alarm_data(alarm))


@transaction.atomic
def panic_acknowledge(*, alarm_id: int, by) -> PanicAlarm:
    """A dispatcher takes the alarm (*kvittera*): the crew's screen says help is coming and
    the escalation is called off. Of two dispatchers racing, the conditional UPDATE lets one
    win; the other is told who and when (409)."""
    now = timezone.now()
    won = PanicAlarm.objects.filter(pk=alarm_id, state=PanicState.RAISED).update(
        state=PanicState.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=by)
    alarm = alarm_get(pk=alarm_id)
    if alarm is None:
        raise NotFound(_("No such alarm."))
    if not won:
        if alarm.state == PanicState.ACKNOWLEDGED and alarm.acknowledged_by_id == by.pk:
            return alarm  # the same dispatcher again (a double click): it is theirs
        raise _refused(alarm)
    timer_cancel(kind=PANIC_ESCALATE, key=str(alarm.pk))
    _publish(alarm, "panic.acknowledged")
    return alarm


@transaction.atomic
def panic_cancel(*, user, alarm_id: int, reason: str) -> PanicAlarm:
    """The crew calls the alarm off (*återkalla*), saying why (pressed by mistake, the
    situation is calm): a reason is required, it goes in the case's history."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the alarm is cancelled (e.g. pressed by mistake)."))
    alarm = _own_open_alarm(user=user, alarm_id=alarm_id)
    if alarm.state == PanicState.CANCELLED:
        return alarm  # the tablet's outbox sending it again: it is cancelled
    done = PanicAlarm.objects.filter(pk=alarm.pk, state__in=OPEN_STATES).update(
        state=PanicState.CANCELLED, cancelled_at=timezone.now(), cancelled_by=user,
        cancel_reason=reason[:200])
    alarm = alarm_get(pk=alarm.pk)
    if not done:
        raise _refused(alarm)
    timer_cancel(kind=PANIC_ESCALATE, key=str(alarm.pk))
    _publish(alarm, "panic.cancelled")
    return alarm


@transaction.atomic
def panic_close(*, alarm_id: int, by, note: str = "") -> PanicAlarm:
    """A dispatcher closes the alarm once the crew is safe (or after the crew cancelled it)."""
    done = PanicAlarm.objects.filter(
        pk=alarm_id, state__in=(*OPEN_STATES, PanicState.CANCELLED)
    ).update(state=PanicState.CLOSED, closed_at=timezone.now(), closed_by=by,
             close_note=(note or "").strip()[:200])
    alarm = alarm_get(pk=alarm_id)
    if alarm is None:
        raise NotFound(_("No such alarm."))
    if not done:
        raise _refused(alarm)
    timer_cancel(kind=PANIC_ESCALATE, key=str(alarm.pk))
    _publish(alarm, "panic.closed")
    return alarm


def escalation_text(alarm: PanicAlarm) -> str:
    """The on-duty SMS, in Swedish: unit, crew member, address, position; no patient data."""
    parts = [f"ÖVERFALLSLARM ej kvitterat: {alarm.unit.call_sign}, {alarm.raised_by}.",
             f"Larmat {_local_time(alarm.raised_at)}."]
    if alarm.case is not None and alarm.case.address:
        parts.append(f"Adress: {alarm.case.address}.")
    if alarm.latitude is not None:
        accuracy = f" ±{alarm.accuracy_m:.0f} m" if alarm.accuracy_m is not None else ""
        parts.append(f"Position {alarm.latitude:.5f},{alarm.longitude:.5f}{accuracy}.")
    return " ".join(parts)


@transaction.atomic
def panic_escalate(*, alarm_id: int) -> int:
    """Nobody acknowledged in time (*eskalering*): each of PANIC_ONDUTY_NUMBERS gets an SMS
    and the consoles `panic.escalated`. Claimed by a conditional UPDATE, so it happens once
    and never after an acknowledgement. Returns the SMS queued."""
    claimed = PanicAlarm.objects.filter(
        pk=alarm_id, state=PanicState.RAISED, escalated_at__isnull=True
    ).update(escalated_at=timezone.now())
    if not claimed:
        return 0
    alarm = alarm_get(pk=alarm_id)
    numbers = list(settings.PANIC_ONDUTY_NUMBERS)
    if not numbers:
        logger.warning("Panic alarm %s not acknowledged in time and PANIC_ONDUTY_NUMBERS is "
                       "empty: no SMS sent", alarm.pk)
    text = escalation_text(alarm)
    queued = 0
    for number in numbers:
        try:
            sms_queue_to_number(to=number, message=text, tag=f"panic-escalation-{alarm.pk}")
            queued += 1
        except Invalid:
            logger.error("PANIC_ONDUTY_NUMBERS has a number not in E.164 form; skipped")
    _publish(alarm, "panic.escalated")
    return queued
