from django.contrib import admin

from .models import Timer


@admin.register(Timer)
class TimerAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "due_at", "state", "attempts", "fired_at")
    list_filter = ("kind", "state")
    search_fields = ("key",)
