from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core import hours
from core.phones import PhoneNumberInvalid, phone_normalise
from dispatch.models import CaseType, SceneFlag
from identity.services import identity_summaries

from .access import destination_shown
from .models import (
    Aed,
    AlertReport,
    Municipality,
    Responder,
    ResponderAlert,
    ResponderKind,
    Training,
)
from .selectors import approval_state
from .services import POSITION_INTERVALS


class RegisterSerializer(serializers.Serializer):
    username = serializers.RegexField(
        r"^[\w.@+-]{3,150}$",
        error_messages={"invalid": "Use 3 to 150 letters, digits and . @ + - _"})
    password = serializers.CharField(max_length=200, trim_whitespace=False)
    display_name = serializers.CharField(max_length=120)
    # As the volunteer types it (070-123 45 67, +46 70 …): the alerts' SMS go to it.
    phone_number = serializers.CharField(max_length=40)
    training = serializers.ChoiceField(choices=Training.choices)
    training_confirmed = serializers.BooleanField()
    # Where the volunteer is mostly: that municipality's coordinators approve them.
    municipality = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.all(), required=False, allow_null=True)

    def validate_phone_number(self, value: str) -> str:
        try:
            return phone_normalise(value)
        except PhoneNumberInvalid:
            raise serializers.ValidationError(_(
                "%(number)s is not a mobile number: give it as 070-123 45 67 or in "
                "international form, e.g. +46701234567.") % {"number": value}) from None


class RegisterVerifiedSerializer(RegisterSerializer):
    """The sign-up of a person an identity provider vouched for (identity.views): they sign
    in through the provider, so no user name and no password."""

    username = None
    password = None


class ResponderSerializer(serializers.ModelSerializer):
    """A responder's own profile."""

    name = serializers.CharField(source="user.__str__", read_only=True)
    training_valid_until = serializers.SerializerMethodField()
    alerts_last_7_days = serializers.SerializerMethodField()
    # The vetting: "approved" (alerted), "pending", "expired", "revoked"; null for units.
    approval = serializers.SerializerMethodField()
    municipality_name = serializers.CharField(source="municipality.name", read_only=True,
                                              default=None)

    class Meta:
        model = Responder
        fields = ["id", "name", "kind", "training", "training_confirmed_at",
                  "training_valid_until", "approval", "approved_at", "approved_until",
                  "municipality", "municipality_name", "available", "available_changed_at",
                  "hours_start", "hours_end", "position_interval_s", "position_at",
                  "weekly_cap", "alerts_last_7_days"]

    def get_approval(self, obj) -> str | None:
        return approval_state(obj)

    def get_training_valid_until(self, obj) -> str | None:
        if obj.training_confirmed_at is None:
            return None
        until = obj.training_confirmed_at + timedelta(days=settings.IVPA_TRAINING_VALID_DAYS)
        return until.isoformat()

    def get_alerts_last_7_days(self, obj) -> int:
        return obj.alerts.filter(alerted_at__gte=timezone.now() - timedelta(days=7)).count()


class ResponderUpdateSerializer(serializers.Serializer):
    available = serializers.BooleanField(required=False)
    training = serializers.ChoiceField(choices=Training.choices, required=False)
    training_confirmed = serializers.BooleanField(required=False)
    hours_start = serializers.TimeField(required=False, allow_null=True)
    hours_end = serializers.TimeField(required=False, allow_null=True)
    position_interval_s = serializers.ChoiceField(choices=POSITION_INTERVALS, required=False)
    weekly_cap = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                          max_value=50)


class PositionSerializer(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    at = serializers.DateTimeField(required=False)


class AtSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False)


class AedSerializer(serializers.ModelSerializer):
    # The hours in words for the volunteer ("mån–fre 08–20"); opening_hours stays the
    # register's own form for integrations.
    opening_hours_text = serializers.SerializerMethodField()

    class Meta:
        model = Aed
        fields = ["id", "name", "latitude", "longitude", "location", "address",
                  "access_code", "opening_hours", "opening_hours_text"]

    def get_opening_hours_text(self, obj) -> str:
        return hours.describe(obj.opening_hours)


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlertReport
        fields = ["arrived_at", "cpr_started", "aed_attached", "aed_shocks", "notes",
                  "wellbeing", "wants_debrief", "submitted_at"]
        read_only_fields = ["submitted_at"]
        extra_kwargs = {"notes": {"max_length": 2000}}


