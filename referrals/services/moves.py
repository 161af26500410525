"""The answers to a sent referral: the unit accepts (and holds the patient from then on) or
declines; the dispatcher withdraws it, also when the case is closed while it waits."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid
from core.times import CLOCK_SKEW
from dispatch.models import Case
from timers.services import timer_cancel

from ..events import publish_referral
from ..models import Referral
from ..statemachine import MOVES, UNANSWERED, sources
from .claims import hhmm, referral_claim, staff_check, transition_record
from .deadlines import ACCEPT_TIMER, referral_timers_cancel


@transaction.atomic
def referral_accept(*, referral: Referral, by, expected_visit_at: datetime | None = None,
                    ) -> Referral:
    """The unit takes the patient: from now on it is responsible."""
    staff_check(referral, by)
    now = timezone.now()
    if expected_visit_at is None:
        raise Invalid(_("Give the time you expect to visit the patient (expected_visit_at)."),
                      field="expected_visit_at")
    if expected_visit_at < now - CLOCK_SKEW:
        raise Invalid(_("The expected visit time has already passed; give when you will be "
                        "there."), field="expected_visit_at")
    if expected_visit_at > referral.deadline:
        raise Invalid(_("You expect to visit at %(visit)s, after the latest time the patient "
                        "must be seen (%(deadline)s). Decline instead, so the centre can find "
                        "another unit.") % {"visit": hhmm(expected_visit_at),
                                            "deadline": hhmm(referral.deadline)},
                      field="expected_visit_at")
    referral = referral_claim(referral, "accept", accepted_at=now, accepted_by=by,
                              expected_visit_at=expected_visit_at, state_changed_at=now)
    transition_record(referral, from_state=MOVES["accept"].source, by=by, at=now,
                      note=_("Visit expected at %(time)s") % {"time": hhmm(expected_visit_at)})
    timer_cancel(kind=ACCEPT_TIMER, key=str(referral.pk))
    publish_referral(referral, "referral.accepted")
    return referral


@transaction.atomic
def referral_decline(*, referral: Referral, by, reason: str = "") -> Referral:
    """The unit cannot take the patient; the centre stays responsible and finds another
    way."""
    staff_check(referral, by)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reason you decline, so the dispatcher can act on it."),
                      field="reason")
    now = timezone.now()
    referral = referral_claim(referral, "decline", declined_at=now,
                              decline_reason=reason[:300], state_changed_at=now)
    transition_record(referral, from_state=MOVES["decline"].source, by=by, at=now, note=reason)
    referral_timers_cancel(referral)
    publish_referral(referral, "referral.declined")
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, by, reason: str = "",
                      only_unanswered: bool = False) -> Referral:
    """The dispatcher takes the referral back (another unit, an ambulance, the patient
    called again): the centre is responsible. After acceptance the unit must be told why.
    only_unanswered: withdraw it only while it is still sent (an acceptance that got in first
    wins, and this is refused with a 409)."""
    reason = (reason or "").strip()
    referral = Referral.objects.select_related("unit").get(pk=referral.pk)
    if referral.state in MOVES["withdraw"].reason_from and not reason:
        raise Invalid(_("%(unit)s has accepted the patient: give the reason you withdraw the "
                        "referral.") % {"unit": referral.unit.call_sign}, field="reason")
    now = timezone.now()
    was = referral.state
    # Only unanswered: from the states a withdrawal without a reason starts from (an
    # acceptance that got in first wins).
    expected = sources("withdraw", with_reason=bool(reason) and not only_unanswered)
    referral = referral_claim(referral, "withdraw", expected=expected, withdrawn_at=now,
                              withdraw_reason=reason[:300], state_changed_at=now)
    transition_record(referral, from_state=was, by=by, at=now, note=reason)
    referral_timers_cancel(referral)
    publish_referral(referral, "referral.withdrawn")
    return referral


def referral_withdraw_for_closed_case(*, case: Case) -> Referral | None:
    """The dispatcher closed the case while a referral still waited for an answer: it is
    withdrawn, so the unit does not go to a patient the centre no longer holds. An accepted
    referral stays: the unit holds the patient, also when its acceptance lands between this
    look and the withdrawal (then the withdrawal is refused, not the acceptance undone)."""
    referral = Referral.objects.filter(case=case, state__in=UNANSWERED).first()
    if referral is None:
        return None
    return referral_withdraw(referral=referral, by=None, only_unanswered=True,
                             reason=_("The case was closed at the dispatch centre."))
