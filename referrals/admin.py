from django.contrib import admin

from audit.admin import RecordedAdmin
from audit.services import PatientRef

from .access import referral_ref
from .models import MobileCareProfile, Referral, ReferralTransition


@admin.register(MobileCareProfile)
class MobileCareProfileAdmin(admin.ModelAdmin):
    list_display = ("unit", "available", "opening_hours", "capacity", "updated_at")
    list_filter = ("available",)


class TransitionInline(admin.TabularInline):
    model = ReferralTransition
    extra = 0
    fields = ("from_state", "to_state", "at", "by", "responsible_after", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Referral)
class ReferralAdmin(RecordedAdmin):
    """Read-only (as all patient data): a referral moves only through its services, so every
    change is a transition on record."""

    list_display = ("id", "case", "unit", "state", "responsible", "line", "overdue", "sent_at",
                    "outcome")
    list_filter = ("state", "responsible", "line", "outcome", "unit")
    raw_id_fields = ("case", "new_case")
    inlines = [TransitionInline]
    list_select_related = ("case", "unit")

    def access_ref(self, obj) -> PatientRef:
        return referral_ref(obj)
