"""Recorded reads of first-responder alerting (IVPA): fetch what a user is shown of a case
and write the access log in the same call.

A responder who has accepted sees where to go (*destination*: address, door code), and a
dispatcher's callout list shows the case: both are reads of the case. Views answer from these
functions, never from the plain selectors (tests/test_role_matrix.py checks every route).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from audit.services import access_log_write
from core.errors import NotFound
from dispatch.access import case_ref

from .models import ENGAGED, Callout, ResponderAlert
from .selectors import alert_cleared, alerts_of, callouts


def destination_shown(alert: ResponderAlert) -> bool:
    """A responder sees where to go only once they have accepted, while the alert runs and,
    for a volunteer, while their approval stands (a revocation hides it at once, even from
    one who accepted in the moment it was made); never the patient."""
    return alert.status in ENGAGED and alert.callout.is_active and alert_cleared(alert)


def _alerts_record(*, user, alerts, reason: str) -> None:
    refs = [case_ref(a.callout.case) for a in alerts if destination_shown(a)]
    if refs:
        access_log_write(user=user, refs=refs, reason=reason)


def alert_list_recorded(*, user, reason: str, limit: int = 50) -> list[ResponderAlert]:
    """A responder's own alerts, newest first: one log entry per alert that shows where to
    go."""
    alerts = list(alerts_of(user=user).select_related("report")[:limit])
    _alerts_record(user=user, alerts=alerts, reason=reason)
    return alerts


def alert_get_recorded(*, user, pk: int, reason: str) -> ResponderAlert:
    """One of the responder's own alerts (nobody else's exists for them)."""
    alert = alerts_of(user=user).filter(pk=pk).first()
    if alert is None:
        raise NotFound(_("No such alert of yours."))
    _alerts_record(user=user, alerts=[alert], reason=reason)
    return alert


def _callouts_record(*, user, items, reason: str) -> None:
    refs = {c.case_id: case_ref(c.case) for c in items}
    if refs:
        access_log_write(user=user, refs=list(refs.values()), reason=reason)


def callout_list_recorded(*, user, reason: str, active_only: bool = True,
                          case_id: int | None = None, limit: int = 100) -> list[Callout]:
    """The dispatcher's callouts: one log entry per case shown."""
    items = list(callouts(active_only=active_only, case_id=case_id)[:limit])
    _callouts_record(user=user, items=items, reason=reason)
    return items


def callout_get_recorded(*, user, pk: int, reason: str) -> Callout:
    callout = get_object_or_404(callouts(active_only=False), pk=pk)
    _callouts_record(user=user, items=[callout], reason=reason)
    return callout
