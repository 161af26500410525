"""Recorded reads of cases and assignments: fetch the patient data a user is shown and write
the access log (*åtkomstlogg*, HSLF-FS 2016:40) in the same call.

A view answers with patient data only from a `*_recorded` function, never from a plain
selector: then no answer can forget its log entry (tests/test_role_matrix.py checks every
route). Plain selectors stay for services, for finding the object an action works on, and for
these functions.
"""

from django.utils.translation import gettext as _

from audit.models import AccessAction
from audit.services import PatientRef, access_log_write
from core.errors import NotFound

from .history import case_history
from .models import Assignment, AssignmentMessage, Case
from .selectors import (
    assignment_messages,
    assignments_visible_to,
    case_list,
)


def case_ref(case: Case) -> PatientRef:
    """What the log needs of a case: its patient (identity number, else the reference)."""
    return PatientRef(
        patient=case.patient_key, case_ref=case.reference or "", object_type="case",
        object_id=str(case.pk),
    )


def cases_record(*, user, cases, reason: str, action: str = AccessAction.READ) -> None:
    """Record an access to cases the caller already holds: a case a service created or
    changed. Reads go through the `*_recorded` functions below."""
    access_log_write(user=user, refs=[case_ref(c) for c in cases], reason=reason, action=action)


def case_list_recorded(*, user, reason: str, status: str | None, limit: int = 200) -> list[Case]:
    """The dispatcher's list of cases (all when `status` is None), one log entry per case."""
    cases = list(case_list(status=status)[:limit])
    cases_record(user=user, cases=cases, reason=reason)
    return cases


def case_get_recorded(*, user, pk: int, reason: str,
                      action: str = AccessAction.READ) -> Case:
    """One case, everything about it (the dispatcher's view); `action` says what the user did
    (registered, updated) when the answer follows a change."""
    case = case_list(status=None).filter(pk=pk).first()
    if case is None:
        raise NotFound(_("No such case."))
    cases_record(user=user, cases=[case], reason=reason, action=action)
    return case


def case_history_recorded(*, user, pk: int, reason: str) -> tuple[Case, list[dict]]:
    """One case and its history (changes, assignments, messages: dispatch/history.py), for a
    dispatcher or an administrator: one log entry."""
    case = case_get_recorded(user=user, pk=pk, reason=reason)
    return case, case_history(case)


def assignment_list_recorded(*, user, reason: str, limit: int = 200) -> list[Assignment]:
    """The active assignments `user` sees (a crew: its unit's), each with its crew card (the
    patient's case): one log entry per assignment."""
    assignments = list(assignments_visible_to(user=user)[:limit])
    cases_record(user=user, cases=[a.case for a in assignments], reason=reason)
    return assignments


def assignment_get_recorded(*, user, pk: int, reason: str) -> Assignment:
    """One assignment with its crew card, if `user` sees it (another unit's does not exist
    for a crew)."""
    assignment = assignments_visible_to(user=user, active_only=False).filter(pk=pk).first()
    if assignment is None:
        raise NotFound(_("No such assignment on your unit."))
    cases_record(user=user, cases=[assignment.case], reason=reason)
    return assignment


def assignments_dispatched_recorded(*, user, assignments: list[Assignment],
                                    reason: str) -> list[Assignment]:
    """Assignments a dispatch just made (the service's own, with their case and unit), with
    their crew cards: one log entry for the case, nothing read again."""
    if assignments:
        cases_record(user=user, cases=[assignments[0].case], reason=reason)
    return assignments


def assignment_messages_recorded(*, user, assignment: Assignment,
                                 reason: str) -> list[AssignmentMessage]:
    """The messages between the crew and the centre on `assignment` (which the caller found
    through what `user` sees), oldest first: a read of its case, logged once."""
    messages = list(assignment_messages(assignment=assignment))
    cases_record(user=user, cases=[assignment.case], reason=reason)
    return messages


def assignment_message_recorded(*, user, message: AssignmentMessage,
                                reason: str) -> AssignmentMessage:
    """One message just sent or acknowledged, as its sender is shown it: a read of its case."""
    cases_record(user=user, cases=[message.assignment.case], reason=reason)
    return message
