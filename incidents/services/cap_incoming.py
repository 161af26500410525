"""CAP 1.2 from the regions (*inkommande CAP*): validated against the schema, the sender
checked against the region the token belongs to, then either an acknowledgement (msgType
Ack) of one of our messages, which acknowledges that region's alarm, or the region's own
alarm (Alert, Update, Cancel), kept and shown on the consoles. A replay of the same sender
and identifier answers the stored one."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from core.errors import Forbidden, Invalid
from core.times import iso
from realtime.services import events_publish

from ..cap.build import CAP_NS
from ..cap.validate import CapInvalid, cap_validate
from ..models import AlarmRegion, CapMessage, IncomingCap, RegionAlarm
from ..streams import INCIDENTS_STREAM
from .alarm import region_alarm_acknowledge

# IncomingCap.identifier's and .sender's length: longer ones are refused, not cut (a cut one
# would miss its replay).
FIELD_MAX = 200


def _text(root: etree._Element, path: str) -> str:
    found = root.find(path, {"cap": CAP_NS})
    return (found.text or "").strip() if found is not None else ""


def _sent_at(text: str) -> datetime:
    """<sent> as a time: the schema's dateTime allows some Python does not read (hour 24)."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(_("The CAP message's <sent> is not a time we can read: \"%(sent)s\" "
                        "(give it as 2026-12-07T14:05:00+01:00).") % {"sent": text}) from None


def _referenced(references: str) -> list[str]:
    """The identifiers in <references> (`sender,identifier,sent` entries, space-separated)."""
    return [parts[1] for parts in (entry.split(",") for entry in references.split())
            if len(parts) == 3]


def incoming_cap_data(incoming: IncomingCap) -> dict:
    region = incoming.alarm_region
    return {"id": incoming.pk, "identifier": incoming.identifier, "sender": incoming.sender,
            "msg_type": incoming.msg_type, "status": incoming.status,
            "headline": incoming.headline, "sent_at": iso(incoming.sent_at),
            "received_at": iso(incoming.received_at), "incident": incoming.incident_id,
            "region": {"id": region.pk, "code": region.code, "name": region.name}}


def _acknowledge(*, region: AlarmRegion, root, sender_name: str) -> RegionAlarm:
    identifiers = _referenced(_text(root, "cap:references"))
    message = (CapMessage.objects.filter(identifier__in=identifiers)
               .order_by("-sent_at", "-pk").first()) if identifiers else None
    if message is None:
        raise Invalid(_("This Ack references none of our CAP messages: give <references> "
                        "as sender,identifier,sent of the message you acknowledge."))
    alarm = (RegionAlarm.objects.select_related("incident", "alarm_region")
             .filter(incident_id=message.incident_id, alarm_region=region).first())
    if alarm is None:
        raise Invalid(_("%(region)s was not alarmed for the incident of %(identifier)s.")
                      % {"region": region.name, "identifier": message.identifier})
    return region_alarm_acknowledge(region_alarm=alarm, by_name=sender_name or region.name,
                                    via=RegionAlarm.Via.CAP)


def incoming_cap_receive(*, region: AlarmRegion, xml: bytes) -> tuple[IncomingCap, bool]:
    """Take one CAP message `region` posted. Returns (stored, created); a replay of a
    (sender, identifier) already taken answers the stored one, created False."""
    try:
        root = cap_validate(xml)
    except CapInvalid as exc:
        raise Invalid(_("Not a valid CAP 1.2 alert: %(errors)s")
                      % {"errors": "; ".join(exc.errors)}, errors=exc.errors) from None
    sender, identifier = _text(root, "cap:sender"), _text(root, "cap:identifier")
    if len(identifier) > FIELD_MAX or len(sender) > FIELD_MAX:
        raise Invalid(_("The CAP message's identifier and sender may be at most %(n)s "
                        "characters each.") % {"n": FIELD_MAX})
    sent_at = _sent_at(_text(root, "cap:sent"))
    if not region.cap_sender or sender != region.cap_sender:
        raise Forbidden(_("This token belongs to %(region)s, which sends CAP as "
                          "\"%(expected)s\"; the message's sender is \"%(sender)s\".")
                        % {"region": region.name, "expected": region.cap_sender or "–",
                           "sender": sender})
    stored = IncomingCap.objects.filter(sender=sender, identifier=identifier).first()
    if stored is not None:
        return stored, False
    msg_type = _text(root, "cap:msgType")
    sender_name = _text(root, "cap:info/cap:senderName")
    try:
        with transaction.atomic():
            alarm = (_acknowledge(region=region, root=root, sender_name=sender_name)
                     if msg_type == "Ack" else None)
            incoming = IncomingCap.objects.create(
                alarm_region=region, identifier=identifier, sender=sender,
                msg_type=msg_type, status=_text(root, "cap:status"),
                sent_at=sent_at,
                received_at=timezone.now(), headline=_text(root, "cap:info/cap:headline")[:300],
                xml=xml.decode("utf-8", errors="replace"),
                incident=alarm.incident if alarm is not None else None)
            if msg_type in ("Alert", "Update", "Cancel"):
                events_publish(events=[(INCIDENTS_STREAM, "incident.incoming", {
                    "incoming": incoming_cap_data(incoming),
                    "text": _("Mass-casualty alarm from %(region)s") % {"region": region.name}
                    if msg_type != "Cancel" else
                    _("%(region)s stood its mass-casualty alarm down") % {"region": region.name},
                })])
    except IntegrityError:  # the same message posted twice at once: the other one won
        stored = IncomingCap.objects.filter(sender=sender, identifier=identifier).first()
        if stored is None:
            raise
        return stored, False
    return incoming, True
