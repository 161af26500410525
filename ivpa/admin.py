from django.contrib import admin

from audit.admin import RecordedAdmin
from audit.services import PatientRef
from dispatch.access import case_ref

from .models import Aed, AlertReport, Callout, Municipality, Responder, ResponderAlert


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region", "connected_at", "auto_alert", "radius_m",
                    "max_radius_m", "wave_size", "needed")
    list_filter = ("region", "auto_alert")
    search_fields = ("name", "code")


@admin.register(Responder)
class ResponderAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "training", "training_confirmed_at", "available",
                    "position_at")
    list_filter = ("kind", "available", "training")
    search_fields = ("user__username", "user__display_name")
    # The position is the responder's own data: shown, not edited here.
    readonly_fields = ("latitude", "longitude", "position_at", "cell")
    raw_id_fields = ("user",)


@admin.register(Aed)
class AedAdmin(admin.ModelAdmin):
    list_display = ("name", "external_id", "address", "opening_hours", "active")
    list_filter = ("active",)
    search_fields = ("name", "external_id", "address")
    readonly_fields = ("cell",)


class ResponderAlertInline(admin.TabularInline):
    model = ResponderAlert
    extra = 0
    fields = ("responder", "kind", "wave", "distance_m", "eta_s", "status", "route",
              "alerted_at", "accepted_at", "arrived_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Callout)
class CalloutAdmin(RecordedAdmin):
    list_display = ("case", "municipality", "started_at", "waves", "first_accept_at",
                    "ended_at", "end_reason")
    list_filter = ("municipality", "end_reason")
    inlines = [ResponderAlertInline]
    raw_id_fields = ("case",)
    readonly_fields = ("started_at", "first_alert_at", "first_accept_at", "first_arrival_at",
                       "satisfied_at", "ended_at")
    list_select_related = ("case", "municipality")

    def access_ref(self, obj) -> PatientRef:
        return case_ref(obj.case)


@admin.register(AlertReport)
class AlertReportAdmin(RecordedAdmin):
    """What a responder did for the patient (CPR, shocks): part of the case's record."""

    list_display = ("alert", "cpr_started", "aed_attached", "aed_shocks", "wellbeing",
                    "wants_debrief", "submitted_at")
    list_filter = ("wants_debrief",)
    list_select_related = ("alert__callout__case",)

    def access_ref(self, obj) -> PatientRef:
        return case_ref(obj.alert.callout.case)
