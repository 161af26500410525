from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.roles import is_dispatcher
from core.choices import choice_label
from core.identity_numbers import PIN_PATTERN
from core.serializers import FieldsOnce
from crews.models import Capability, Region
from places.models import Hospital

from .events import staging_summary
from .history import case_changes_for_crew
from .models import Assignment, AssignmentStatus, Case, CaseType, MassTriage, Priority, SceneFlag
from .statemachine import allowed_next, assignment_next_step, staging_of


class CaseInputSerializer(serializers.Serializer):
    # Left out, the region is the municipality's (municipality_code, or the name).
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    caller_number = serializers.RegexField(
        r"^\+?[0-9 ()-]{3,20}$", max_length=20,
        error_messages={"invalid": "Give the caller's number in digits, e.g. +46701234567."},
    )
    address = serializers.CharField(max_length=200)
    municipality = serializers.CharField(max_length=80, required=False, allow_blank=True)
    municipality_code = serializers.RegexField(
        r"^[0-9]{4}$", required=False, allow_blank=True,
        error_messages={"invalid": "A municipality code is four digits, e.g. 1980."})
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    complaint = serializers.CharField(max_length=200)
    case_type = serializers.ChoiceField(choices=CaseType.choices, required=False,
                                        default=CaseType.OTHER)
    scene_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=SceneFlag.choices), required=False, max_length=10
    )
    door_code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    safety_warning = serializers.CharField(required=False, allow_blank=True, max_length=200)
    mbs_priority = serializers.ChoiceField(choices=Priority.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    priority_change_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200
    )
    is_prioritised_line = serializers.BooleanField(required=False, default=False)
    call_received_at = serializers.DateTimeField(required=False)
    call_answered_at = serializers.DateTimeField(required=False)
    call_id = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text="The telephony system's id of the call the case comes from; left out, the "
                  "case is linked to the dispatcher's latest answered call (if any).")
    personal_identity_number = serializers.RegexField(
        PIN_PATTERN, required=False, allow_blank=True,
        error_messages={"invalid": _("Use the form YYYYMMDD-NNNN.")},
    )
    patient_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    referred_to = serializers.CharField(required=False, allow_blank=True, max_length=120)
    required_capabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Capability.choices), required=False, max_length=4,
        help_text="What a unit must be configured for to be sent (seed 004).")
    mass_triage = serializers.ChoiceField(
        choices=MassTriage.choices, required=False, allow_blank=True,
        help_text="The mass-casualty triage category (*masskadetriage*), while a major "
                  "incident's TiB has switched to it; empty for none.")


class CaseUpdateSerializer(CaseInputSerializer):
    """An edit of a case (dispatch/services/case_edit.py): only the fields it changes, and the
    `version` it was made on (left out by an integration: applied to the case as it is now)."""

    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text="The case's version the edit was made on; an older one is a 409 with the "
                  "current values.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)
        self.fields.pop("call_received_at")
        self.fields.pop("call_answered_at")
        self.fields.pop("call_id")


def destination_of(assignment: Assignment) -> dict | str | None:
    """The destination as the screens take it: the hospital {id, name, short_name, latitude,
    longitude} when one is chosen, else the destination named in words, else null."""
    hospital = assignment.destination_hospital
    if hospital is not None:
        return {"id": hospital.pk, "name": hospital.name, "short_name": hospital.label,
                "latitude": hospital.latitude, "longitude": hospital.longitude}
    return assignment.destination or None


class AssignmentBriefSerializer(serializers.ModelSerializer):
    unit_call_sign = serializers.CharField(source="unit.call_sign")
    destination_name = serializers.SerializerMethodField()
    destination_set_by_name = serializers.SerializerMethodField()
    unread_messages = serializers.SerializerMethodField(
        help_text="Messages from the crew the centre has not acknowledged yet.")
    staging = serializers.SerializerMethodField(
        help_text="The staging point (*brytpunkt*) ordered, or null.")

    class Meta:
        model = Assignment
        fields = ["id", "unit", "unit_call_sign", "unread_messages", "status", "status_changed_at",
                  "ack_overdue", "status_overdue", "resend_count", "destination_hospital",
                  "destination_name", "destination_set_at", "destination_set_by_name",
                  "override_reason", "staging"]

    def get_staging(self, obj) -> dict | None:
        return staging_summary(obj)

    def get_destination_name(self, obj) -> str:
        hospital = obj.destination_hospital
        return hospital.label if hospital is not None else obj.destination

    def get_destination_set_by_name(self, obj) -> str:
        return str(obj.destination_set_by) if obj.destination_set_by_id else ""

    def get_unread_messages(self, obj) -> int:
        # Counted from the case list's prefetch (dispatch.selectors.case_list).
        return sum(1 for m in obj.messages.all() if m.from_crew and m.acknowledged_at is None)


