"""What a partner organisation may read: the shareable, active, unexpired notices of its
regions, and the exchange log the manager and administrators read."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from ..models import NoticeState, Partner, PartnerExchange, RiskNotice

LOG_LIMIT = 500


def partner_of_user(*, user) -> Partner | None:
    """The active partner whose service account `user` is."""
    return (Partner.objects.prefetch_related("regions")
            .filter(user=user, active=True).first())


def partner_notices_shared(*, partner: Partner, now: datetime | None = None
                           ) -> QuerySet[RiskNotice]:
    """The notices the partner may read now (*delade*): shareable, active, still valid, of
    its regions."""
    now = now or timezone.now()
    return (RiskNotice.objects.select_related("region", "source_partner")
            .filter(shareable=True, state=NoticeState.ACTIVE, valid_until__gt=now,
                    region__in=partner.regions.all())
            .order_by("id"))


def partner_notices_since(*, partner: Partner, since: datetime | None,
                          now: datetime | None = None) -> QuerySet[RiskNotice]:
    """The shared notices entered, changed or approved at or after `since` (all without it):
    `changed_at`, which every change of a notice sets. A notice withdrawn or expired since is
    not among them; the answer's `shared_ids` no longer holds it."""
    qs = partner_notices_shared(partner=partner, now=now)
    if since is not None:
        qs = qs.filter(changed_at__gte=since)
    return qs


def exchange_list(*, partner: int | None = None) -> QuerySet[PartnerExchange]:
    """The exchange log, newest first (at most LOG_LIMIT), of one partner when given."""
    qs = PartnerExchange.objects.select_related("partner")
    if partner is not None:
        qs = qs.filter(partner_id=partner)
    return qs[:LOG_LIMIT]
