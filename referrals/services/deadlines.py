"""A referral's two stored timers: nobody accepted in time (the dispatcher is alerted), and
the latest time the patient must be seen passed without a recorded visit (both sides are).
referrals/timers.py hands the fired timers to the actions here."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from timers.services import timer_cancel, timer_schedule

from .. import selectors
from ..events import publish_referral
from ..models import OPEN_STATES, Referral
from ..statemachine import UNANSWERED
from .claims import case_lock, transition_record

# Timer kinds: stored in timer rows, so they never change.
ACCEPT_TIMER = "referrals.accept_overdue"
DEADLINE_TIMER = "referrals.deadline"


def referral_timers_schedule(referral: Referral, *, now: datetime, deadline: datetime) -> None:
    timer_schedule(kind=ACCEPT_TIMER, key=str(referral.pk),
                   due_at=now + timedelta(seconds=settings.REFERRAL_ACCEPT_SECONDS))
    timer_schedule(kind=DEADLINE_TIMER, key=str(referral.pk), due_at=deadline)


def referral_timers_cancel(referral: Referral) -> None:
    timer_cancel(kind=ACCEPT_TIMER, key=str(referral.pk))
    timer_cancel(kind=DEADLINE_TIMER, key=str(referral.pk))


@transaction.atomic
def referral_mark_overdue(*, referral_id: int) -> Referral | None:
    """Fired by the stored timer: nobody accepted in time. The referral stays sent (the
    centre is responsible) and the dispatcher is alerted to pick another unit or send an
    ambulance."""
    case_id = Referral.objects.filter(pk=referral_id).values_list("case_id", flat=True).first()
    if case_id is None:
        return None
    case_lock(case_id)
    now = timezone.now()
    marked = Referral.objects.filter(pk=referral_id, state__in=UNANSWERED,
                                     overdue=False).update(overdue=True, overdue_at=now)
    if marked != 1:
        return None
    referral = selectors.referral_queryset().get(pk=referral_id)
    transition_record(referral, from_state=referral.state, by=None, at=now,
                      note=_("Not accepted within %(minutes)s min: the dispatcher is alerted")
                      % {"minutes": round(settings.REFERRAL_ACCEPT_SECONDS / 60)})
    publish_referral(referral, "referral.overdue")
    return referral


@transaction.atomic
def referral_deadline_passed(*, referral_id: int) -> Referral | None:
    """Fired by the stored timer at the latest time to be seen: the patient is not seen yet
    (still sent, or accepted without a recorded visit). Both sides are alerted; whoever holds
    the patient stays responsible and must act."""
    case_id = Referral.objects.filter(pk=referral_id).values_list("case_id", flat=True).first()
    if case_id is None:
        return None
    case_lock(case_id)
    referral = (Referral.objects.select_for_update().filter(
        pk=referral_id, state__in=OPEN_STATES).first())
    if referral is None:
        return None
    referral = selectors.referral_queryset().get(pk=referral_id)
    transition_record(referral, from_state=referral.state, by=None, at=timezone.now(),
                      note=_("The latest time to be seen passed without a recorded visit"))
    publish_referral(referral, "referral.deadline_passed")
    return referral
