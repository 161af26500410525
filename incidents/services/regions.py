"""The regions' CAP tokens (*CAP-nycklar*): the inbound one a region posts its CAP to us with,
issued here and kept only as its sha256, so neither the database nor the admin can give it
away."""

import secrets

from django.db import transaction

from ..models import AlarmRegion
from ..selectors.cap import cap_token_hash


@transaction.atomic
def region_inbound_token_issue(*, region: AlarmRegion) -> str:
    """A new inbound token for `region` (the old one stops working). Returns it: the only
    time it is seen."""
    token = secrets.token_urlsafe(32)
    AlarmRegion.objects.filter(pk=region.pk).update(cap_inbound_token_hash=cap_token_hash(token))
    region.cap_inbound_token_hash = cap_token_hash(token)
    return token
