"""The shapes the incident's life cycle takes in: raising (with a first METHANE report),
rejecting, standing down, adding cases. Thin: the service checks what needs the database
(the cases exist, the region exists, who may decide)."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.ids import ID_MAX

from ..services.lifecycle import CASES_MAX

KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,64}$"


def _case_id() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX)


class MethaneReportInputSerializer(serializers.Serializer):
    """The first situation report (*initial lägesbild*), METHANE; every field optional."""

    major_incident_declared = serializers.BooleanField(required=False)
    exact_location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    incident_type = serializers.CharField(max_length=300, required=False, allow_blank=True)
    hazards = serializers.CharField(max_length=500, required=False, allow_blank=True)
    access = serializers.CharField(max_length=500, required=False, allow_blank=True)
    casualties_total = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    casualties_red = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    casualties_yellow = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    casualties_green = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    casualties_dead = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    services_present = serializers.CharField(max_length=500, required=False, allow_blank=True)
    services_required = serializers.CharField(max_length=500, required=False,
                                              allow_blank=True)


class IncidentRaiseInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    report = MethaneReportInputSerializer(required=False, allow_null=True)
    cases = serializers.ListField(child=_case_id(), required=False, max_length=CASES_MAX)
    # The region's id or code; none: the first case's region.
    region = serializers.CharField(max_length=20, required=False, allow_null=True,
                                   allow_blank=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    exercise = serializers.BooleanField(required=False, default=False)
    idempotency_key = serializers.RegexField(KEY_PATTERN, required=False, allow_null=True,
                                             error_messages={"invalid": gettext_lazy(
                                                 "Use 8 to 64 letters, digits, '-', '_', "
                                                 "'.' or ':'.")})


class IncidentRejectInputSerializer(serializers.Serializer):
    # Required by the service, which says why in words.
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class IncidentStandDownInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class IncidentCasesInputSerializer(serializers.Serializer):
    cases = serializers.ListField(child=_case_id(), min_length=1, max_length=CASES_MAX)
