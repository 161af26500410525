"""Crew reports as the API shows them (REPORT) and takes them. Every code travels with its
label in the request's language."""

from rest_framework import serializers

from core.api import IDEMPOTENCY_KEY
from core.choices import choice_label
from core.times import iso

from ..models import CrewReport, NoticeCategory, NoticeState


def crew_report_data(report: CrewReport) -> dict:
    """The crew's receipt: what they reported and the notice it proposed."""
    return {
        "id": report.pk,
        "category": report.category,
        "category_label": choice_label(NoticeCategory, report.category),
        "violence_happened": report.violence_happened,
        "reported_at": iso(report.reported_at),
        "notice": report.notice_id,
    }


def crew_report_row(report: CrewReport) -> dict:
    """A reviewer's row: the unit, what and when, and where its notice stands (no description,
    no place: the notice holds them)."""
    notice = report.notice
    return {
        **crew_report_data(report),
        "unit": report.unit_id,
        "unit_call_sign": report.unit.call_sign,
        "region": report.region_id,
        "region_name": report.region.name,
        "assignment": report.assignment_id,
        "notice_state": notice.state if notice else None,
        "notice_state_label": choice_label(NoticeState, notice.state) if notice else "",
    }


class CrewReportInputSerializer(serializers.Serializer):
    """A report from the crew's tablet or phone. The category is checked by the service, which
    names the choices."""

    assignment = serializers.IntegerField(required=False, allow_null=True, default=None)
    category = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                     default="")
    violence_happened = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=4000)
    idempotency_key = serializers.RegexField(
        IDEMPOTENCY_KEY, error_messages={
            "invalid": "Use 8 to 100 letters, digits, '-', '_', '.' or ':'.",
            "required": "Send an idempotency_key (8 to 100 letters, digits, '-', '_', '.' or "
                        "':'): a report queued offline is then stored once."})
