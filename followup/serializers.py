"""The follow-up API's shapes. Codes go with their words (`measure_name`, `comparison_words`,
`kind_words`): a screen shows the words, never the code."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from .models import DeviationFollowUp, DeviationKind, Measure, MeasureTarget, TargetComparison


def _name(user) -> str:
    return str(user) if user is not None else ""


class TargetInputSerializer(serializers.Serializer):
    measure = serializers.IntegerField(help_text="1–7 (followup.models.Measure).")
    region = serializers.IntegerField(required=False, allow_null=True,
                                      help_text="A region's id; null: every region.")
    comparison = serializers.CharField(max_length=10, help_text="at_most or at_least.")
    value = serializers.FloatField(help_text="Seconds (measures 1, 2) or a share 0–1.")
    valid_from = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class TargetSerializer(serializers.ModelSerializer):
    measure_name = serializers.SerializerMethodField()
    region_name = serializers.SerializerMethodField()
    comparison_words = serializers.SerializerMethodField()
    set_by_name = serializers.SerializerMethodField()
    deletable = serializers.SerializerMethodField(
        help_text="Not yet in force: it may still be removed.")

    class Meta:
        model = MeasureTarget
        fields = ["id", "measure", "measure_name", "region", "region_name", "comparison",
                  "comparison_words", "value", "valid_from", "note", "set_by_name", "set_at",
                  "deletable"]

    def get_measure_name(self, obj) -> str:
        return str(Measure(obj.measure).label)

    def get_region_name(self, obj) -> str:
        return obj.region.name if obj.region_id else _("Every region")

    def get_comparison_words(self, obj) -> str:
        return str(TargetComparison(obj.comparison).label)

    def get_set_by_name(self, obj) -> str:
        return _name(obj.set_by)

    def get_deletable(self, obj) -> bool:
        return obj.valid_from > self.context["today"]


class DeviationOpenSerializer(serializers.Serializer):
    measure = serializers.IntegerField()
    region = serializers.IntegerField()
    year = serializers.IntegerField()
    tertial = serializers.IntegerField()
    kind = serializers.CharField(max_length=10, help_text="region or trend.")


class DeviationUpdateSerializer(serializers.Serializer):
    owner = serializers.IntegerField(required=False, allow_null=True,
                                     help_text="A user's id from /api/followup/owners/.")
    finding = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    action = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    closed = serializers.BooleanField(required=False)
    version = serializers.IntegerField(
        min_value=1, help_text="The version the change was made on: an older one is 409.")


class DeviationSerializer(serializers.ModelSerializer):
    measure_name = serializers.SerializerMethodField()
    region_name = serializers.CharField(source="region.name")
    kind_words = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()
    opened_by_name = serializers.SerializerMethodField()
    closed_by_name = serializers.SerializerMethodField()
    closed = serializers.SerializerMethodField()

    class Meta:
        model = DeviationFollowUp
        fields = ["id", "measure", "measure_name", "region", "region_name", "year", "tertial",
                  "kind", "kind_words", "observed", "compared_with", "p_value", "owner",
                  "owner_name", "finding", "action", "opened_by_name", "opened_at",
                  "closed", "closed_at", "closed_by_name", "version"]

    def get_measure_name(self, obj) -> str:
        return str(Measure(obj.measure).label)

    def get_kind_words(self, obj) -> str:
        return str(DeviationKind(obj.kind).label)

    def get_owner_name(self, obj) -> str:
        return _name(obj.owner)

    def get_opened_by_name(self, obj) -> str:
        return _name(obj.opened_by)

    def get_closed_by_name(self, obj) -> str:
        return _name(obj.closed_by)

    def get_closed(self, obj) -> bool:
        return obj.closed_at is not None


class OwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return str(obj)
