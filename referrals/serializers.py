from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from .models import OPEN_STATES, Line, MobileCareProfile, Outcome, Referral, ReferralState
from .news2 import news2
from .selectors import open_counts, open_now
from .statemachine import actions_for


class ProfileSerializer(serializers.ModelSerializer):
    """A mobile care unit's service profile, with its load now."""

    unit = serializers.IntegerField(source="unit_id", read_only=True)
    call_sign = serializers.CharField(source="unit.call_sign", read_only=True)
    region = serializers.IntegerField(source="unit.region_id", read_only=True)
    open_now = serializers.SerializerMethodField()
    open_referrals = serializers.SerializerMethodField()

    class Meta:
        model = MobileCareProfile
        fields = ["unit", "call_sign", "region", "available", "available_changed_at",
                  "municipalities", "centre_latitude", "centre_longitude", "radius_km",
                  "opening_hours", "open_now", "skills", "capacity", "open_referrals",
                  "updated_at"]

    def get_open_now(self, obj) -> bool:
        return open_now(obj, timezone.now())

    def get_open_referrals(self, obj) -> int:
        return open_counts([obj.unit_id]).get(obj.unit_id, 0)


class ProfileUpdateSerializer(serializers.Serializer):
    available = serializers.BooleanField(required=False)
    municipalities = serializers.ListField(child=serializers.CharField(max_length=80),
                                           required=False, max_length=50)
    centre_latitude = serializers.FloatField(required=False, allow_null=True)
    centre_longitude = serializers.FloatField(required=False, allow_null=True)
    radius_km = serializers.FloatField(required=False, allow_null=True)
    opening_hours = serializers.CharField(required=False, allow_blank=True, max_length=200)
    skills = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                   max_length=30)
    capacity = serializers.IntegerField(required=False)


