from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import is_administrator, is_coordinator
from audit.admin import RecordedAdmin
from audit.services import PatientRef
from core.errors import DomainError
from dispatch.access import case_ref

from . import selectors, services
from .models import (
    Aed,
    AlertReport,
    Callout,
    Municipality,
    Responder,
    ResponderAlert,
    ResponderApproval,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region", "connected_at", "auto_alert", "radius_m",
                    "max_radius_m", "wave_size", "needed")
    list_filter = ("region", "auto_alert")
    search_fields = ("name", "code")
    filter_horizontal = ("coordinators",)


class ResponderApprovalInline(admin.TabularInline):
    """The vetting's history: who approved or revoked the training, when, and why."""

    model = ResponderApproval
    extra = 0
    fields = ("at", "action", "by", "training", "trained_on", "valid_until", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or is_coordinator(request.user)


@admin.register(Responder)
class ResponderAdmin(admin.ModelAdmin):
    """Responders, and the vetting of volunteers: an administrator sees and approves
    everyone; a coordinator (staff, role coordinator) sees only their municipalities'
    volunteers, read-only, and approves or revokes them with the actions."""

    list_display = ("user", "kind", "municipality", "training", "training_confirmed_at",
                    "approval", "approved_until", "available", "position_at")
    list_filter = ("kind", "approval", "available", "training", "municipality")
    search_fields = ("user__username", "user__display_name")
    # The position is the responder's own data; the vetting changes only through the actions.
    readonly_fields = ("latitude", "longitude", "position_at", "cell", "approval", "trained_on",
                       "approved_at", "approved_by", "approved_until")
    # What the vetting rests on, set when a responder is added and never edited here after:
    # a volunteer made a unit would be alerted unvetted, and a changed training must wait for
    # a new approval, which only the volunteer's own change sets going (responder_update).
    VETTED_FIELDS = ("kind", "training", "training_confirmed_at")
    raw_id_fields = ("user",)
    list_select_related = ("user", "municipality")
    inlines = [ResponderApprovalInline]
    actions = ["approve_training", "revoke_approval"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else (*fields, *self.VETTED_FIELDS)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_administrator(request.user):
            return qs
        return qs & selectors.volunteers_for_approver(request.user)

    def _coordinates(self, request) -> bool:
        return is_coordinator(request.user) and request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or self._coordinates(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or self._coordinates(request)

    def has_approve_permission(self, request) -> bool:
        return is_administrator(request.user) or self._coordinates(request)

    @admin.action(description=_("Approve the training of the selected volunteers…"),
                  permissions=["approve"])
    def approve_training(self, request, queryset):
        """Asks the date of the training first (a page of its own), then approves each."""
        form = ApproveForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(request, "admin/ivpa/approve_training.html", {
                **self.admin_site.each_context(request), "form": form,
                "volunteers": queryset, "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "title": _("Approve the training")})
        self._each(request, queryset, services.responder_approve,
                   trained_on=form.cleaned_data["trained_on"],
                   reason=form.cleaned_data["reason"])
        return None

    @admin.action(description=_("Revoke the approval of the selected volunteers"),
                  permissions=["approve"])
    def revoke_approval(self, request, queryset):
        self._each(request, queryset, services.responder_revoke, reason="Django admin")

    def _each(self, request, queryset, action, **kwargs) -> None:
        done = 0
        for responder in queryset.select_related("user"):
            try:
                action(responder=responder, by=request.user, **kwargs)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{responder}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, ngettext("%(n)d volunteer done.",
                                                "%(n)d volunteers done.", done) % {"n": done},
                              messages.SUCCESS)


class ApproveForm(forms.Form):
    trained_on = forms.DateField(
        label=_("Date of the training"), required=False,
        help_text=_("From its certificate. Empty: today. The approval is valid for "
                    "IVPA_TRAINING_VALID_DAYS from this date."))
    reason = forms.CharField(label=_("Note"), required=False, max_length=200)


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
