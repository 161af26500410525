"""Recorded reads of the access log itself: the log names patients (their identity numbers)
and who read their records, so reading it is recorded too."""

from datetime import datetime

from .models import AccessAction, AccessLogEntry
from .selectors import access_log_search, patient_log_extract
from .services import PatientRef, access_log_write


def access_log_search_recorded(
    *, user, reason: str, patient: str = "", username: str = "", case_ref: str = "",
    since: datetime | None = None, until: datetime | None = None, limit: int = 1000,
) -> list[AccessLogEntry]:
    """The administrator's search, newest first: one log entry per patient shown."""
    rows = list(access_log_search(patient=patient, username=username, case_ref=case_ref,
                                  since=since, until=until)[:limit])
    shown = dict.fromkeys(r.patient for r in rows)
    access_log_write(user=user, reason=reason, refs=[
        PatientRef(patient=p, case_ref="", object_type="access_log", object_id="search")
        for p in shown])
    return rows


def patient_log_extract_recorded(
    *, user, patient: str, reason: str, since: datetime | None = None,
    until: datetime | None = None,
) -> list[AccessLogEntry]:
    """A patient's log extract (*loggutdrag*), recorded as an export of their log. The rows
    are read before the export is written: the extract does not list its own reading (the
    next one does)."""
    rows = list(patient_log_extract(patient=patient, since=since, until=until))
    access_log_write(user=user, action=AccessAction.EXPORT, reason=reason, refs=[
        PatientRef(patient=patient, case_ref="", object_type="access_log",
                   object_id="extract")])
    return rows
