"""The regional mass-casualty alarm (*sjukvårdsregionalt masskadelarm*): on TiB's confirmation
every active region of the healthcare region gets a RegionAlarm, and each of its people (TiB,
dispatch centre, blood centre) a text with a link of their own (a random token, stored only
as its hash) to acknowledge (*kvittera*) and pledge without an account; the product's own
users among them see it on the incidents stream as well. The CAP 1.2 Alert goes to the
regions' endpoints (incidents.cap). A stored timer texts the people of every region that has
not acknowledged again each INCIDENT_ACK_REMIND_SECONDS until all have or the incident is
stood down; the stand-down is sent as CAP Cancel and a text to everyone alarmed."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.roles import follows_incidents
from core.errors import Forbidden, Invalid
from core.text import text_clean
from push.services import sms_queue_to_number, sms_withdraw_by_tag
from timers.services import timer_cancel, timer_schedule

from ..models import (
    AlarmRegion,
    CapMessageType,
    ContactAlarm,
    ContactKind,
    IncidentLogEntry,
    IncidentState,
    MajorIncident,
    RegionAlarm,
)
from .events import incident_event_publish
from .log import log_write

logger = logging.getLogger(__name__)

# Timer kind: stored in timer rows, so it never changes.
ALARM_REMIND = "incidents.alarm_remind"
REMINDED_LOG = "alarm.reminded"
SMS_LIMIT = 320
# GSM 7-bit has none of these; a title typed on a Mac may.
_GSM_REPLACEMENTS = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'",
                                   "\u201c": '"', "\u201d": '"', "\u2026": "...",
                                   "\u00a0": " "})


def alarm_tag(incident: MajorIncident) -> str:
    """The tag of the incident's alarm and reminder texts (withdrawn at the stand-down)."""
    return f"incident-alarm-{incident.pk}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_url(token: str) -> str:
    """The contact's page (frontend.incident_link) on the site the texts point at."""
    return f"{settings.SMS_SITE_URL.rstrip('/')}/larm/{token}"


def _fit(head: str, title: str, tail: str) -> str:
    """`head` + title + `tail` in one text of at most SMS_LIMIT characters: the title is cut
    (never the link), GSM-safe."""
    room = SMS_LIMIT - len(head) - len(tail)
    title = title.translate(_GSM_REPLACEMENTS)
    if len(title) > room:
        title = title[:max(room - 3, 0)].rstrip() + "..."
    return (head + title + tail).translate(_GSM_REPLACEMENTS)


def _exercise(incident: MajorIncident) -> str:
    return "ÖVNING " if incident.exercise else ""


def alarm_text(*, incident: MajorIncident, token: str, reminder: bool = False) -> str:
    """The alarm's text, in Swedish (the regions' language), whatever the sender's."""
    again = "PÅMINNELSE, EJ KVITTERAT: " if reminder else ""
    head = f"{_exercise(incident)}{again}MASSKADELARM {incident.region.name}: "
    return _fit(head, incident.title, f". Kvittera och ange resurser: {link_url(token)}")


def stand_down_text(*, incident: MajorIncident) -> str:
    return _fit(f"{_exercise(incident)}Särskild händelse avblåst: ", incident.title, "")


def _number(contact) -> str:
    """The contact's own phone, else its user's."""
    return contact.phone or (getattr(contact.user, "phone_number", "") if contact.user_id
                             else "") or ""


def _text(contact, message: str, tag: str, secret: str = ""):
    """Text one contact; a contact without a usable number is logged, not fatal (the others
    still get theirs)."""
    number = _number(contact)
    if not number:
        logger.warning("Alarm contact %s has no phone number: not texted", contact.pk)
        return None
    try:
        return sms_queue_to_number(to=number, message=message, tag=tag, secret=secret)
    except Invalid:
        logger.error("Alarm contact %s: the phone number is not in E.164 form; not texted",
                     contact.pk)
        return None


