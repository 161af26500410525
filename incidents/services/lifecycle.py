"""The incident's life cycle: a dispatcher (or TiB) raises a possible major incident (*möjlig
särskild händelse*) with its cases and a first METHANE report; every TiB on duty is woken (push
through the incidents stream, then SMS by a stored timer when nobody decided in time); one TiB
confirms (the regional alarm goes out) or rejects it; TiB stands a confirmed incident down.
Each decision is one conditional UPDATE on the state: of two TiBs racing, one wins and the
other is told who and when (409)."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role
from accounts.roles import follows_incidents, is_tib
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.ids import id_valid
from core.text import text_clean
from crews.models import Region
from crews.services import validate_position
from dispatch.models import Case
from push.services import sms_queue
from timers.services import timer_cancel, timer_create

from ..models import IncidentState, MajorIncident, SituationReport
from .events import incident_event_publish
from .log import log_write
from .reports import casualties_sum_checked, report_fields_checked

logger = logging.getLogger(__name__)

INCIDENT_CONFIRM_SMS = "incidents.confirm_sms"
# What a raise may name at most: a list of cases, not a search.
CASES_MAX = 200


def _name(user) -> str:
    return (getattr(user, "display_name", "") or getattr(user, "username", "")) if user else ""


def _local_time(at: datetime) -> str:
    return timezone.localtime(at).strftime("%H:%M")


def _cases_found(case_ids: Iterable) -> list[Case]:
    """The cases named, in the order named; an id that names no case is refused (400)."""
    ids = []
    for value in case_ids or ():
        try:
            case_id = int(value)
        except (TypeError, ValueError):
            raise Invalid(_("A case is named by its id (a number).")) from None
        if not id_valid(case_id):
            raise Invalid(_("No such case: %(ids)s.") % {"ids": value})
        if case_id not in ids:
            ids.append(case_id)
    if len(ids) > CASES_MAX:
        raise Invalid(_("At most %(max)d cases at a time.") % {"max": CASES_MAX})
    found = {c.pk: c for c in Case.objects.filter(pk__in=ids).select_related("region")}
    unknown = [str(i) for i in ids if i not in found]
    if unknown:
        raise Invalid(_("No such case: %(ids)s.") % {"ids": ", ".join(unknown)})
    return [found[i] for i in ids]


def _region_found(region, cases: list[Case]) -> Region:
    if region in (None, ""):
        if cases:
            return cases[0].region
        raise Invalid(_("Name the region of the incident, or the cases it concerns."))
    if isinstance(region, Region):
        return region
    found = None
    if isinstance(region, int) or (isinstance(region, str) and region.isdigit()):
        found = Region.objects.filter(pk=int(region)).first()
    elif isinstance(region, str):
        found = Region.objects.filter(code=region.strip().upper()).first()
    if found is None:
        raise Invalid(_("No such region: %(region)s.") % {"region": region})
    return found


def _report_fields(report: dict) -> dict:
    """The first report's fields, checked as every later version's are."""
    fields = report_fields_checked(report)
    casualties_sum_checked(fields)
    return fields


def _position(latitude, longitude, cases: list[Case]) -> tuple[float | None, float | None]:
    if latitude in (None, "") and longitude in (None, ""):
        if cases:
            return cases[0].latitude, cases[0].longitude
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise Invalid(_("Send both latitude and longitude, or neither."))
    return validate_position(latitude=latitude, longitude=longitude)


def _replayed(incident: MajorIncident, by) -> MajorIncident:
    if incident.raised_by_id != by.pk:
        raise Invalid(_("This idempotency key was already used for another incident."))
    return incident


def incident_raise(*, by, title: str, report: dict | None, cases, region,
                   location: str = "", latitude=None, longitude=None, exercise: bool = False,
                   idempotency_key: str | None = None) -> tuple[MajorIncident, bool]:
    """Raise a possible major incident (*möjlig särskild händelse*): its cases, its first
    situation report (version 1), the region (else the first case's). Every TiB is woken and,
    when nobody confirmed or rejected within INCIDENT_CONFIRM_SMS_SECONDS, texted. Returns
    (incident, created): the same idempotency key again is the incident it made."""
    if not follows_incidents(by):
        raise Forbidden(_("Only dispatchers and the official on duty raise a major incident."))
    if idempotency_key:
        existing = MajorIncident.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replayed(existing, by), False
    title = text_clean(title or "").strip()
    if not title:
        raise Invalid(_("Give the incident a title (what happened, where)."))
    found = _cases_found(cases)
    where = _region_found(region, found)
    lat, lon = _position(latitude, longitude, found)
    report_fields = _report_fields(report) if report else None
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                incident = MajorIncident.objects.create(
                    title=title[:200], exercise=bool(exercise), region=where,
                    location=text_clean(location or "").strip()[:200], latitude=lat, longitude=lon,
                    idempotency_key=idempotency_key or None, raised_by=by, raised_at=now)
        except IntegrityError:
            # The same key racing in from another request: that one made the incident.
            existing = MajorIncident.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
            return _replayed(existing, by), False
        if found:
            incident.cases.set(found)
        log_write(incident=incident, kind="raised", by=by, at=now,
                  text=gettext_noop("Possible major incident raised by %(name)s: %(title)s"),
                  params={"name": _name(by), "title": incident.title},
                  data={"cases": [c.pk for c in found]})
        if report_fields is not None:
            SituationReport.objects.create(incident=incident, version=1, written_by=by,
                                           written_at=now, **report_fields)
            log_write(incident=incident, kind="report", by=by, at=now,
                      text=gettext_noop("Situation report version %(version)d written"),
                      params={"version": 1}, data={"version": 1})
        timer_create(kind=INCIDENT_CONFIRM_SMS, key=str(incident.pk),
                     due_at=now + timedelta(seconds=settings.INCIDENT_CONFIRM_SMS_SECONDS))
        incident_event_publish(incident=incident, type_="incident.raised")
    return incident, True


def _decider(by) -> None:
    if not is_tib(by):
        raise Forbidden(_("Only the official on duty (TiB) decides on a major incident."))


def _refused(incident: MajorIncident) -> Conflict:
    """Why the incident no longer takes the decision asked for, with who decided and when."""
    state = incident.state
    if state == IncidentState.CONFIRMED:
        message = _("Already confirmed by %(name)s at %(time)s.") % {
            "name": _name(incident.confirmed_by), "time": _local_time(incident.confirmed_at)}
    elif state == IncidentState.REJECTED:
        message = _("Already rejected by %(name)s at %(time)s: %(reason)s") % {
            "name": _name(incident.rejected_by), "time": _local_time(incident.rejected_at),
            "reason": incident.reject_reason}
    elif state == IncidentState.STOOD_DOWN:
        message = _("Already stood down by %(name)s at %(time)s.") % {
            "name": _name(incident.stood_down_by), "time": _local_time(incident.stood_down_at)}
    else:
        message = _("The incident is not confirmed yet: confirm or reject it first.")
    return Conflict(message, state=state)


def _reloaded(pk: int) -> MajorIncident:
    incident = (MajorIncident.objects.select_related(
        "region", "raised_by", "confirmed_by", "rejected_by", "stood_down_by")
        .filter(pk=pk).first())
    if incident is None:
        raise NotFound(_("No such incident."))
    return incident


@transaction.atomic
def incident_confirm(*, incident: MajorIncident, by) -> MajorIncident:
    """TiB confirms the major incident (*bekräftar särskild händelse*): the regional alarm goes
    to every region (incidents.services.alarm). Of two TiBs racing, one wins; the other gets
    409 with who confirmed and when. The same TiB again (a double tap) gets the incident."""
    _decider(by)
    now = timezone.now()
    won = MajorIncident.objects.filter(pk=incident.pk, state=IncidentState.RAISED).update(
        state=IncidentState.CONFIRMED, confirmed_by=by, confirmed_at=now)
    incident = _reloaded(incident.pk)
    if not won:
        if incident.state == IncidentState.CONFIRMED and incident.confirmed_by_id == by.pk:
            return incident
        raise _refused(incident)
    timer_cancel(kind=INCIDENT_CONFIRM_SMS, key=str(incident.pk))
    log_write(incident=incident, kind="confirmed", by=by, at=now,
              text=gettext_noop("Confirmed as a major incident by %(name)s"),
              params={"name": _name(by)})
    incident_event_publish(incident=incident, type_="incident.confirmed")
    from .alarm import incident_alarm_send

    incident_alarm_send(incident=incident)
    return incident


@transaction.atomic
def incident_reject(*, incident: MajorIncident, by, reason: str) -> MajorIncident:
    """TiB judges it no major incident (*ingen särskild händelse*), saying why."""
    _decider(by)
    reason = text_clean(reason or "").strip()
    if not reason:
        raise Invalid(_("Say why this is not a major incident."))
    now = timezone.now()
    won = MajorIncident.objects.filter(pk=incident.pk, state=IncidentState.RAISED).update(
        state=IncidentState.REJECTED, rejected_by=by, rejected_at=now,
        reject_reason=reason[:500])
    incident = _reloaded(incident.pk)
    if not won:
        if incident.state == IncidentState.REJECTED and incident.rejected_by_id == by.pk:
            return incident
        raise _refused(incident)
    timer_cancel(kind=INCIDENT_CONFIRM_SMS, key=str(incident.pk))
    log_write(incident=incident, kind="rejected", by=by, at=now,
              text=gettext_noop("Not a major incident, judged by %(name)s: %(reason)s"),
              params={"name": _name(by), "reason": reason})
    incident_event_publish(incident=incident, type_="incident.rejected")
    return incident


@transaction.atomic
def incident_stand_down(*, incident: MajorIncident, by, note: str = "") -> MajorIncident:
    """TiB stands a confirmed incident down (*avvecklar*); the stand-down goes to every
    region the alarm reached (incidents.services.alarm)."""
    _decider(by)
    note = text_clean(note or "").strip()
    now = timezone.now()
    won = MajorIncident.objects.filter(pk=incident.pk, state=IncidentState.CONFIRMED).update(
        state=IncidentState.STOOD_DOWN, stood_down_by=by, stood_down_at=now,
        stand_down_note=note[:500])
    incident = _reloaded(incident.pk)
    if not won:
        if incident.state == IncidentState.STOOD_DOWN and incident.stood_down_by_id == by.pk:
            return incident
        if incident.state == IncidentState.RAISED:
            raise Conflict(_("Only a confirmed incident is stood down: confirm or reject it "
                             "first."), state=incident.state)
        raise _refused(incident)
    log_write(incident=incident, kind="stood_down", by=by, at=now,
              text=gettext_noop("Stood down by %(name)s: %(note)s") if note
              else gettext_noop("Stood down by %(name)s"),
              params={"name": _name(by), "note": note})
    incident_event_publish(incident=incident, type_="incident.stood_down")
    # The stand-down ends mass-casualty triage (the crews' screens leave the mode).
    from .triage import triage_end

    triage_end(incident=incident, by=by)
    from .alarm import incident_alarm_stand_down

    incident_alarm_stand_down(incident=incident)
    return incident


@transaction.atomic
def incident_cases_add(*, incident: MajorIncident, by, cases) -> MajorIncident:
    """More cases of the same incident (a dispatcher or TiB), while it is raised or
    confirmed; a case already on it is no change."""
    if not follows_incidents(by):
        raise Forbidden(_("Only dispatchers and the official on duty add cases."))
    found = _cases_found(cases)
    if not found:
        raise Invalid(_("Name the cases to add."))
    incident = _reloaded(incident.pk)
    if incident.state not in (IncidentState.RAISED, IncidentState.CONFIRMED):
        raise Conflict(_("The incident is over (%(state)s): cases are no longer added.")
                       % {"state": incident.get_state_display()}, state=incident.state)
    have = set(incident.cases.values_list("pk", flat=True))
    new = [c for c in found if c.pk not in have]
    if not new:
        return incident
    incident.cases.add(*new)
    references = ", ".join(c.reference or str(c.pk) for c in new)
    log_write(incident=incident, kind="cases_added", by=by,
              text=gettext_noop("Cases added by %(name)s: %(cases)s"),
              params={"name": _name(by), "cases": references},
              data={"cases": [c.pk for c in new]})
    incident_event_publish(incident=incident, type_="incident.cases",
                           data={"cases": [c.pk for c in new]})
    return incident


def tib_users():
    """The officials on duty the product reaches: every active user of the TiB role."""
    return get_user_model().objects.filter(role=Role.TIB, is_active=True)


def confirm_sms_text(incident: MajorIncident) -> str:
    """The TiB's SMS, in Swedish (the product's language): the title and TiB's page on the
    site the texts point at (SMS_SITE_URL), no patient data."""
    exercise = "ÖVNING: " if incident.exercise else ""
    return (f"{exercise}Möjlig särskild händelse väntar på TiB: {incident.title}. "
            f"Larmad {_local_time(incident.raised_at)}. Bekräfta eller avvisa: "
            f"{settings.SMS_SITE_URL.rstrip('/')}/tib/")


@transaction.atomic
def incident_tib_text(*, incident_id: int) -> int:
    """Nobody confirmed or rejected in time: every TiB with a phone number is texted, once
    (a conditional UPDATE claims it, never after a decision). Returns the SMS queued."""
    now = timezone.now()
    claimed = MajorIncident.objects.filter(
        pk=incident_id, state=IncidentState.RAISED, tib_texted_at__isnull=True
    ).update(tib_texted_at=now)
    if not claimed:
        return 0
    incident = _reloaded(incident_id)
    text = confirm_sms_text(incident)
    officials = [u for u in tib_users() if u.phone_number]
    for user in officials:
        sms_queue(user=user, message=text, tag=f"incident-confirm-{incident.pk}")
    if not officials:
        logger.warning("Incident %s not confirmed in time and no TiB has a phone number: "
                       "nobody texted", incident.pk)
    log_write(incident=incident, kind="tib_texted", at=now,
              text=gettext_noop("Not confirmed in time: %(count)d officials on duty texted"),
              params={"count": len(officials)}, data={"users": [u.pk for u in officials]})
    return len(officials)
