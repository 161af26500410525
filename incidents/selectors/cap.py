"""Reads of CAP: the message of an incident to show, the region a CAP token belongs to."""

import hashlib
import hmac

from ..models import AlarmRegion, CapMessage


def cap_message_of(*, incident_id: int, identifier: str = "") -> CapMessage | None:
    """The incident's latest CAP message, or the one with `identifier`."""
    messages = CapMessage.objects.filter(incident_id=incident_id)
    if identifier:
        return messages.filter(identifier=identifier).first()
    return messages.order_by("-sent_at", "-pk").first()


def cap_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def alarm_region_by_cap_token(*, token: str) -> AlarmRegion | None:
    """The active region whose inbound token this is (its sha256 compared in constant time
    with `cap_inbound_token_hash`; a region without one accepts nothing). The outbound
    `cap_token`, which we send, is never accepted."""
    if not token:
        return None
    digest = cap_token_hash(token).encode("ascii")
    found = None
    for region in AlarmRegion.objects.filter(active=True).exclude(cap_inbound_token_hash=""):
        if hmac.compare_digest(region.cap_inbound_token_hash.encode("ascii"), digest):
            found = region
    return found
