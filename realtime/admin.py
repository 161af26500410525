from django.contrib import admin

from .models import Event, Stream


@admin.register(Stream)
class StreamAdmin(admin.ModelAdmin):
    list_display = ("name", "last_seq")
    search_fields = ("name",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("stream", "seq", "type", "created_at")
    list_filter = ("type",)
    search_fields = ("stream",)
