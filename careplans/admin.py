"""Care plans in the Django admin: every list row and plan opened is in the access log (as
all patient data, `RecordedAdmin`), and, unlike the other patient data there, an administrator
writes and changes them here: a care unit's plan reaches the centre through its administrator.
A save goes through careplans.services (the same rules and 409 as the API, the consoles told)
and is logged; nothing is deleted (a plan ends by its valid-to date)."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_administrator
from audit.admin import RecordedAdmin
from audit.models import AccessAction
from audit.services import PatientRef
from core.errors import DomainError

from . import services
from .access import care_plan_ref, care_plans_record
from .models import CarePlan
from .selectors import today
from .serializers import REVIEW_DUE_DAYS


class ReviewDueFilter(admin.SimpleListFilter):
    """Plans to review: within 30 days, or overdue; and plans in force or expired."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("review due within 30 days")), ("overdue", _("review overdue")),
                ("active", _("in force today")), ("expired", _("expired"))]

    def queryset(self, request, queryset):
        day = today()
        if self.value() == "due":
            return queryset.filter(review_date__gte=day,
                                   review_date__lte=day + timedelta(days=REVIEW_DUE_DAYS))
        if self.value() == "overdue":
            return queryset.filter(review_date__lt=day, valid_to__gte=day)
        if self.value() == "active":
            return queryset.filter(valid_from__lte=day, valid_to__gte=day)
        if self.value() == "expired":
            return queryset.filter(valid_to__lt=day)
        return queryset


class SaveRefused(Exception):
    """The service refused the save after the form was checked (a race lost meanwhile)."""


class CarePlanForm(forms.ModelForm):
    phones = forms.CharField(
        required=False, label=_("Phone numbers the person calls from"),
        help_text=_("One or more, separated by commas, as typed (070-123 45 67)."))
    # The version the administrator opened: a save made on an older one is refused (409).
    seen_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = CarePlan
        fields = ["personal_identity_number", "phones", "person_name", "care_unit",
                  "valid_from", "valid_to", "review_date", "consent_recorded_by",
                  "consent_recorded_at", "consent_method", "dispatcher_instructions",
                  "contact", "crew_instructions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["phones"].initial = ", ".join(self.instance.phone_list())
            self.fields["seen_version"].initial = self.instance.version

    def typed_phones(self) -> list[str]:
        return [p.strip() for p in self.cleaned_data.get("phones", "").split(",") if p.strip()]

    def clean(self):
        """The service's rules, so that a refusal is shown on the form with what was typed."""
        data = super().clean()
        if any(name not in data for name in services.EDITABLE if name in self.fields):
            return data  # a field is already refused
        seen = data.get("seen_version")
        if self.instance.pk and seen is not None and seen != CarePlan.objects.filter(
                pk=self.instance.pk).values_list("version", flat=True).first():
            raise forms.ValidationError(services.care_plan_changed_text())
        values = {name: data.get(name, "") for name in services.EDITABLE}
        try:
            services.care_plan_check(values, services.care_plan_phones(self.typed_phones()),
                                     exclude_pk=self.instance.pk)
        except DomainError as refused:
            raise forms.ValidationError(refused.message) from None
        return data


@admin.register(CarePlan)
class CarePlanAdmin(RecordedAdmin):
    form = CarePlanForm
    list_display = ("id", "personal_identity_number", "person_name", "care_unit",
                    "valid_from", "valid_to", "review_date", "author")
    list_filter = (ReviewDueFilter, "care_unit", "consent_method")
    search_fields = ("personal_identity_number", "person_name", "care_unit")
    ordering = ("review_date",)
    readonly_fields = ("author", "created_at", "updated_at", "updated_by", "version")

    # Written by an administrator (tests/audit/test_admin_log.py: CHANGED_THROUGH_SERVICES).
    def has_add_permission(self, request) -> bool:
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_administrator(request.user)

    def access_ref(self, obj) -> PatientRef:
        return care_plan_ref(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save the service refuses after the form was checked (another administrator saved
        the plan, or a plan for the same person, in between) rolls back and the form is checked
        again against what won: the refusal is shown on it with what was typed, never a 500."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SaveRefused as refused:
            request.care_plan_refused = str(refused)  # get_form() puts it on the form
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refused = getattr(request, "care_plan_refused", "")
        if not refused:
            return form

        class RefusedForm(form):
            def clean(self):
                super().clean()  # the form's own check may now say more precisely why
                raise forms.ValidationError(refused)

        return RefusedForm

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.EDITABLE}
        phones = form.typed_phones()
        try:
            if change:
                plan = services.care_plan_update(
                    plan=CarePlan.objects.get(pk=obj.pk), by=request.user, phones=phones,
                    version=form.cleaned_data.get("seen_version"), **data)
            else:
                plan = services.care_plan_create(by=request.user, phones=phones, **data)
        except DomainError as refused:
            raise SaveRefused(refused.message) from None
        obj.pk = plan.pk
        care_plans_record(user=request.user, plans=[plan], reason="written in the admin",
                          action=AccessAction.UPDATE if change else AccessAction.CREATE)

    def save_related(self, request, form, formsets, change):
        """The phones are the service's (save_model)."""