class HandoverInputSerializer(serializers.Serializer):
    """Typed loosely on purpose: the service checks each value and says what is wrong."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    assessment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    respiratory_rate = serializers.JSONField(required=False, allow_null=True)
    spo2 = serializers.JSONField(required=False, allow_null=True)
    spo2_scale = serializers.JSONField(required=False, allow_null=True)
    on_oxygen = serializers.JSONField(required=False, allow_null=True)
    systolic_bp = serializers.JSONField(required=False, allow_null=True)
    pulse = serializers.JSONField(required=False, allow_null=True)
    consciousness = serializers.CharField(required=False, allow_blank=True, max_length=1)
    temperature = serializers.JSONField(required=False, allow_null=True)


class ReferralInputSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    unit = serializers.IntegerField()
    line = serializers.ChoiceField(choices=Line.choices)
    deadline = serializers.DateTimeField(required=False, allow_null=True)
    callback_number = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                            max_length=30)
    skills = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                   max_length=20)
    handover = HandoverInputSerializer(required=False)


class AcceptSerializer(serializers.Serializer):
    expected_visit_at = serializers.DateTimeField(required=False, allow_null=True)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class VisitOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    referred_on_to = serializers.CharField(required=False, allow_blank=True, max_length=200)
    priority = serializers.CharField(required=False, allow_blank=True, max_length=10)
    complaint = serializers.CharField(required=False, allow_blank=True, max_length=200)
    visited_at = serializers.DateTimeField(required=False, allow_null=True)


# A unit that declined, or had the referral taken back, no longer holds the patient: it keeps
# what it was asked and why it ended, not who or where the patient is.
WITHHELD_FROM_UNIT = (ReferralState.DECLINED, ReferralState.WITHDRAWN)


def withheld_from(referral: Referral, role: str | None) -> bool:
    return role == "unit" and referral.state in WITHHELD_FROM_UNIT


def _name(user) -> str | None:
    return str(user) if user else None


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as the dispatcher and the receiving unit see it: the handover, the
    patient's identity and address (the unit needs them to visit), the life cycle. Only
    these two ever see it; every read is logged. Once declined or withdrawn the unit sees
    the referral without the patient's identity, address, callback number or clinical
    handover (`patient_withheld`)."""

    case_reference = serializers.CharField(source="case.reference")
    unit_call_sign = serializers.CharField(source="unit.call_sign")
    state_label = serializers.CharField(source="get_state_display")
    is_open = serializers.SerializerMethodField()
    sent_by = serializers.SerializerMethodField()
    accepted_by = serializers.SerializerMethodField()
    patient = serializers.SerializerMethodField()
    handover = serializers.SerializerMethodField()
    new_case_reference = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    patient_withheld = serializers.SerializerMethodField()
    callback_number = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = ["id", "case", "case_reference", "unit", "unit_call_sign", "state",
                  "state_label", "is_open", "responsible", "line", "skills", "deadline",
                  "callback_number", "patient", "handover", "overdue", "overdue_at",
                  "sent_at", "sent_by", "accepted_at", "accepted_by", "expected_visit_at",
                  "declined_at", "decline_reason", "withdrawn_at", "withdraw_reason",
                  "visited_at", "outcome", "outcome_note", "referred_on_to", "new_case",
                  "new_case_reference", "state_changed_at", "actions", "patient_withheld"]

    def get_patient_withheld(self, obj) -> bool:
        return withheld_from(obj, self.context.get("role"))

    def get_callback_number(self, obj) -> str | None:
        return None if self.get_patient_withheld(obj) else obj.callback_number

    def get_is_open(self, obj) -> bool:
        return obj.state in OPEN_STATES

    def get_sent_by(self, obj) -> str | None:
        return _name(obj.sent_by)

    def get_accepted_by(self, obj) -> str | None:
        return _name(obj.accepted_by)

    def get_new_case_reference(self, obj) -> str | None:
        return obj.new_case.reference if obj.new_case_id else None

    def get_patient(self, obj) -> dict:
        case = obj.case
        if self.get_patient_withheld(obj):
            return {"name": None, "personal_identity_number": None, "address": None,
                    "municipality": case.municipality, "latitude": None, "longitude": None,
                    "door_code": None, "safety_warning": None, "complaint": case.complaint}
        return {
            "name": case.patient_name,
            "personal_identity_number": case.personal_identity_number,
            "address": case.address,
            "municipality": case.municipality,
            "latitude": case.latitude,
            "longitude": case.longitude,
            "door_code": case.door_code,
            "safety_warning": case.safety_warning,
            "complaint": case.complaint,
        }

    def get_handover(self, obj) -> dict:
        vitals = {
            "respiratory_rate": obj.respiratory_rate, "spo2": obj.spo2,
            "spo2_scale": obj.spo2_scale, "on_oxygen": obj.on_oxygen,
            "systolic_bp": obj.systolic_bp, "pulse": obj.pulse,
            "consciousness": obj.consciousness,
            "temperature": float(obj.temperature) if obj.temperature is not None else None,
        }
        if self.get_patient_withheld(obj):
            return {"reason": obj.reason, "assessment": None, "vitals": dict.fromkeys(vitals),
                    "news2": {"score": None, "complete": None, "single_three": None,
                              "risk": None, "missing": [], "points": None}}
        score = news2(**{**vitals, "temperature": obj.temperature})
        return {
            "reason": obj.reason,
            "assessment": obj.assessment,
            "vitals": vitals,
            "news2": {"score": obj.news2_score, "complete": obj.news2_complete,
                      "single_three": obj.news2_single_three, "risk": score.risk,
                      "missing": list(score.missing), "points": score.points},
        }

    def get_actions(self, obj) -> list[str]:
        """What the user asking may do with it now (the screens show these buttons): the
        moves of the state machine theirs to make from its state."""
        return actions_for(obj.state, self.context.get("role"))


class TransitionSerializer(serializers.Serializer):
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField()
    responsible_after = serializers.CharField()
    note = serializers.CharField()

    def get_by(self, obj) -> str | None:
        return _name(obj.by)


def skills_choices() -> list[str]:
    return list(settings.REFERRAL_SKILLS)