class CaseSerializer(serializers.ModelSerializer):
    """The dispatcher's view of a case: everything."""

    assignments = AssignmentBriefSerializer(many=True, read_only=True)
    mass_triage_text = serializers.SerializerMethodField(
        help_text="The triage category in words; empty for none.")

    class Meta:
        model = Case
        fields = [
            "id", "reference", "region", "region_set_by_hand", "status", "caller_number",
            "address", "municipality", "municipality_code", "latitude", "longitude",
            "complaint", "case_type", "scene_flags", "door_code", "notes", "safety_warning",
            "mbs_priority",
            "priority", "priority_change_reason", "is_prioritised_line",
            "personal_identity_number", "patient_name", "referred_to", "call_received_at",
            "call_answered_at", "registered_at", "first_alert_at", "closed_at", "assignments",
            "required_capabilities", "mass_triage", "mass_triage_text", "version",
        ]

    def get_mass_triage_text(self, obj) -> str:
        return choice_label(MassTriage, obj.mass_triage) if obj.mass_triage else ""


class CrewCaseSerializer(FieldsOnce, serializers.ModelSerializer):
    """What a crew needs to reach and treat the patient (*uppdragskortet*): where (address with
    door code, position), what (case type, complaint, priority), what to watch out for (scene
    flags, safety warning), the dispatcher's notes, whom to call back and who the patient is.
    Not the centre's own matters: the MBS priority and the reason of a change, the region, the
    call's times, a referral, who registered it. Codes (case type, scene flags) travel as codes:
    the tablet shows them in words (frontend/strings/crew.py)."""

    class Meta:
        model = Case
        fields = [
            "id", "reference", "address", "municipality", "latitude", "longitude", "complaint",
            "case_type", "scene_flags", "door_code", "notes", "safety_warning", "priority",
            "caller_number", "patient_name", "personal_identity_number",
        ]


# What a crew still sees of the case of an ended assignment (it is no longer theirs to treat):
# which case it was, no patient, no address.
CREW_ENDED_CASE_FIELDS = ("id", "reference", "priority", "case_type")


class AssignmentSerializer(FieldsOnce, serializers.ModelSerializer):
    unit_call_sign = serializers.CharField(source="unit.call_sign")
    next_step = serializers.SerializerMethodField()
    allowed = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    destination = serializers.SerializerMethodField()
    destination_set_by_name = serializers.SerializerMethodField()
    destination_set_by_dispatcher = serializers.SerializerMethodField()
    staging = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id", "case", "unit", "unit_call_sign", "status", "next_step", "allowed",
            "status_changed_at", "alerted_at", "acknowledged_at", "en_route_at", "at_staging_at",
            "on_scene_at", "transporting_at", "at_hospital_at", "available_at", "cancelled_at",
            "redirected_at", "redirected_to", "destination", "destination_set_at",
            "destination_set_by_name", "destination_set_by_dispatcher", "ack_overdue",
            "resend_count", "status_overdue", "staging",
        ]

    def get_next_step(self, obj) -> str | None:
        return assignment_next_step(obj)

    def get_allowed(self, obj) -> list[str]:
        user = self.context["request"].user
        return list(allowed_next(obj.status, dispatcher=is_dispatcher(user),
                                 staging=staging_of(obj)))

    def get_staging(self, obj) -> dict | None:
        return staging_summary(obj)

    def get_case(self, obj) -> dict:
        card = CrewCaseSerializer(obj.case).data
        if not obj.is_active and not is_dispatcher(self.context["request"].user):
            return {name: card[name] for name in CREW_ENDED_CASE_FIELDS}
        return card

    def get_destination(self, obj) -> dict | str | None:
        return destination_of(obj)

    def get_destination_set_by_name(self, obj) -> str:
        return str(obj.destination_set_by) if obj.destination_set_by_id else ""

    def get_destination_set_by_dispatcher(self, obj) -> bool:
        """Whether the centre chose it (the crew is told so), not a crew member."""
        return obj.destination_set_by_id is not None and is_dispatcher(obj.destination_set_by)


