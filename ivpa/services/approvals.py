"""Vetting of volunteers (*godkännande*): a volunteer's own word on their training lets them
register and make themself available, but only an approval by an administrator or by a
coordinator of their home municipality lets them be alerted (and so ever see a door code or
a defibrillator's code). Every approval, revocation and reset is kept (ResponderApproval)."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid, NotFound

from .. import selectors
from ..events import publish_callout
from ..models import (
    ENGAGED,
    AlertStatus,
    Approval,
    ApprovalAction,
    Callout,
    Responder,
    ResponderAlert,
    ResponderApproval,
    ResponderKind,
)
from .waves import alerts_stand_down, callout_reopen_if_short


def _locked_volunteer(responder: Responder, by) -> Responder:
    """The responder, locked, if `by` may vet them; a volunteer outside the approver's
    municipalities does not exist for them (404, as for any row that is not theirs)."""
    if not selectors.volunteers_for_approver(by).filter(pk=responder.pk).exists():
        raise NotFound(_("No such volunteer among those you approve."))
    return Responder.objects.select_for_update().get(pk=responder.pk)


def _record(responder: Responder, action: str, *, by, at: datetime, reason: str = "") -> None:
    ResponderApproval.objects.create(
        responder=responder, action=action, at=at, by=by, training=responder.training,
        trained_on=responder.trained_on, valid_until=responder.approved_until,
        reason=reason[:200])


def _stand_down(responder: Responder, now: datetime) -> None:
    """A volunteer who is no longer approved leaves every running alert at once: they are told
    it ended, and the alert no longer shows where to go (ivpa.access.destination_shown). One
    who had accepted leaves the callout as a decline would: if too few remain, the next wave
    goes out at once, and the console sees the callout change."""
    running = [AlertStatus.ALERTED, *ENGAGED]
    callout_ids = set(ResponderAlert.objects.filter(
        responder=responder, callout__ended_at__isnull=True, status__in=running,
    ).values_list("callout_id", flat=True))
    for callout_id in sorted(callout_ids):
        callout = Callout.objects.select_for_update(of=("self",)).select_related(
            "case", "municipality").get(pk=callout_id)
        if not callout.is_active:
            continue
        # Read again under the callout's lock: an answer may have changed them meanwhile.
        mine = list(callout.alerts.filter(responder=responder, status__in=running)
                    .select_related("responder__user"))
        engaged = any(a.status in ENGAGED and a.kind == ResponderKind.VOLUNTEER for a in mine)
        alerts_stand_down(callout, mine, status=AlertStatus.STOOD_DOWN, now=now,
                          type="alert.ended")
        if engaged:
            callout_reopen_if_short(callout, now=now)
        publish_callout(callout, "callout.updated",
                        list(callout.alerts.select_related("responder__user", "aed")))


def _clear(responder: Responder) -> None:
    responder.trained_on = responder.approved_at = responder.approved_by = None
    responder.approved_until = None


@transaction.atomic
def responder_approve(*, responder: Responder, by, trained_on: date | None = None,
                      reason: str = "") -> Responder:
    """Approve a volunteer's training. It is valid for IVPA_TRAINING_VALID_DAYS from the date
    of the training when the approver gives it (a certificate's validity runs from the
    course), else from today."""
    responder = _locked_volunteer(responder, by)
    if responder.kind != ResponderKind.VOLUNTEER:
        raise Conflict(_("Only volunteers' training is approved; units are set up by an "
                         "administrator."))
    if not responder.training or responder.training_confirmed_at is None:
        raise Conflict(_("The volunteer has not confirmed a training yet."))
    now = timezone.now()
    today = timezone.localdate(now)
    trained_on = trained_on or today
    if trained_on > today:
        raise Invalid(_("The training date is in the future."))
    valid_until = trained_on + timedelta(days=settings.IVPA_TRAINING_VALID_DAYS)
    if valid_until < today:
        raise Invalid(_("A training from %(date)s is no longer valid (valid for %(days)s "
                        "days): the volunteer needs a new course.")
                      % {"date": trained_on.isoformat(),
                         "days": settings.IVPA_TRAINING_VALID_DAYS})
    responder.approval = Approval.APPROVED
    responder.trained_on, responder.approved_until = trained_on, valid_until
    responder.approved_at, responder.approved_by = now, by
    responder.save(update_fields=["approval", "trained_on", "approved_until",
                                  "approved_at", "approved_by"])
    _record(responder, ApprovalAction.APPROVED, by=by, at=now, reason=reason)
    return responder


@transaction.atomic
def responder_revoke(*, responder: Responder, by, reason: str = "") -> Responder:
    """Revoke a volunteer's approval: never alerted again until approved anew, and stood down
    from any alert running now."""
    responder = _locked_volunteer(responder, by)
    if responder.kind != ResponderKind.VOLUNTEER:
        raise Conflict(_("Only volunteers' training is approved; units are set up by an "
                         "administrator."))
    now = timezone.now()
    responder.approval = Approval.REVOKED
    _clear(responder)
    responder.save(update_fields=["approval", "trained_on", "approved_until",
                                  "approved_at", "approved_by"])
    _record(responder, ApprovalAction.REVOKED, by=by, at=now, reason=reason)
    _stand_down(responder, now)
    return responder


def responder_approval_reset(*, responder: Responder, by, reason: str, now: datetime) -> None:
    """The volunteer changed their training: what was approved no longer says what they
    claim, so they wait for approval again. Called inside the caller's transaction with the
    responder locked; the caller saves it."""
    if responder.kind != ResponderKind.VOLUNTEER or (
            responder.approval == Approval.PENDING and responder.approved_until is None):
        return
    responder.approval = Approval.PENDING
    _clear(responder)
    _record(responder, ApprovalAction.RESET, by=by, at=now, reason=reason)
    _stand_down(responder, now)
