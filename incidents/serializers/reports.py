"""What the report routes take, for the API description: a situation report's fields (each
optional: a new version keeps what it leaves out) and TiB's triage decision. The services
check what is sent (their words name the METHANE field and list the indicators)."""

from rest_framework import serializers


class SituationReportInputSerializer(serializers.Serializer):
    major_incident_declared = serializers.BooleanField(required=False)
    exact_location = serializers.CharField(required=False, allow_blank=True, max_length=300)
    incident_type = serializers.CharField(required=False, allow_blank=True, max_length=300)
    hazards = serializers.CharField(required=False, allow_blank=True, max_length=500)
    access = serializers.CharField(required=False, allow_blank=True, max_length=500)
    casualties_total = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    casualties_red = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    casualties_yellow = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    casualties_green = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    casualties_dead = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    services_present = serializers.CharField(required=False, allow_blank=True, max_length=500)
    services_required = serializers.CharField(required=False, allow_blank=True, max_length=500)


class TriageDecisionInputSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    indicators = serializers.ListField(
        child=serializers.CharField(), required=False,
        help_text="Codes of settings.INCIDENT_TRIAGE_INDICATORS; at least one to switch on.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
