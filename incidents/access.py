"""Recorded reads of incidents: the detail shows its cases (address, complaint), which are
patient data, so it is answered only from here, with one access-log entry per case in the
same call. The list shows no case and needs no entry. A view answers an incident's detail
only from a `*_recorded` function (tests/audit/test_guards.py)."""

from django.utils.translation import gettext as _

from audit.services import PatientRef, access_log_write
from core.errors import NotFound
from dispatch.access import case_ref

from .models import MajorIncident
from .selectors.incidents import incident_detail, incident_get


def incident_cases_record(*, user, incident: MajorIncident, reason: str) -> None:
    """One entry per case of the incident (its cases as already loaded)."""
    refs = [case_ref(c) for c in incident.cases.all()]
    if refs:
        access_log_write(user=user, refs=refs, reason=reason)


def incident_detail_recorded(*, user, pk: int, reason: str) -> dict:
    """The incident's detail as `user` sees it, its cases' reads recorded."""
    incident = incident_get(pk=pk)
    if incident is None:
        raise NotFound(_("No such incident."))
    incident_cases_record(user=user, incident=incident, reason=reason)
    return incident_detail(incident, viewer=user)


def incidents_admin_record(*, user, incidents, reason: str, with_cases: bool) -> None:
    """The admin's reads: each incident (no patient), and, on its own page, which shows its
    cases, each case."""
    refs = [PatientRef(patient="", case_ref="", object_type="major_incident",
                       object_id=str(i.pk)) for i in incidents]
    if with_cases:
        refs += [case_ref(c) for i in incidents for c in i.cases.all()]
    if refs:
        access_log_write(user=user, refs=list(dict.fromkeys(refs)), reason=reason)