def _contact_text(*, contact_alarm: ContactAlarm, incident: MajorIncident,
                  reminder: bool = False) -> None:
    """A fresh link for the contact (the hash kept, the token only in the text) and the text
    carrying it. A reminder's is a new ContactAlarm row: the links before it keep working
    (a region's TiB may be typing a pledge on one)."""
    token = secrets.token_urlsafe(24)
    contact_alarm.token_hash = token_hash(token)
    sms = _text(contact_alarm.contact, alarm_text(incident=incident, token=token,
                                                  reminder=reminder),
                tag=alarm_tag(incident), secret=token)
    contact_alarm.sms_id = sms.pk if sms is not None else None


def _cap_send(*, incident: MajorIncident, msg_type: str, region_alarms: list) -> None:
    """The CAP 1.2 message to the regions with an endpoint (incidents.cap builds, signs and
    stores it; cap_delivery posts and retries)."""
    from ..cap import cap_message_create
    from .cap_delivery import cap_deliveries_start

    message = cap_message_create(incident=incident, msg_type=msg_type)
    cap_deliveries_start(message=message, region_alarms=region_alarms)


def _remind_schedule(incident: MajorIncident) -> None:
    timer_schedule(kind=ALARM_REMIND, key=str(incident.pk),
                   due_at=timezone.now() + timedelta(seconds=settings.INCIDENT_ACK_REMIND_SECONDS))


def _locked(incident: MajorIncident) -> MajorIncident:
    return MajorIncident.objects.select_for_update(of=("self",)).select_related("region").get(
        pk=incident.pk)


@transaction.atomic
def incident_alarm_send(*, incident: MajorIncident) -> list[RegionAlarm]:
    """The alarm to every active region: a RegionAlarm each, a ContactAlarm and a text per
    active contact, the log, `incident.alarm`, the CAP Alert, the reminder timer. Idempotent:
    a second call adds no region already alarmed. Returns the RegionAlarms it created."""
    incident = _locked(incident)
    if incident.state in (IncidentState.REJECTED, IncidentState.STOOD_DOWN):
        logger.warning("Incident %s is %s: no alarm sent", incident.pk, incident.state)
        return []
    now = timezone.now()
    regions = list(AlarmRegion.objects.filter(active=True).exclude(alarms__incident=incident)
                   .prefetch_related("contacts__user"))
    created = []
    for region in regions:
        region_alarm = RegionAlarm.objects.create(incident=incident, alarm_region=region,
                                                  sent_at=now)
        contact_alarms = []
        for contact in region.contacts.all():
            if not contact.active:
                continue
            contact_alarm = ContactAlarm(region_alarm=region_alarm, contact=contact,
                                         sent_at=now)
            _contact_text(contact_alarm=contact_alarm, incident=incident)
            contact_alarms.append(contact_alarm)
        ContactAlarm.objects.bulk_create(contact_alarms)
        log_write(incident=incident, kind="alarm.sent", alarm_region=region, at=now,
                  text=gettext_noop("Alarm sent to %(region)s"),
                  params={"region": region.name},
                  data={"contacts": len(contact_alarms)})
        created.append(region_alarm)
    if not created:
        return []
    incident_event_publish(incident=incident, type_="incident.alarm",
                           data={"regions": [a.alarm_region_id for a in created]})
    _cap_send(incident=incident, msg_type=CapMessageType.ALERT, region_alarms=created)
    _remind_schedule(incident)
    return created


@transaction.atomic
def incident_alarm_update(*, incident: MajorIncident) -> None:
    """A new situation report shared with the regions already alarmed: a CAP Update, no
    texts (their page shows the latest report)."""
    incident = _locked(incident)
    region_alarms = list(incident.region_alarms.select_related("alarm_region"))
    if incident.state != IncidentState.CONFIRMED or not region_alarms:
        return
    _cap_send(incident=incident, msg_type=CapMessageType.UPDATE, region_alarms=region_alarms)


