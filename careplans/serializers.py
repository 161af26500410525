from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.identity_numbers import PIN_PATTERN
from dispatch.models import CaseType
from dispatch.selectors import CaseOutcome, case_outcome

from .models import CarePlan, ConsentMethod
from .selectors import today

# A plan whose review date is this near (or passed) is "review due" on the screens.
REVIEW_DUE_DAYS = 30


class CarePlanInputSerializer(serializers.Serializer):
    personal_identity_number = serializers.RegexField(
        PIN_PATTERN, required=False, allow_blank=True,
        error_messages={"invalid": _("Use the form YYYYMMDD-NNNN.")})
    phones = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=10,
        help_text="The numbers the person calls from, as typed (stored in E.164).")
    person_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    care_unit = serializers.CharField(max_length=120)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    review_date = serializers.DateField()
    consent_recorded_by = serializers.CharField(max_length=120)
    consent_recorded_at = serializers.DateField()
    consent_method = serializers.ChoiceField(choices=ConsentMethod.choices)
    dispatcher_instructions = serializers.CharField(max_length=4000)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=200)
    crew_instructions = serializers.CharField(required=False, allow_blank=True,
                                              max_length=4000)


class CarePlanUpdateSerializer(CarePlanInputSerializer):
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text="The version the change was made on: an older one is refused with 409.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class CarePlanSerializer(serializers.ModelSerializer):
    """The whole plan: dispatchers and administrators."""

    phones = serializers.SerializerMethodField()
    author_name = serializers.SerializerMethodField()
    updated_by_name = serializers.SerializerMethodField()
    consent_method_label = serializers.CharField(source="get_consent_method_display")
    active = serializers.SerializerMethodField()
    review_due = serializers.SerializerMethodField()

    class Meta:
        model = CarePlan
        fields = ["id", "personal_identity_number", "phones", "person_name", "care_unit",
                  "author_name", "valid_from", "valid_to", "active", "review_date",
                  "review_due", "consent_recorded_by", "consent_recorded_at", "consent_method",
                  "consent_method_label", "dispatcher_instructions", "contact",
                  "crew_instructions", "created_at", "updated_at", "updated_by_name",
                  "version"]

    def get_phones(self, obj) -> list[str]:
        return [p.number for p in obj.phones.all()]

    def get_author_name(self, obj) -> str:
        return str(obj.author)

    def get_updated_by_name(self, obj) -> str:
        return str(obj.updated_by) if obj.updated_by_id else ""

    def get_active(self, obj) -> bool:
        return obj.is_active_on(today())

    def get_review_due(self, obj) -> bool:
        """The review date is within 30 days, or passed."""
        return obj.review_date <= today() + timedelta(days=REVIEW_DUE_DAYS)


class CrewPartSerializer(serializers.ModelSerializer):
    """What the assigned crew sees of a plan: its part and the plan's validity, nothing else."""

    class Meta:
        model = CarePlan
        fields = ["id", "care_unit", "valid_from", "valid_to", "crew_instructions",
                  "updated_at"]


class EarlierCaseSerializer(serializers.Serializer):
    """One of the person's earlier cases: when, how urgent, what, how it ended."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    registered_at = serializers.DateTimeField()
    priority = serializers.CharField()
    case_type = serializers.CharField()
    case_type_label = serializers.SerializerMethodField()
    complaint = serializers.CharField()
    outcome = serializers.SerializerMethodField()
    outcome_label = serializers.SerializerMethodField()

    def get_case_type_label(self, obj) -> str:
        return str(CaseType(obj.case_type).label) if obj.case_type in CaseType.values else ""

    def get_outcome(self, obj) -> str:
        return case_outcome(obj)

    def get_outcome_label(self, obj) -> str:
        return str(CaseOutcome(case_outcome(obj)).label)
