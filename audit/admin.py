"""The access log in the Django admin, and `RecordedAdmin`: the base of every admin that shows
patient data, so that a read in the admin is in the access log as a read in the API is."""

from django.contrib import admin

from .models import AccessAction, AccessLogEntry
from .services import PatientRef, access_log_write


class RecordedAdmin(admin.ModelAdmin):
    """An admin that shows patient data: each list page (one entry per row shown), each record
    opened, added or changed is written to the access log. A subclass says whose data a row
    is (`access_ref`). tests/audit/test_admin_log.py fails on an admin of a model that leads
    to a case without this base."""

    def access_ref(self, obj) -> PatientRef:
        raise NotImplementedError(f"{type(self).__name__} must say whose data a row is")

    def _record(self, request, objs, *, reason: str, action: str = AccessAction.READ) -> None:
        refs = list(dict.fromkeys(self.access_ref(obj) for obj in objs))
        if refs:
            access_log_write(user=request.user, refs=refs, reason=reason, action=action)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        self._record(request, changelist.result_list, reason="listed in the admin")
        return changelist

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            self._record(request, [obj], reason="opened in the admin")
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    def log_addition(self, request, obj, message):
        self._record(request, [obj], reason="added in the admin", action=AccessAction.CREATE)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record(request, [obj], reason="changed in the admin", action=AccessAction.UPDATE)
        return super().log_change(request, obj, message)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(RecordedAdmin):
    """The log names patients and who read their records: reading it is recorded too."""

    list_display = ("at", "username", "role", "action", "patient", "case_ref", "reason")
    list_filter = ("action", "role")
    search_fields = ("patient", "username", "case_ref")
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def access_ref(self, obj) -> PatientRef:
        return PatientRef(patient=obj.patient, case_ref="", object_type="access_log",
                          object_id="admin")