@transaction.atomic
def incident_alarm_stand_down(*, incident: MajorIncident) -> None:
    """The stand-down (*avblåsning*) to every region alarmed: CAP Cancel and a text to every
    contact alarmed; no more reminders."""
    incident = _locked(incident)
    timer_cancel(kind=ALARM_REMIND, key=str(incident.pk))
    region_alarms = list(incident.region_alarms.select_related("alarm_region"))
    if not region_alarms:
        return
    # An alarm or reminder text still queued (a retry's backoff) must not arrive after the
    # stand-down's.
    sms_withdraw_by_tag(tag=alarm_tag(incident))
    text = stand_down_text(incident=incident)
    contact_alarms = ContactAlarm.objects.filter(
        region_alarm__incident=incident).select_related("contact__user")
    texted = sum(1 for contact_alarm in contact_alarms
                 if _text(contact_alarm.contact, text, tag=f"incident-stand-down-{incident.pk}"))
    for region_alarm in region_alarms:
        log_write(incident=incident, kind="alarm.stood_down",
                  alarm_region=region_alarm.alarm_region,
                  text=gettext_noop("Stand-down sent to %(region)s"),
                  params={"region": region_alarm.alarm_region.name})
    incident_event_publish(incident=incident, type_="incident.alarm",
                           data={"stood_down": True, "texted": texted})
    _cap_send(incident=incident, msg_type=CapMessageType.CANCEL, region_alarms=region_alarms)


def _to_remind(region_alarm: RegionAlarm) -> list[ContactAlarm]:
    """The region's active contacts with a number who have not acknowledged through any of
    their links (the blood centre that did is not texted again): each one's latest link."""
    rows = list(region_alarm.contact_alarms.filter(contact__active=True)
                .select_related("contact__user").order_by("contact_id", "sent_at", "pk"))
    acknowledged = {c.contact_id for c in rows if c.acknowledged_at is not None}
    if region_alarm.blood_centre_acknowledged_at is not None:
        acknowledged |= {c.contact_id for c in rows
                         if c.contact.kind == ContactKind.BLOOD_CENTRE}
    latest = {c.contact_id: c for c in rows}
    return [c for contact_id, c in latest.items()
            if contact_id not in acknowledged and _number(c.contact)]


@transaction.atomic
def region_alarms_remind(*, incident_id: int) -> int:
    """The reminder timer: the people of every region that has not acknowledged are texted
    again (a new link each, the earlier still valid), at most INCIDENT_ACK_REMIND_MAX times
    a region, until every region has or the incident is stood down. A region with nobody
    left to text is skipped (no log, no event). Returns the regions reminded."""
    incident = (MajorIncident.objects.select_for_update(of=("self",)).select_related("region")
                .filter(pk=incident_id).first())
    if incident is None or incident.state != IncidentState.CONFIRMED:
        return 0
    pending = list(incident.region_alarms.filter(acknowledged_at__isnull=True)
                   .select_related("alarm_region"))
    limit = settings.INCIDENT_ACK_REMIND_MAX
    reminded_before = dict(
        IncidentLogEntry.objects.filter(incident=incident, kind=REMINDED_LOG)
        .values("alarm_region").annotate(n=Count("pk")).values_list("alarm_region", "n"))
    pending = [a for a in pending if reminded_before.get(a.alarm_region_id, 0) < limit]
    now = timezone.now()
    reminded = []
    for region_alarm in pending:
        contact_alarms = []
        for earlier in _to_remind(region_alarm):
            contact_alarm = ContactAlarm(region_alarm=region_alarm, contact=earlier.contact,
                                         sent_at=now)
            _contact_text(contact_alarm=contact_alarm, incident=incident, reminder=True)
            contact_alarms.append(contact_alarm)
        if not contact_alarms:
            continue
        ContactAlarm.objects.bulk_create(contact_alarms)
        region_alarm.reminded_at = now
        region_alarm.save(update_fields=["reminded_at"])
        log_write(incident=incident, kind=REMINDED_LOG, alarm_region=region_alarm.alarm_region,
                  at=now, text=gettext_noop("Not acknowledged: %(region)s texted again"),
                  params={"region": region_alarm.alarm_region.name},
                  data={"contacts": len(contact_alarms)})
        reminded.append(region_alarm)
    if reminded:
        incident_event_publish(incident=incident, type_="incident.alarm",
                               data={"reminded": [a.alarm_region_id for a in reminded]})
    if any(reminded_before.get(a.alarm_region_id, 0) + (a in reminded) < limit
           for a in pending):
        _remind_schedule(incident)
    return len(reminded)


