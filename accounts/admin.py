from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from core.errors import DomainError

from .models import ApiToken, LoginThrottle, User
from .services import api_token_revoke, api_token_service_issue, login_locks_lift


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "is_service_account", "is_active")
    list_filter = ("role", "is_service_account", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Larmkedjan", {"fields": ("role", "display_name", "phone_number",
                                   "is_service_account")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Larmkedjan", {"fields": ("role", "display_name", "phone_number",
                                   "is_service_account")}),
    )
    actions = ["issue_token"]

    @admin.action(description="Issue an API token to the selected service accounts")
    def issue_token(self, request, queryset):
        """The keys are shown on the page this action answers with, once: only their hashes
        are kept."""
        issued = []
        for user in queryset:
            try:
                token, key = api_token_service_issue(user=user, by=request.user,
                                                     label="issued in the admin")
            except DomainError as refused:
                self.message_user(request, f"{user.username}: {refused.message}",
                                  messages.ERROR)
                continue
            issued.append((token, key))
        if not issued:
            return None
        response = TemplateResponse(request, "admin/accounts/token_issued.html", {
            **self.admin_site.each_context(request), "title": "API tokens issued",
            "issued": issued, "opts": self.model._meta})
        add_never_cache_headers(response)
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every token (never a key, nor the key of the session it is tied to: whoever saw it
    could sign in as that browser): who holds it, whether it is tied to a session, when it
    expires and was last used. The administrator revokes them here; none is deleted, so that
    the record stays and the socket signed in with it is told."""

    list_display = ("prefix", "user", "label", "created_at", "expires_at", "last_used_at",
                    "revoked_at", "tied_to_session")
    list_filter = ("revoked_at", "user__role", "user__is_service_account")
    search_fields = ("user__username", "label", "prefix")
    exclude = ("key_hash", "session_key")
    readonly_fields = [f.name for f in ApiToken._meta.fields
                       if f.name not in ("key_hash", "session_key")] + ["tied_to_session"]
    actions = ["revoke"]

    @admin.display(boolean=True, description="tied to a session")
    def tied_to_session(self, token) -> bool:
        return bool(token.session_key)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, by=request.user)
        self.message_user(request, "Revoked.")

    def has_add_permission(self, request) -> bool:
        return False  # issued to a service account from the user list, or by the holder

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Failed sign-ins by name and address: the administrator lifts a delay or a lock."""

    list_display = ("kind", "key", "failures", "locked_until", "last_failure_at")
    list_filter = ("kind",)
    search_fields = ("key",)
    actions = ["lift"]

    @admin.action(description="Lift the delay or lock (the count starts again)")
    def lift(self, request, queryset):
        lifted = login_locks_lift(throttles=list(queryset))
        self.message_user(request, f"Lifted {lifted}.")