class AlertSerializer(serializers.ModelSerializer):
    """What a responder sees of their alert. The case type and distance always; where to go
    (the address, position, door code and the defibrillator) only once they have accepted
    and while the alert runs; never the patient."""

    case_type = serializers.CharField(source="callout.case.case_type")
    case_type_label = serializers.SerializerMethodField()
    active = serializers.BooleanField(source="callout.is_active")
    end_reason = serializers.CharField(source="callout.end_reason")
    destination = serializers.SerializerMethodField()
    legs = serializers.SerializerMethodField()
    after = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()

    class Meta:
        model = ResponderAlert
        fields = ["id", "status", "kind", "case_type", "case_type_label", "distance_m", "eta_s",
                  "eta_source", "wave", "route", "alerted_at", "seen_at", "accepted_at",
                  "declined_at", "arrived_at", "ended_at", "active", "end_reason",
                  "destination", "legs", "after", "report"]

    def get_case_type_label(self, obj) -> str:
        return str(CaseType(obj.callout.case.case_type).label)

    def get_destination(self, obj) -> dict | None:
        if not destination_shown(obj):
            return None
        case = obj.callout.case
        return {
            "address": case.address,
            "municipality": case.municipality,
            "latitude": case.latitude,
            "longitude": case.longitude,
            "door_code": case.door_code,
            "aed": AedSerializer(obj.aed).data if obj.aed_id else None,
        }

    def get_legs(self, obj) -> list[dict]:
        """The way leg by leg, as on accepting (responder → aed → patient, or responder →
        patient): metres, seconds and what made them (router or estimate); shown with the
        destination."""
        return list(obj.legs or []) if destination_shown(obj) else []

    def get_after(self, obj) -> dict | None:
        """After the case, for those who went: the debrief contact and, where the
        municipality allows, the outcome."""
        if obj.accepted_at is None or obj.callout.is_active:
            return None
        municipality = obj.callout.municipality
        return {
            "debrief_contact": municipality.debrief_contact,
            "outcome": obj.callout.outcome if municipality.share_outcome else None,
        }

    def get_report(self, obj) -> dict | None:
        report = getattr(obj, "report", None)  # none yet: RelatedObjectDoesNotExist
        return ReportSerializer(report).data if report else None


class MunicipalitySerializer(serializers.ModelSerializer):
    connected = serializers.BooleanField(source="is_connected", read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Municipality
        fields = ["id", "code", "name", "region", "region_code", "connected", "connected_at",
                  "auto_alert", "responder_kinds", "case_types", "excluded_flags",
                  "service_start", "service_end", "radius_m", "max_radius_m", "wave_size",
                  "wave_interval_s", "needed", "aed_runners", "unit_radius_m", "fire_units",
                  "weekly_cap", "share_outcome", "debrief_contact"]
        read_only_fields = ["id", "code", "name", "region", "connected_at"]


class MunicipalityRulesSerializer(serializers.Serializer):
    """The rules an administrator may set; all optional."""

    auto_alert = serializers.BooleanField(required=False)
    responder_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ResponderKind.choices), required=False)
    case_types = serializers.ListField(
        child=serializers.ChoiceField(choices=CaseType.choices), required=False)
    excluded_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=SceneFlag.choices), required=False)
    service_start = serializers.TimeField(required=False, allow_null=True)
    service_end = serializers.TimeField(required=False, allow_null=True)
    radius_m = serializers.IntegerField(required=False, min_value=100, max_value=20000)
    max_radius_m = serializers.IntegerField(required=False, min_value=100, max_value=20000)
    wave_size = serializers.IntegerField(required=False, min_value=1, max_value=100)
    wave_interval_s = serializers.IntegerField(required=False, min_value=10, max_value=900)
    needed = serializers.IntegerField(required=False, min_value=1, max_value=20)
    aed_runners = serializers.IntegerField(required=False, min_value=0, max_value=20)
    unit_radius_m = serializers.IntegerField(required=False, min_value=1000, max_value=100000)
    fire_units = serializers.IntegerField(
        required=False, min_value=1, max_value=5, error_messages={"min_value": _(
            "At least one unit. To alert no fire/rescue units, take them out of the "
            "responder groups.")})
    weekly_cap = serializers.IntegerField(required=False, min_value=1, max_value=50)
    share_outcome = serializers.BooleanField(required=False)
    debrief_contact = serializers.CharField(required=False, allow_blank=True, max_length=200)


class VolunteerSerializer(serializers.ModelSerializer):
    """A volunteer as their approver sees them: who they are, how to reach them, what they
    say they trained, and where their vetting stands (with the identity provider that
    verified who they are, when they signed up through one)."""

    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.__str__", read_only=True)
    phone_number = serializers.CharField(source="user.phone_number", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True,
                                              default=None)
    approval = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    identities = serializers.SerializerMethodField()

    class Meta:
        model = Responder
        fields = ["id", "username", "name", "phone_number", "municipality",
                  "municipality_name", "training", "training_confirmed_at", "registered_at",
                  "approval", "trained_on", "approved_at", "approved_by", "approved_until",
                  "identities"]

    def get_approval(self, obj) -> str | None:
        return approval_state(obj)

    def get_approved_by(self, obj) -> str | None:
        return str(obj.approved_by) if obj.approved_by_id else None

    def get_identities(self, obj) -> list[dict]:
        return identity_summaries(obj.user)


class ApproveSerializer(serializers.Serializer):
    trained_on = serializers.DateField(
        required=False, allow_null=True,
        help_text="The date of the training (its certificate); empty: today.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=200)

