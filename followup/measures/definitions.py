"""The one home of what the seven measures (*mått*, seed 000 §3) are: unit, the sentence a
person reads, and the case filters they are built of. compute.py counts by these; README
"The seven measures, targets and deviations" says the same in words."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dispatch.models import PRIORITY_ONE, PRIORITY_TWO, CaseType, Priority
from followup.models import Measure

SECONDS = "seconds"
SHARE = "share"

# Measure 4 leaves out the case types where no transport to hospital is expected (seed 000).
NO_TRANSPORT_EXPECTED: tuple[str, ...] = (CaseType.CARDIAC_ARREST, CaseType.ALLERGIC_REACTION,
                                          CaseType.EVENT)
RECONTACT_HOURS = 24
ADMITTED_DAYS = 3
# The trend: this tertial against the previous three.
TREND_TERTIALS = 3


@dataclass(frozen=True)
class Definition:
    measure: int
    unit: str
    definition: Promise

    @property
    def name(self) -> str:
        return str(Measure(self.measure).label)


DEFINITIONS: dict[int, Definition] = {d.measure: d for d in (
    Definition(1, SECONDS, _(
        "The median time from the answer of the call to the first alert of a unit, over the "
        "cases dispatched at priority 1A.")),
    Definition(2, SECONDS, _(
        "The median time from queue to answer of the answered calls on prioritised lines, "
        "from the call log; for a region and tertial without a call log, from the cases "
        "registered from a prioritised line.")),
    Definition(3, SHARE, _(
        "Of the cases with MBS priority 1 (1A or 1B), the share dispatched at priority 2 "
        "(2A or 2B).")),
    Definition(4, SHARE, _(
        "Of the completed assignments of cases dispatched at priority 1, the share without "
        "transport to hospital; cardiac arrests, allergic reactions and events are left "
        "out.")),
    Definition(5, SHARE, _(
        "Of the referral cases with a personal identity number, the share followed within "
        "24 hours by a case for the same person dispatched at priority 1.")),
    Definition(6, SHARE, _(
        "Of the referral cases with a personal identity number, the share followed within "
        "3 days by an admission from an emergency department; no data without hospital "
        "visits for the period.")),
    Definition(7, SHARE, _(
        "Of the priority changes (a chosen priority other than MBS's at registration, and "
        "every later change of the priority), the share with a reason given.")),
)}


def prefixed(q: Q, prefix: str) -> Q:
    """`q` with every lookup under `prefix` (e.g. "case__"), to filter related rows by the
    case's definitions."""
    if not prefix:
        return q
    copy = Q(*[prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1])
               for c in q.children], _connector=q.connector, _negated=q.negated)
    return copy


def dispatched_at(priorities, *, alerted: bool = True) -> Q:
    """Cases dispatched at one of `priorities`: the priority of the first alert, or the chosen
    priority for a record without one (dispatch.models.Case.alerted_priority). With
    `alerted=False` a case never alerted counts by its chosen priority (measure 3)."""
    wanted = list(priorities)
    q = Q(first_alert_priority__in=wanted) | Q(first_alert_priority="", priority__in=wanted)
    return Q(first_alert_at__isnull=False) & q if alerted else q


DISPATCHED_1A = dispatched_at([Priority.P1A])
MBS_PRIORITY_ONE = Q(mbs_priority__in=list(PRIORITY_ONE))
OUT_AS_PRIORITY_TWO = dispatched_at(PRIORITY_TWO, alerted=False)
REFERRAL_WITH_PERSON = Q(priority=Priority.REFERRAL) & ~Q(pin_key="")
