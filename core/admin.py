from django.contrib import admin

from .models import IdempotentRequest


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "key", "scope", "status_code", "created_at")
    search_fields = ("key",)