def _acknowledged_text(blood_centre: bool) -> str:
    if blood_centre:
        return gettext_noop("Blood centre of %(region)s acknowledged the alarm (%(name)s)")
    return gettext_noop("%(region)s acknowledged the alarm (%(name)s)")


@transaction.atomic
def region_alarm_acknowledge(*, region_alarm: RegionAlarm, by_name: str, via: str, by=None,
                             blood_centre: bool = False) -> RegionAlarm:
    """The region's acknowledgement (*kvittens*), or with `blood_centre` its blood centre's
    (tracked apart: it does not acknowledge the region). Claimed by a conditional UPDATE:
    the first keeps its time and name, a second is a no-op."""
    if by is not None and not follows_incidents(by):
        raise Forbidden(_("Only a dispatcher or TiB records a region's acknowledgement."))
    if via not in RegionAlarm.Via.values:
        raise Invalid(_("Unknown way of acknowledging: %(via)s.") % {"via": via})
    if by is not None and not by_name.strip():
        by_name = getattr(by, "display_name", "") or by.get_username()
    by_name = text_clean(by_name).strip()[:120]
    if not by_name:
        raise Invalid(_("Who acknowledged? Give their name."))
    # Taken after a stand-down too: a late acknowledgement is still when the region answered
    # (a region's system may Ack our Cancel; the link page offers nothing by then).
    incident = region_alarm.incident
    now = timezone.now()
    if blood_centre:
        claimed = RegionAlarm.objects.filter(
            pk=region_alarm.pk, blood_centre_acknowledged_at__isnull=True).update(
            blood_centre_acknowledged_at=now, blood_centre_acknowledged_by=by_name)
    else:
        claimed = RegionAlarm.objects.filter(
            pk=region_alarm.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=by_name, acknowledged_via=via)
    region_alarm.refresh_from_db()
    if claimed:
        log_write(incident=incident, kind="alarm.blood_centre_acknowledged" if blood_centre
                  else "alarm.acknowledged", by=by, by_name=by_name,
                  alarm_region=region_alarm.alarm_region, at=now,
                  text=_acknowledged_text(blood_centre),
                  params={"region": region_alarm.alarm_region.name, "name": by_name},
                  data={"via": via})
        incident_event_publish(incident=incident, type_="incident.alarm",
                               data={"acknowledged": region_alarm.alarm_region_id,
                                     "blood_centre": blood_centre})
    return region_alarm


def contact_alarm_by_token(*, token: str) -> ContactAlarm | None:
    """The contact's alarm its link opens (the first alarm's or a reminder's: each stays
    valid); None for an unknown link."""
    if not token or len(token) > 100:
        return None
    return (ContactAlarm.objects
            .select_related("contact", "region_alarm__alarm_region",
                            "region_alarm__incident__region")
            .filter(token_hash=token_hash(token)).first())


def contact_alarm_open(*, contact_alarm: ContactAlarm) -> None:
    """The first look at the link page (an SMS app's preview may be that look)."""
    if contact_alarm.opened_at is None:
        now = timezone.now()
        if ContactAlarm.objects.filter(pk=contact_alarm.pk, opened_at__isnull=True).update(
                opened_at=now):
            contact_alarm.opened_at = now


@transaction.atomic
def contact_alarm_acknowledge(*, contact_alarm: ContactAlarm) -> RegionAlarm:
    """The contact's "Kvittera" on the link page: their own time, and the region's (the
    blood centre's apart) unless someone was first."""
    now = timezone.now()
    if ContactAlarm.objects.filter(pk=contact_alarm.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now):
        contact_alarm.acknowledged_at = now
    contact = contact_alarm.contact
    return region_alarm_acknowledge(
        region_alarm=contact_alarm.region_alarm, by_name=contact.name,
        via=RegionAlarm.Via.LINK, blood_centre=contact.kind == ContactKind.BLOOD_CENTRE)
