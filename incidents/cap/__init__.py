"""CAP 1.2 (OASIS Common Alerting Protocol) out: the incident's alarm, updates and stand-down
as signed, schema-valid XML, stored as sent (build.py, sign.py, validate.py)."""

import logging

from django.db import transaction
from django.utils import timezone
from lxml import etree

from ..models import CapMessage, CapMessageType, MajorIncident
from .build import cap_alert_xml, cap_identifier
from .sign import cap_sign
from .validate import cap_errors

logger = logging.getLogger(__name__)

__all__ = ["cap_message_create"]


@transaction.atomic
def cap_message_create(*, incident: MajorIncident, msg_type: str) -> CapMessage:
    """Build, sign, validate and store the next CAP message of `incident`: an Alert, or an
    Update or Cancel that references every earlier message of the incident."""
    if msg_type not in CapMessageType.values:
        raise ValueError(f"CAP msgType {msg_type!r} is not one we send")
    # One numbering per incident: the row lock orders two messages made at once.
    MajorIncident.objects.select_for_update().filter(pk=incident.pk).first()
    earlier = list(CapMessage.objects.filter(incident=incident).order_by("sent_at", "pk"))
    references = earlier if msg_type != CapMessageType.ALERT else []
    if msg_type != CapMessageType.ALERT and not earlier:
        logger.warning("CAP %s of incident %s references no earlier message", msg_type,
                       incident.pk)
    sent = timezone.now().replace(microsecond=0)
    identifier = cap_identifier(incident, len(earlier) + 1)
    signed = cap_sign(cap_alert_xml(incident, msg_type, references, identifier=identifier,
                                    sent=sent))
    errors = cap_errors(signed)
    if errors:  # our own message: a fault of the build, never sent
        raise ValueError(f"CAP message of incident {incident.pk} is not valid: {errors}")
    xml = etree.tostring(signed, xml_declaration=True, encoding="UTF-8").decode("utf-8")
    return CapMessage.objects.create(incident=incident, identifier=identifier,
                                     msg_type=msg_type, sent_at=sent, xml=xml)
