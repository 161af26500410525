"""The CAP 1.2 message of an incident (OASIS Common Alerting Protocol): one <alert> with one
<info> in Swedish, the profile the regions of the healthcare region read. The words are
Swedish whatever the reader's language (the message goes to other regions' systems)."""

import re
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from lxml import etree

from ..models import CapMessageType, MajorIncident, SituationReport

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
EVENT = "Masskadelarm / särskild händelse"
# What XML 1.0 refuses (lxml raises on it): a control character typed into a title must
# not stop the alarm.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
RESTRICTION = ("Sjukvårdsregionalt masskadelarm: endast för sjukvårdsregionens regioner "
               "(TiB, larmcentral, blodcentral).")


def cap_time(at: datetime) -> str:
    """CAP's dateTime: whole seconds and an explicit offset, never "Z" (CAP 1.2, 3.3.2)."""
    return timezone.localtime(at).replace(microsecond=0).isoformat()


def cap_identifier(incident: MajorIncident, number: int) -> str:
    """`<sender>:incident:<id>:<n>`: unique per sender, without spaces or commas."""
    return f"{settings.CAP_SENDER}:incident:{incident.pk}:{number}"


def cap_sender_of(identifier: str) -> str:
    """The sender of one of our messages, from its identifier (it starts with the sender it
    was sent as, even when CAP_SENDER has changed since)."""
    return identifier.rsplit(":incident:", 1)[0]


def cap_reference(message) -> str:
    """One entry of <references>: `sender,identifier,sent`."""
    return f"{cap_sender_of(message.identifier)},{message.identifier},{cap_time(message.sent_at)}"


def _count(value) -> str:
    return "okänt" if value is None else str(value)


def methane_text(report: SituationReport | None) -> str:
    """The latest METHANE report as the <description> (one line per letter)."""
    if report is None:
        return "Ingen lägesbild (METHANE) ännu."
    lines = [
        f"M: Särskild händelse deklarerad: {'ja' if report.major_incident_declared else 'nej'}",
        f"E: Exakt plats: {report.exact_location or '–'}",
        f"T: Typ av händelse: {report.incident_type or '–'}",
        f"H: Risker: {report.hazards or '–'}",
        f"A: Framkomlighet: {report.access or '–'}",
        f"N: Antal skadade: {_count(report.casualties_total)} (röda "
        f"{_count(report.casualties_red)}, gula {_count(report.casualties_yellow)}, gröna "
        f"{_count(report.casualties_green)}, döda {_count(report.casualties_dead)})",
        f"E: Resurser på plats: {report.services_present or '–'}; behövs: "
        f"{report.services_required or '–'}",
        f"(Lägesbild version {report.version}, {cap_time(report.written_at)})",
    ]
    return "\n".join(lines)


def _sub(parent, name: str, text: str | None = None):
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{name}")
    if text is not None:
        element.text = NOT_XML.sub("", text)
    return element


def _pair(parent, name: str, value_name: str, value: str) -> None:
    pair = _sub(parent, name)
    _sub(pair, "valueName", value_name)
    _sub(pair, "value", value)


def cap_alert_xml(incident: MajorIncident, msg_type: str, references: list, *,
                  identifier: str, sent: datetime) -> etree._Element:
    """The unsigned <alert>: `references` the earlier CapMessages of the incident (for an
    Update or a Cancel), `identifier` and `sent` those this message is stored with."""
    cancel = msg_type == CapMessageType.CANCEL
    report = incident.reports.order_by("-version").first()
    minimum = settings.INCIDENT_PLEDGE_MINIMUM
    alert = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(alert, "identifier", identifier)
    _sub(alert, "sender", settings.CAP_SENDER)
    _sub(alert, "sent", cap_time(sent))
    _sub(alert, "status", "Exercise" if incident.exercise else "Actual")
    _sub(alert, "msgType", msg_type)
    _sub(alert, "scope", "Restricted")
    _sub(alert, "restriction", RESTRICTION)
    if incident.exercise:
        _sub(alert, "note", "ÖVNING – inget verkligt larm.")
    if references:
        _sub(alert, "references", " ".join(cap_reference(m) for m in references))
    _sub(alert, "incidents", f"{settings.CAP_SENDER}:incident:{incident.pk}")
    info = _sub(alert, "info")
    _sub(info, "language", "sv-SE")
    _sub(info, "category", "Health")
    _sub(info, "event", EVENT)
    _sub(info, "responseType", "AllClear" if cancel else "Prepare")
    _sub(info, "urgency", "Immediate")
    _sub(info, "severity",
         "Extreme" if report is not None and report.major_incident_declared else "Severe")
    _sub(info, "certainty", "Observed")
    _sub(info, "senderName", f"Larmcentralen, {incident.region.name}")
    _sub(info, "headline", (f"Avblåst: {incident.title}" if cancel else incident.title)[:160])
    _sub(info, "description", methane_text(report))
    if cancel:
        note = incident.stand_down_note
        _sub(info, "instruction", "Den särskilda händelsen är avblåst; utlovade resurser "
                                  "återgår." + (f" {note}" if note else ""))
    else:
        _sub(info, "instruction", "Kvittera larmet och ange sekundära transportresurser "
                                  f"(minst {minimum}).")
    _pair(info, "parameter", "pledgeMinimum", str(minimum))
    _pair(info, "parameter", "incidentId", str(incident.pk))
    area = _sub(info, "area")
    _sub(area, "areaDesc", incident.location or incident.region.name)
    if incident.latitude is not None and incident.longitude is not None:
        _sub(area, "circle", f"{incident.latitude:.6f},{incident.longitude:.6f} 1.0")
    etree.indent(alert)
    return alert
