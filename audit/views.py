from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAdministrator
from core.errors import Invalid

from . import access
from .extract import extract_page, period_parse
from .models import AccessLogEntry


class AccessLogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessLogEntry
        fields = ["id", "at", "username", "role", "patient", "case_ref", "care_unit", "action",
                  "object_type", "object_id", "reason"]


def _time(value: str | None, name: str):
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed but no such time (2026-02-30T08:00)
        parsed = None
    if parsed is None:
        raise Invalid(f"{name} must be an ISO 8601 time, e.g. 2026-11-23T08:00:00Z.")
    return parsed


def _period(q) -> tuple:
    """?since= and ?until=: a date (the whole day, in the centre's time zone) or a time."""
    return period_parse(q.get("since", "").strip(), q.get("until", "").strip())


class AccessLogSearchView(APIView):
    """Search the access log (administrators). At most 1,000 rows, newest first; the search
    is recorded (one entry per patient shown)."""

    permission_classes = [IsAdministrator]

    @extend_schema(responses=AccessLogEntrySerializer(many=True))
    def get(self, request):
        q = request.query_params
        rows = access.access_log_search_recorded(
            user=request.user, reason="access log searched",
            patient=q.get("patient", ""), username=q.get("username", ""),
            case_ref=q.get("case_ref", ""), since=_time(q.get("since"), "since"),
            until=_time(q.get("until"), "until"),
        )
        return Response(AccessLogEntrySerializer(rows, many=True).data)


class ExtractPageRenderer(BaseRenderer):
    """The printable page of the extract (the view renders it; errors as plain text)."""

    media_type = "text/html"
    format = "html"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data
        return escape(str((data or {}).get("detail", data)))


class PatientLogExtractView(APIView):
    """A patient's log extract (*loggutdrag*): who read the record, when, why, from which
    unit. JSON for integrations; a browser (Accept: text/html, or ?format=html) gets the
    printable page an administrator hands to the patient, in Swedish unless ?lang=en or nb.
    ?since= and ?until= (a date or an ISO 8601 time) limit the period; the read is recorded
    as an export of the patient's log."""

    permission_classes = [IsAdministrator]
    renderer_classes = [JSONRenderer, ExtractPageRenderer]

    @extend_schema(responses={200: AccessLogEntrySerializer(many=True),
                              (200, "text/html"): str})
    def get(self, request):
        if request.accepted_renderer.format == "html":
            return extract_page(request)
        q = request.query_params
        patient = q.get("patient", "").strip()
        if not patient:
            raise Invalid("Give the patient's personal identity number: ?patient=YYYYMMDD-NNNN")
        since, until = _period(q)
        rows = access.patient_log_extract_recorded(user=request.user, patient=patient,
                                                   reason="patient log extract",
                                                   since=since, until=until)
        return Response({
            "patient": patient,
            "entries": [
                {"at": r.at, "user": r.username, "role": r.role, "care_unit": r.care_unit,
                 "action": r.action, "reason": r.reason, "case_ref": r.case_ref}
                for r in rows
            ],
        })
