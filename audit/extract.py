"""The patient's log extract (*loggutdrag*) as a printable page: what an administrator hands
to a patient who asks who has read their record (patientdatalagen 8 kap. 6 §). Swedish by
default (?lang=en or nb); the patient's identity, the period, the centre's name, and each read
in words (`wording.py`). Without a patient the page is the administrator's form. The read is
recorded like the JSON extract, as an export of the patient's log."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core import csp
from core.errors import Invalid

from . import access
from .admin import IDENTITY_NUMBER
from .wording import extract_line

LANGUAGES = ("sv", "en", "nb")
# The form posts nothing: a GET to this same page.
FORM_POLICY = {**csp.DOCUMENT, "form-action": ("'self'",)}


def _moment(text: str, *, end: bool) -> datetime | None:
    """A date (its start; with end=True the next day's start) or an ISO 8601 time."""
    if not text:
        return None
    try:  # a date that does not exist (2026-02-30, 2026-13-01) raises rather than gives None
        day = parse_date(text) if len(text) == 10 else None
    except ValueError:
        raise Invalid(_("Give the period's dates as YYYY-MM-DD, e.g. 2026-01-31.")) from None
    if day is not None:
        if end:
            day += timedelta(days=1)
        return timezone.make_aware(datetime.combine(day, time.min))
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise Invalid(_("Give the period's dates as YYYY-MM-DD, e.g. 2026-01-31."))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def period_parse(since: str, until: str) -> tuple[datetime | None, datetime | None]:
    """(since, until) of the extract: `since` included, `until` not; a date counts whole."""
    start, end = _moment(since, end=False), _moment(until, end=True)
    if start and end and start >= end:
        raise Invalid(_("The period's first day comes after its last day."))
    return start, end


def _answer(html: str, policy: dict, status: int = 200) -> tuple[HttpResponse, dict]:
    response = HttpResponse(html, content_type="text/html; charset=utf-8", status=status)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Language"] = translation.get_language()
    return response, policy


def extract_page(request) -> HttpResponse:
    q = request.query_params
    lang = q.get("lang", "sv") if q.get("lang") in LANGUAGES else "sv"
    patient = q.get("patient", "").strip()
    form = {"patient": patient, "name": q.get("name", "").strip()[:120],
            "since": q.get("since", "").strip(), "until": q.get("until", "").strip(),
            "lang": lang}
    with translation.override(lang):
        context = {"form": form, "centre": settings.CARE_UNIT_NAME, "lang": lang,
                   "languages": [(code, name) for code, name in settings.LANGUAGES
                                 if code in LANGUAGES]}
        error, status, since, until = "", 200, None, None
        if patient:
            try:
                since, until = period_parse(form["since"], form["until"])
            except Invalid as invalid:
                error, status = invalid.message, 400
        if not patient or error:
            context["error"] = error
            html = render_to_string("audit/extract_form.html", context, request=request._request)
            response, policy = _answer(html, FORM_POLICY, status)
        else:
            rows = access.patient_log_extract_recorded(
                user=request.user, patient=patient, reason="patient log extract printed",
                since=since, until=until)
            today = timezone.localdate()
            context.update({
                "patient": patient,
                "is_identity_number": bool(IDENTITY_NUMBER.fullmatch(patient)),
                "name": form["name"],
                "period_from": (timezone.localdate(since) if since
                                else timezone.localdate(rows[0].at) if rows else None),
                "period_to": (timezone.localdate(until - timedelta(microseconds=1))
                              if until else today),
                "lines": [extract_line(r) for r in rows],
                "printed_at": timezone.localtime(),
                "printed_by": request.user.get_full_name() or request.user.username,
            })
            html = render_to_string("audit/extract.html", context, request=request._request)
            response, policy = _answer(html, csp.DOCUMENT)
    response[csp.HEADER] = csp.header(request._request, policy)
    return response
