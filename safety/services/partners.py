"""Partner organisations (*samverkansparter*): their service accounts and tokens, the notices
they read and post, and the log of every exchange with them."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.services import api_token_issue
from core.errors import Conflict, Forbidden, Invalid
from crews.models import Region

from ..models import (
    ExchangeDirection,
    NoticeSource,
    NoticeState,
    Partner,
    PartnerExchange,
    PartnerKind,
    RiskNotice,
)
from ..selectors.partners import partner_notices_shared, partner_notices_since
from .notices import notice_create

# Where a partner's notice comes from, by the partner's kind.
SOURCE_OF_KIND = {PartnerKind.POLICE: NoticeSource.POLICE,
                  PartnerKind.SOS_ALARM: NoticeSource.SOS_ALARM,
                  PartnerKind.OTHER_CENTRE: NoticeSource.OTHER_CENTRE}


def partner_regions_resolve(*, codes: list[str]) -> list[Region]:
    """The regions named by their codes (`VML,ORE`); an unknown code is refused in words."""
    wanted = [code.strip().upper() for code in codes if code.strip()]
    if not wanted:
        raise Invalid("Name at least one region the partner shares notices for, e.g. VML.")
    found = {region.code: region for region in Region.objects.filter(code__in=wanted)}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        known = ", ".join(Region.objects.order_by("code").values_list("code", flat=True))
        raise Invalid(f"Unknown region {', '.join(unknown)}: the regions are {known}.")
    return [found[code] for code in wanted]


@transaction.atomic
def partner_create(*, name: str, kind: str, regions: list[Region], username: str = "",
                   by=None) -> tuple[Partner, str]:
    """A partner and its service account (role partner, no password) with a first token:
    returns the partner and the token's key, which exists nowhere else afterwards."""
    name = name.strip()
    if not name:
        raise Invalid("Give the partner a name, e.g. \"Polisregion Bergslagen\".")
    if kind not in PartnerKind.values:
        raise Invalid(f"Unknown kind {kind!r}: use one of {', '.join(PartnerKind.values)}.")
    if not regions:
        raise Invalid("Name at least one region the partner shares notices for, e.g. VML.")
    if Partner.objects.filter(name__iexact=name).exists():
        raise Conflict(f"A partner named {name!r} exists already: issue it a new token "
                       "with `manage.py partner_token` instead.")
    username = username or _username_for(name)
    if User.objects.filter(username=username).exists():
        raise Conflict(f"The user name {username!r} is taken: choose another.")
    user = User(username=username, role=Role.PARTNER, display_name=name,
                is_service_account=True)
    user.set_unusable_password()
    user.save()
    partner = Partner.objects.create(name=name, kind=kind, user=user,
                                     created_at=timezone.now())
    partner.regions.set(regions)
    _token, key = api_token_issue(user=user, by=by, label=f"Partner {name}")
    return partner, key


def partner_token_issue(*, partner: Partner, by=None) -> str:
    """A new token for the partner's service account (the earlier ones keep working until
    revoked or expired): the key, shown once."""
    if not partner.active:
        raise Conflict(f"{partner.name} is no longer an active partner.")
    _token, key = api_token_issue(user=partner.user, by=by, label=f"Partner {partner.name}")
    return key


def _username_for(name: str) -> str:
    base = "partner-" + "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    base = base[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def partner_exchange_log(*, partner: Partner, direction: str, notice_ids: list[int],
                         what: str) -> PartnerExchange:
    """One line in the exchange log (*utbyteslogg*): every read and every post by a partner."""
    assert direction in ExchangeDirection.values
    return PartnerExchange.objects.create(partner=partner, direction=direction,
                                          at=timezone.now(), notice_ids=list(notice_ids),
                                          what=what[:200])


@transaction.atomic
def partner_notices_send(*, partner: Partner, since: datetime | None
                         ) -> tuple[list[RiskNotice], list[int], datetime]:
    """The notices a partner reads (*delar ut*): the shared ones (changed since `since`), the
    ids of all shared now and the time of the answer; logged as one exchange."""
    now = timezone.now()
    notices = list(partner_notices_since(partner=partner, since=since, now=now))
    shared = list(partner_notices_shared(partner=partner, now=now).values_list("id", flat=True))
    what = (f"{len(notices)} notices read, changed since {since.isoformat()}" if since
            else f"{len(notices)} notices read")
    partner_exchange_log(partner=partner, direction=ExchangeDirection.SENT,
                         notice_ids=[n.pk for n in notices], what=what)
    return notices, shared, now


def _partner_region(partner: Partner, region: str) -> Region:
    text = (region or "").strip()
    own = list(partner.regions.all())
    found = next((r for r in own if r.code.upper() == text.upper() or str(r.pk) == text), None)
    if found is None:
        raise Forbidden(_("Region %(region)s is not one of yours: %(partner)s shares notices "
                          "for %(own)s only.") % {
            "region": text or "?", "partner": partner.name,
            "own": ", ".join(r.code for r in own) or "-"})
    return found


@transaction.atomic
def partner_notice_propose(*, partner: Partner, region: str, by, **fields) -> RiskNotice:
    """A notice a partner sends (*tar emot*): proposed, with the partner as its source, for
    one of the partner's regions; a dispatcher or the manager reviews it before it matches.
    Logged as one exchange."""
    notice = notice_create(region=_partner_region(partner, region),
                           source=SOURCE_OF_KIND[partner.kind], source_partner=partner,
                           state=NoticeState.PROPOSED, by=by, **fields)
    partner_exchange_log(partner=partner, direction=ExchangeDirection.RECEIVED,
                         notice_ids=[notice.pk],
                         what=f"Notice proposed: {notice.category}, "
                              f"{notice.region.code}")
    return notice
