from django.contrib import admin

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
class CaseAdmin(admin.ModelAdmin):
    list_display = ("reference", "region", "priority", "mbs_priority", "status",
                    "registered_at", "first_alert_at")
    list_filter = ("region", "priority", "status")
    search_fields = ("reference", "address", "personal_identity_number")
    date_hierarchy = "registered_at"
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("case", "unit", "status", "alerted_at", "acknowledged_at", "ack_overdue",
                    "status_overdue")
    list_filter = ("status", "ack_overdue", "status_overdue")
    search_fields = ("case__reference", "unit__call_sign")
    raw_id_fields = ("case", "unit", "redirected_to", "created_by")
