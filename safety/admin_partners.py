"""The Django admin of partners, their exchanges and the crews' reports (registered from
safety.admin). A partner is made with `manage.py partner_create` (which issues its token),
not here; here it is deactivated or its regions changed."""

from django.contrib import admin

from audit.admin import RecordedAdmin
from audit.services import PatientRef
from core.admin_readonly import ReadOnlyAdmin
from dispatch.access import case_ref

from .models import CrewReport, Partner, PartnerExchange


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "user", "active", "created_at")
    list_filter = ("kind", "active")
    filter_horizontal = ("regions",)
    fields = ("name", "kind", "user", "regions", "active", "created_at")
    readonly_fields = ("kind", "user", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PartnerExchange)
class PartnerExchangeAdmin(ReadOnlyAdmin):
    """The log: read-only."""

    list_display = ("at", "partner", "direction", "what", "notice_ids")
    list_filter = ("direction", "partner")
    list_select_related = ("partner",)


@admin.register(CrewReport)
class CrewReportAdmin(RecordedAdmin):
    """Read-only. Its description may tell about the patient of the assignment's case: every
    read is in the access log (the case's patient; a report without an assignment as read)."""

    list_display = ("id", "reported_at", "unit", "region", "category", "violence_happened",
                    "notice")
    list_filter = ("category", "violence_happened", "region")
    list_select_related = ("unit", "region", "notice", "assignment__case")
    raw_id_fields = ("assignment", "notice", "reported_by")

    def access_ref(self, obj) -> PatientRef:
        if obj.assignment is not None:
            return case_ref(obj.assignment.case)
        return PatientRef(patient="", case_ref="", object_type="crew_report",
                          object_id=str(obj.pk))
