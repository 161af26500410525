from django.contrib import admin

from .models import LinkedIdentity


@admin.register(LinkedIdentity)
class LinkedIdentityAdmin(admin.ModelAdmin):
    """An administrator links a user ahead by personal identity number (leave the subject
    empty): their first sign-in through the provider completes the link."""

    list_display = ("user", "issuer", "subject", "personal_number", "created_at",
                    "last_signed_in_at")
    search_fields = ("user__username", "user__display_name", "personal_number", "subject")
    list_filter = ("issuer",)
    raw_id_fields = ("user",)
    readonly_fields = ("created_at", "last_signed_in_at")
