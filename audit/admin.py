"""The access log in the Django admin, and `RecordedAdmin`: the base of every admin that shows
patient data, so that a read in the admin is in the access log as a read in the API is, and
patient data is read-only there (it changes only through the services, which log and publish
each change)."""

import re

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from core.admin_readonly import ReadOnlyAdmin

from .models import AccessLogEntry
from .services import PatientRef, access_log_write

# A personal identity number (*personnummer*) as typed: YYYYMMDD-NNNN, YYMMDD-NNNN, no dash.
IDENTITY_NUMBER = re.compile(r"(?<!\d)(?:\d{8}|\d{6})[-+]?\d{4}(?!\d)")
LOOKED_UP = "looked up in the admin"


def admin_lookup_record(request, *, keys, where: str) -> None:
    """A search in the admin for a person's key (a personal identity number; a caller's phone
    number in the SMS admin, where nothing names the patient) asks about that person, even
    when it finds nothing: one entry per key, the key as the patient."""
    keys = list(dict.fromkeys(keys))
    if keys:
        access_log_write(user=request.user, reason=LOOKED_UP, refs=[
            PatientRef(patient=key, case_ref="", object_type="admin_search", object_id=where)
            for key in keys])


class RecordedAdmin(ReadOnlyAdmin):
    """An admin that shows patient data, read-only (so are its inlines: Django offers no edit
    in an inline of a page that cannot be changed). Written to the access log: each list page
    (one entry per row shown), each record opened, and each lookup by a personal identity
    number, a search or a filter, even one that finds nothing (it asks about that patient).
    Pickers (autocomplete) are refused: nothing edits a model that points here. A subclass says
    whose data a row is (`access_ref`). tests/audit/test_admin_log.py fails on an admin of a
    model that leads to a case without this base, and on one that lets anything change."""

    def access_ref(self, obj) -> PatientRef:
        raise NotImplementedError(f"{type(self).__name__} must say whose data a row is")

    def _record(self, request, objs, *, reason: str) -> None:
        refs = list(dict.fromkeys(self.access_ref(obj) for obj in objs))
        if refs:
            access_log_write(user=request.user, refs=refs, reason=reason)

    def _record_lookups(self, request) -> None:
        """The identity numbers in the list's search and filters."""
        admin_lookup_record(request, where=self.opts.label_lower, keys=(
            number for _key, values in request.GET.lists() for value in values
            for number in IDENTITY_NUMBER.findall(value)))

    def get_changelist_instance(self, request):
        self._record_lookups(request)
        changelist = super().get_changelist_instance(request)
        self._record(request, changelist.result_list, reason="listed in the admin")
        return changelist

    def get_search_results(self, request, queryset, search_term):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            raise PermissionDenied("Patient data is not offered in pickers.")
        return super().get_search_results(request, queryset, search_term)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            self._record(request, [obj], reason="opened in the admin")
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(RecordedAdmin):
    """The log names patients and who read their records: reading it is recorded too."""

    list_display = ("at", "username", "role", "action", "patient", "case_ref", "reason")
    list_filter = ("action", "role")
    search_fields = ("patient", "username", "case_ref")
    date_hierarchy = "at"

    def access_ref(self, obj) -> PatientRef:
        return PatientRef(patient=obj.patient, case_ref="", object_type="access_log",
                          object_id="admin")
