from django.db.models import QuerySet

from .models import AccessLogEntry


def access_log_search(
    *, patient: str = "", username: str = "", case_ref: str = "", since=None, until=None
) -> QuerySet[AccessLogEntry]:
    qs = AccessLogEntry.objects.all()
    if patient:
        qs = qs.filter(patient=patient)
    if username:
        qs = qs.filter(username=username)
    if case_ref:
        qs = qs.filter(case_ref=case_ref)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs


def patient_log_extract(*, patient: str, since=None, until=None) -> QuerySet[AccessLogEntry]:
    """A patient's log extract (*loggutdrag*): who read the record, when, from which unit;
    `since` included, `until` not."""
    qs = AccessLogEntry.objects.filter(patient=patient).select_related("user")
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("at", "id")
