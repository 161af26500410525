"""The follow-up in the Django admin. Targets are added through followup.services (its rules,
on the form) and only one not yet in force is removed; follow-up records, import runs and the
dispatchers' monthly figures are read-only here (they change on the follow-up screen, by
import and by the monthly timer). Hospital visits name people: only administrators see them,
every row listed and visit opened is in the access log, and a visit is found only by a whole
personal identity number (a search by part of the key would show it digit by digit), a
search that is logged as well."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_administrator
from audit.admin import RecordedAdmin
from audit.services import PatientRef
from core.admin_readonly import ReadOnlyAdmin
from core.errors import DomainError
from core.identity_numbers import pin_is_valid, pin_key

from . import services
from .access import hospital_visit_ref
from .models import DeviationFollowUp, DispatcherReport, HospitalVisit, ImportRun, MeasureTarget

TARGET_FIELDS = ("measure", "region", "comparison", "value", "valid_from", "note")


class TargetForm(forms.ModelForm):
    class Meta:
        model = MeasureTarget
        fields = TARGET_FIELDS

    def clean(self):
        """The service's rules, so that a refusal is shown on the form with what was typed."""
        data = super().clean()
        if all(name in data for name in ("measure", "comparison", "value", "valid_from")):
            try:
                services.target_check(measure=data["measure"], region=data.get("region"),
                                      comparison=data["comparison"], value=data["value"],
                                      valid_from=data["valid_from"])
            except DomainError as refused:
                raise forms.ValidationError(refused.message) from None
        return data


@admin.register(MeasureTarget)
class MeasureTargetAdmin(admin.ModelAdmin):
    form = TargetForm
    list_display = ("measure", "region", "comparison", "value", "valid_from", "set_by",
                    "set_at")
    list_filter = ("measure", "region")
    ordering = ("measure", "valid_from")
    readonly_fields = ("set_by", "set_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a target in force is kept; a new one is set from a later day

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.valid_from > timezone.localdate())

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each through the service
        return actions

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in TARGET_FIELDS}
        try:
            target = services.target_set(by=request.user, **data)
        except DomainError as refused:  # set by someone else since the form was checked
            self.message_user(request, refused.message, messages.ERROR)
            return
        obj.pk = target.pk

    def delete_model(self, request, obj):
        services.target_delete(target=obj, by=request.user)


@admin.register(DeviationFollowUp)
class DeviationFollowUpAdmin(ReadOnlyAdmin):
    list_display = ("measure", "region", "year", "tertial", "kind", "owner", "opened_at",
                    "closed_at")
    list_filter = ("year", "tertial", "measure", "region", "kind")
    list_select_related = ("region", "owner")


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "file_name", "rows", "created", "updated", "unchanged",
                    "refused", "by")
    list_filter = ("kind",)
    date_hierarchy = "at"


@admin.register(DispatcherReport)
class DispatcherReportAdmin(ReadOnlyAdmin):
    list_display = ("month", "dispatcher", "made_at", "read_at")
    list_filter = ("month",)
    list_select_related = ("dispatcher",)


@admin.register(HospitalVisit)
class HospitalVisitAdmin(RecordedAdmin):
    list_display = ("person_key", "arrived_at", "admitted", "hospital", "import_run")
    list_filter = ("admitted", "hospital")
    search_fields = ("person_key",)
    search_help_text = _("A whole personal identity number (YYYYMMDD-NNNN).")
    date_hierarchy = "arrived_at"
    raw_id_fields = ("import_run",)

    def has_module_permission(self, request) -> bool:
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def access_ref(self, obj) -> PatientRef:
        return hospital_visit_ref(obj)

    def get_search_results(self, request, queryset, search_term):
        """Only a whole identity number finds a visit (its key, exactly)."""
        queryset, duplicates = super().get_search_results(request, queryset, "")
        term = search_term.strip()
        if not term:
            return queryset, duplicates
        return (queryset.filter(person_key=pin_key(term)) if pin_is_valid(term)
                else queryset.none()), False
