from django.contrib import admin

from audit.admin import RecordedAdmin
from audit.services import PatientRef

from .access import case_ref
from .models import Assignment, Case


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "case"
    extra = 0
    fields = ("unit", "status", "alerted_at", "acknowledged_at", "status_changed_at",
              "ack_overdue", "resend_count")
    readonly_fields = fields
    can_delete = False


@admin.register(Case)
class CaseAdmin(RecordedAdmin):
    list_display = ("reference", "region", "priority", "mbs_priority", "status",
                    "registered_at", "first_alert_at")
    list_filter = ("region", "priority", "status")
    search_fields = ("reference", "address", "personal_identity_number")
    date_hierarchy = "registered_at"
    inlines = [AssignmentInline]

    def access_ref(self, obj) -> PatientRef:
        return case_ref(obj)


@admin.register(Assignment)
class AssignmentAdmin(RecordedAdmin):
    list_display = ("case", "unit", "status", "alerted_at", "acknowledged_at", "ack_overdue",
                    "status_overdue")
    list_filter = ("status", "ack_overdue", "status_overdue")
    search_fields = ("case__reference", "unit__call_sign")
    raw_id_fields = ("case", "unit", "redirected_to", "created_by")
    list_select_related = ("case", "unit")

    def access_ref(self, obj) -> PatientRef:
        return case_ref(obj.case)
