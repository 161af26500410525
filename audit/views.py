from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAdministrator
from core.errors import Invalid

from . import access
from .models import AccessLogEntry


class AccessLogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessLogEntry
        fields = ["id", "at", "username", "role", "patient", "case_ref", "care_unit", "action",
                  "object_type", "object_id", "reason"]


def _time(value: str | None, name: str):
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise Invalid(f"{name} must be an ISO 8601 time, e.g. 2026-11-23T08:00:00Z.")
    return parsed


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


class PatientLogExtractView(APIView):
    """A patient's log extract: who read the record, when, from which unit."""

    permission_classes = [IsAdministrator]

    @extend_schema(responses=AccessLogEntrySerializer(many=True))
    def get(self, request):
        patient = request.query_params.get("patient", "").strip()
        if not patient:
            raise Invalid("Give the patient's personal identity number: ?patient=YYYYMMDD-NNNN")
        rows = access.patient_log_extract_recorded(user=request.user, patient=patient,
                                                   reason="patient log extract")
        return Response({
            "patient": patient,
            "entries": [
                {"at": r.at, "user": r.username, "role": r.role, "care_unit": r.care_unit,
                 "action": r.action, "reason": r.reason, "case_ref": r.case_ref}
                for r in rows
            ],
        })
