"""Read-only admin of caller images: what was sent, received and done, never the bytes (those
only through the logged views) and never a token (only hashes are stored). Every page is in the
access log."""

from django.contrib import admin

from audit.admin import RecordedAdmin
from audit.services import PatientRef

from .access import image_ref, link_ref
from .models import CallerImage, ImageForward, ImageLink


@admin.register(ImageLink)
class ImageLinkAdmin(RecordedAdmin):
    list_display = ("id", "case", "phone", "created_by", "created_at", "expires_at",
                    "images_received", "max_images", "opened_at", "revoked_at")
    search_fields = ("case__reference", "phone", "created_by__username")
    exclude = ("token_hash",)
    date_hierarchy = "created_at"
    list_select_related = ("case", "created_by")

    def access_ref(self, obj) -> PatientRef:
        return link_ref(obj)


class ImageForwardInline(admin.TabularInline):
    model = ImageForward
    extra = 0
    can_delete = False
    fields = ("assignment", "forwarded_by", "forwarded_at")
    readonly_fields = fields


@admin.register(CallerImage)
class CallerImageAdmin(RecordedAdmin):
    list_display = ("id", "case", "link", "state", "source_format", "received_at",
                    "processed_at", "assessed_at", "forwarded_at", "deleted_at")
    list_filter = ("state", "source_format")
    search_fields = ("case__reference",)
    exclude = ("original_path", "display_path", "thumbnail_path", "note")
    inlines = [ImageForwardInline]
    list_select_related = ("case", "link")

    def access_ref(self, obj) -> PatientRef:
        return image_ref(obj)
