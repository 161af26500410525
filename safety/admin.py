from django.contrib import admin

from audit.admin import RecordedAdmin
from audit.services import PatientRef
from dispatch.access import case_ref

from .models import NoticeAcknowledgement, NoticeMatch, PanicAlarm, PanicPosition, RiskNotice


class PanicPositionInline(admin.TabularInline):
    model = PanicPosition
    extra = 0
    fields = ("at", "latitude", "longitude", "accuracy_m")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PanicAlarm)
class PanicAlarmAdmin(RecordedAdmin):
    """Read-only: an alarm moves only through its services (safety.services.panic). It shows
    its case (the address): each read is in the access log."""

    list_display = ("id", "unit", "raised_by", "state", "raised_at", "acknowledged_by",
                    "acknowledged_at", "escalated_at", "case")
    list_filter = ("state", "unit")
    raw_id_fields = ("case", "assignment")
    list_select_related = ("unit", "raised_by", "acknowledged_by", "case")
    inlines = [PanicPositionInline]

    def access_ref(self, obj) -> PatientRef:
        if obj.case is not None:
            return case_ref(obj.case)
        return PatientRef(patient="", case_ref="", object_type="panic_alarm",
                          object_id=str(obj.pk))


def _notice_ref(notice: RiskNotice) -> PatientRef:
    """A notice about a person is that person's data; one about a place is logged as read."""
    return PatientRef(patient=notice.person_key, case_ref="", object_type="risk_notice",
                      object_id=str(notice.pk))


@admin.register(RiskNotice)
class RiskNoticeAdmin(RecordedAdmin):
    """Read-only: notices change through their services (the API's review and withdraw). The
    background is shown only on the notice's own page, never in the list."""

    list_display = ("id", "state", "region", "category", "action", "address", "radius_m",
                    "source", "valid_until", "entered_by")
    list_filter = ("state", "region", "category", "source")
    list_select_related = ("region", "entered_by")
    search_fields = ("address",)
    raw_id_fields = ("address_ref", "source_partner", "entered_by", "reviewed_by")

    def access_ref(self, obj) -> PatientRef:
        return _notice_ref(obj)


@admin.register(NoticeMatch)
class NoticeMatchAdmin(RecordedAdmin):
    """A notice matched with a case: the case's patient's data."""

    list_display = ("id", "case", "notice", "decision", "matched_at", "decided_by")
    list_filter = ("decision",)
    list_select_related = ("case", "notice", "decided_by")
    raw_id_fields = ("case", "notice", "decided_by")

    def access_ref(self, obj) -> PatientRef:
        return case_ref(obj.case)


@admin.register(NoticeAcknowledgement)
class NoticeAcknowledgementAdmin(RecordedAdmin):
    list_display = ("id", "match", "assignment", "user", "acknowledged_at")
    list_select_related = ("match__case", "assignment", "user")
    raw_id_fields = ("match", "assignment", "user")

    def access_ref(self, obj) -> PatientRef:
        return case_ref(obj.match.case)


from . import admin_partners  # noqa: E402, F401 (partners, their exchanges, crew reports)
