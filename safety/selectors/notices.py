"""Reading risk notices (*skyddsinformation*) and their matches with cases. The reads the API
answers from, which write the access log, are in safety/access.py."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid, NotFound
from crews.models import Region
from dispatch.models import Case

from ..models import (
    MatchDecision,
    NoticeAcknowledgement,
    NoticeMatch,
    NoticeState,
    RiskNotice,
)
from ..services.matching import address_key

LIST_LIMIT = 500


def notice_queryset() -> QuerySet[RiskNotice]:
    return RiskNotice.objects.select_related("region", "entered_by", "reviewed_by",
                                             "source_partner")


def notice_list(*, state: str = "", region: str = "", q: str = "",
                expired: bool = False) -> QuerySet[RiskNotice]:
    """The notices, newest first: by state, region (id or code), words of the address or the
    background; an expired notice only with `expired` (it stays in the record)."""
    qs = notice_queryset()
    if state:
        if state not in NoticeState.values:
            raise Invalid(_("Unknown state “%(state)s”: use one of %(values)s.") % {
                "state": state, "values": ", ".join(NoticeState.values)})
        qs = qs.filter(state=state)
    if region:
        if region.isascii() and region.isdigit():
            qs = qs.filter(region__pk=int(region))
        elif Region.objects.filter(code__iexact=region).exists():
            qs = qs.filter(region__code__iexact=region)
        else:
            raise Invalid(_("Unknown region “%(region)s”: give a region's id or code, e.g. "
                            "?region=VML.") % {"region": region[:20]})
    if q:
        key = address_key(q)
        match = Q(address__icontains=q) | Q(background__icontains=q)
        if key:
            match |= Q(address_key=key)
        qs = qs.filter(match)
    if not expired:
        qs = qs.filter(valid_until__gt=timezone.now())
    return qs


def notice_get(pk: int) -> RiskNotice:
    notice = notice_queryset().filter(pk=pk).first()
    if notice is None:
        raise NotFound(_("No such notice."))
    return notice


def match_prefetch() -> Prefetch:
    """The crews' acknowledgements of the matches, their units and names: one query for all
    the matches (MATCH's `acknowledgements`), never one per match."""
    return Prefetch("acknowledgements", queryset=NoticeAcknowledgement.objects.select_related(
        "assignment__unit", "user"))


def match_queryset() -> QuerySet[NoticeMatch]:
    """Matches with what MATCH shows: the notice, who decided, the case, the crews'
    acknowledgements."""
    return NoticeMatch.objects.select_related(
        "notice__region", "notice__entered_by", "notice__reviewed_by",
        "notice__source_partner", "decided_by", "case").prefetch_related(match_prefetch())


def case_matches(case: Case, *, applied_only: bool = False) -> list[NoticeMatch]:
    qs = match_queryset().filter(case=case)
    if applied_only:  # the crew's view: only what is still in force
        qs = qs.filter(decision=MatchDecision.APPLIED, notice__state=NoticeState.ACTIVE,
                       notice__valid_until__gt=timezone.now())
    return list(qs)
