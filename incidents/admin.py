from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.admin import RecordedAdmin
from audit.services import PatientRef
from core.admin_readonly import ReadOnlyAdmin

from .access import incidents_admin_record
from .endpoints import validate_cap_endpoint
from .models import (
    AlarmContact,
    AlarmRegion,
    CapDelivery,
    IncidentLogEntry,
    MajorIncident,
    Pledge,
)
from .selectors.log import log_text


class AlarmContactInline(admin.TabularInline):
    model = AlarmContact
    extra = 1
    fields = ("kind", "name", "phone", "user", "active")
    raw_id_fields = ("user",)


class AlarmRegionForm(forms.ModelForm):
    """The outbound token is written, never shown again (left empty: kept as it is)."""

    cap_endpoint = forms.URLField(required=False, max_length=300, assume_scheme="https",
                                  validators=[validate_cap_endpoint])
    cap_token = forms.CharField(
        required=False, max_length=200, label=_("CAP token we send (outbound)"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("The bearer token the region's endpoint expects. Left empty, the stored "
                    "one is kept; type a new one to replace it."))
    cap_token_clear = forms.BooleanField(required=False, label=_("Remove the outbound token"))

    class Meta:
        model = AlarmRegion
        fields = ("code", "name", "region", "cap_endpoint", "cap_token", "cap_sender",
                  "active", "sort_order")

    def clean(self):
        data = super().clean()
        if data.get("cap_token_clear"):
            data["cap_token"] = ""
        elif not data.get("cap_token"):
            data["cap_token"] = self.instance.cap_token if self.instance.pk else ""
        return data


@admin.register(AlarmRegion)
class AlarmRegionAdmin(admin.ModelAdmin):
    """The configured list the regional alarm goes to: a region, its CAP endpoint and tokens,
    and its people (TiB, dispatch centre, blood centre). No patient data. Neither token is
    shown: the outbound one is written only, the inbound one is kept as a hash and issued by
    `manage.py incident_region_token <code>`."""

    form = AlarmRegionForm
    readonly_fields = ("inbound_token",)
    list_display = ("code", "name", "region", "cap_endpoint", "active", "sort_order")
    list_filter = ("active",)
    list_editable = ("active", "sort_order")
    search_fields = ("code", "name")
    inlines = [AlarmContactInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("CAP token the region posts with (inbound)"))
    def inbound_token(self, obj) -> str:
        if obj is None or not obj.cap_inbound_token_hash:
            return _("None: run manage.py incident_region_token %(code)s") % {
                "code": getattr(obj, "code", "<code>")}
        return _("Set (sha256 …%(tail)s)") % {"tail": obj.cap_inbound_token_hash[-6:]}


class IncidentLogInline(admin.TabularInline):
    model = IncidentLogEntry
    extra = 0
    fields = ("at", "kind", "words", "by_name", "alarm_region")
    readonly_fields = fields
    can_delete = False

    @admin.display(description=_("Step"))
    def words(self, obj) -> str:
        """In the reader's language (the row keeps the source message and its params)."""
        return log_text(obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MajorIncident)
class MajorIncidentAdmin(RecordedAdmin):
    """Read-only: an incident moves only through its services (incidents.services). It shows
    its cases: each read is in the access log, one entry per case (an incident without cases
    is logged as read, with no patient)."""

    list_display = ("id", "title", "state", "exercise", "region", "raised_by", "raised_at",
                    "confirmed_by", "confirmed_at", "stood_down_at")
    list_filter = ("state", "exercise", "region")
    list_select_related = ("region", "raised_by", "confirmed_by")
    raw_id_fields = ("cases",)
    inlines = [IncidentLogInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("cases")

    def access_ref(self, obj) -> PatientRef:
        return PatientRef(patient="", case_ref="", object_type="major_incident",
                          object_id=str(obj.pk))

    def _record(self, request, objs, *, reason: str) -> None:
        """The incident and, on its own page (which shows them), each of its cases."""
        incidents_admin_record(user=request.user, incidents=list(objs), reason=reason,
                               with_cases=reason == "opened in the admin")


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    """Read-only: pledges are made and withdrawn through their services (they hold units)."""

    list_display = ("id", "incident", "alarm_region", "kind", "count", "via", "created_at",
                    "withdrawn_at")
    list_filter = ("kind", "via", "alarm_region")
    list_select_related = ("incident", "alarm_region")
    readonly_fields = ("incident", "alarm_region", "kind", "count", "units", "available_at",
                       "report_to", "note", "via", "pledged_by", "pledged_by_name",
                       "idempotency_key", "created_at", "withdrawn_at", "withdrawn_by")


@admin.register(CapDelivery)
class CapDeliveryAdmin(ReadOnlyAdmin):
    """Each CAP message to each region's endpoint: delivered, or why not yet (read-only: the
    retries are the timers')."""

    list_display = ("id", "message", "region_alarm", "endpoint", "state", "attempts",
                    "last_status", "last_error", "last_attempt_at", "delivered_at")
    list_filter = ("state",)
    list_select_related = ("message", "region_alarm__alarm_region", "region_alarm__incident")
