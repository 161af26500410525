"""How every move of a referral is made: one conditional UPDATE on its state (`WHERE state
= <expected>`) checked for exactly one row, so two staff members accepting at once, or an
acceptance racing the dispatcher's withdrawal, cannot both win, and the loser is told who
did. Each move also writes a ReferralTransition (*överlämning* trail) in the same
transaction."""

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden
from dispatch.models import Case

from .. import selectors
from ..models import Referral, ReferralState, ReferralTransition
from ..statemachine import MOVES, responsible_after, sources


def hhmm(value: datetime | None) -> str:
    """A time as the referral's messages show it: local hours and minutes."""
    return timezone.localtime(value).strftime("%H:%M") if value else "?"


def transition_record(referral: Referral, *, from_state: str, by, at: datetime,
                      note: str = "") -> ReferralTransition:
    return ReferralTransition.objects.create(
        referral=referral, from_state=from_state, to_state=referral.state, at=at,
        by=by if getattr(by, "pk", None) else None, responsible_after=referral.responsible,
        note=note[:300])


def referral_refused(referral: Referral, action: str) -> Conflict:
    """Why a move found the referral no longer where it expected it, saying who holds the
    patient now."""
    current = selectors.referral_queryset().get(pk=referral.pk)
    state, unit = current.state, current.unit.call_sign
    if state == ReferralState.WITHDRAWN:
        message = _("The dispatch centre withdrew this referral at %(time)s; the centre is "
                    "responsible for the patient.") % {"time": hhmm(current.withdrawn_at)}
    elif state == ReferralState.DECLINED:
        message = _("This referral was declined at %(time)s; the dispatch centre is "
                    "responsible for the patient.") % {"time": hhmm(current.declined_at)}
    elif state == ReferralState.ACCEPTED:
        message = _("This referral was already accepted at %(time)s by %(name)s; %(unit)s is "
                    "responsible for the patient.") % {
            "time": hhmm(current.accepted_at), "name": current.accepted_by or unit,
            "unit": unit}
    elif state == ReferralState.VISITED:
        message = _("The visit was already recorded at %(time)s (%(outcome)s).") % {
            "time": hhmm(current.visited_at),
            "outcome": current.get_outcome_display().lower()}
    else:
        message = _("The referral has not been accepted yet; accept it before you %(action)s.") \
            % {"action": action}
    return Conflict(message, state=state, responsible=current.responsible)


def case_lock(case_id: int) -> None:
    """Every move of a referral locks its case's row first, as the dispatcher's actions on
    the case do (closing it withdraws its referral): one order, case → referral → event
    streams, so a move racing the close waits for it instead of deadlocking with it."""
    list(Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True))


def referral_claim(referral: Referral, action: str, *, expected: Sequence[str] | None = None,
                   outcome: str | None = None, **changes) -> Referral:
    """Make a move of the state machine with one conditional UPDATE from its source states
    (or `expected`, a part of them) to its target; exactly one row or a 409."""
    move = MOVES[action]
    if outcome is not None:
        changes["outcome"] = outcome  # decides who is responsible after, and is recorded
    case_lock(referral.case_id)
    claimed = Referral.objects.filter(
        pk=referral.pk, state__in=list(sources(action) if expected is None else expected)).update(
        state=move.target, responsible=responsible_after(action, outcome=outcome), **changes)
    if claimed != 1:
        raise referral_refused(referral, move.verb)
    return selectors.referral_queryset().get(pk=referral.pk)


def staff_check(referral: Referral, by) -> None:
    if not selectors.is_staff_of(by, referral.unit_id):
        raise Forbidden(_("Only the staff of %(unit)s answer this referral.")
                        % {"unit": referral.unit.call_sign})