class DispatchInputSerializer(serializers.Serializer):
    # Ids, not looked up here: the dispatch claims and reads the units in one statement, and
    # answers an unknown one with 400 "Unknown unit <id>." (services.assignment_dispatch).
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False,
        help_text="The ids of the units to send.",
    )
    override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200,
        help_text="Why a unit that is not dispatchable (not manned, out of service, lacking a "
                  "capability the case needs) is sent anyway; stored on its assignment.")


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AssignmentStatus.choices)
    at = serializers.DateTimeField(required=False)
    idempotency_key = serializers.CharField(required=False, max_length=100)


class StagingInputSerializer(serializers.Serializer):
    """A staging point (*brytpunkt*): checked in words by services/staging.py."""

    latitude = serializers.JSONField(required=False, allow_null=True)
    longitude = serializers.JSONField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)


class AckInputSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False)
    idempotency_key = serializers.CharField(required=False, max_length=100)


class DestinationInputSerializer(serializers.Serializer):
    hospital = serializers.PrimaryKeyRelatedField(
        queryset=Hospital.objects.all(),
        error_messages={"does_not_exist": _("Unknown hospital {pk_value}: choose one from "
                                            "the list."),
                        "incorrect_type": _("Give the hospital's id, a number.")})
    chosen_at = serializers.DateTimeField(
        required=False, help_text="When it was chosen on the device (a pick that waited in "
                                  "the outbox); omitted: now.")
    idempotency_key = serializers.CharField(required=False, max_length=100)


class RedirectInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())


class MessageInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=500, allow_blank=True, trim_whitespace=True,
        error_messages={"max_length": _("A message is at most {max_length} characters; "
                                        "shorten it."),
                        "required": _("Write the message (text)."),
                        "blank": _("Write the message first.")})
    idempotency_key = serializers.CharField(required=False, max_length=64)


class AssignmentMessageSerializer(serializers.Serializer):
    """A message on an assignment as both sides see it; `acknowledged_by_name` is who of the
    other side acknowledged it ("Kvitterat 12:03 av Anna Berg")."""

    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    from_crew = serializers.BooleanField()
    author_name = serializers.SerializerMethodField()
    text = serializers.CharField()
    sent_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by_name = serializers.SerializerMethodField()

    def get_author_name(self, obj) -> str:
        return _person(obj.author)

    def get_acknowledged_by_name(self, obj) -> str:
        return _person(obj.acknowledged_by) if obj.acknowledged_by_id else ""


def _person(user) -> str:
    return str(user) if user is not None else ""


class RecommendationSerializer(serializers.Serializer):
    """A unit as the case's recommended units show it: the schema of
    Recommendation.as_dict (dispatch/recommendations.py), which builds the answer."""

    unit = serializers.IntegerField(source="unit.pk")
    call_sign = serializers.CharField(source="unit.call_sign")
    kind = serializers.CharField(source="unit.kind")
    region = serializers.IntegerField(source="unit.region_id")
    home_station_name = serializers.CharField(source="unit.home_station.name", default=None)
    status = serializers.CharField(source="unit.status")
    capabilities = serializers.ListField(source="unit.capabilities", child=serializers.CharField())
    manned = serializers.BooleanField()
    in_service = serializers.BooleanField(source="unit.in_service")
    service_note = serializers.CharField(source="unit.service_note")
    eta_s = serializers.IntegerField(allow_null=True, help_text="Travel and turnout, seconds.")
    travel_s = serializers.IntegerField(allow_null=True)
    backend = serializers.CharField(allow_null=True, help_text="router or estimate")
    fastest = serializers.BooleanField()
    selectable = serializers.BooleanField()
    why_not = serializers.SerializerMethodField()

    def get_why_not(self, obj) -> list[dict]:
        return [reason.as_dict() for reason in obj.why_not]


class AssignmentDetailSerializer(AssignmentSerializer):
    """One assignment's answer: the card, and the changes of its case since the unit was
    alerted, in words (`case_changes`: the tablet says what changed)."""

    case_changes = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "case_changes"]

    def get_case_changes(self, obj) -> list[dict]:
        return case_changes_for_crew(obj)


class CaseHistorySerializer(serializers.Serializer):
    """The case's history (dispatch/history.py): entries of kinds `registered`, `change`
    (field, old/new with old_label/new_label, reason), `dispatched` (unit, override reason),
    `status`, `destination`, `message`, `closed`; each with `at` and `by`."""

    case = serializers.IntegerField()
    reference = serializers.CharField()
    version = serializers.IntegerField()
    entries = serializers.ListField(child=serializers.DictField())
