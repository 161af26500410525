from django.contrib import admin

from .models import Delivery, Notification, PushSubscription, SmsMessage


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "device_id", "push_service", "created_at", "last_push_at",
                    "expires_at")
    search_fields = ("user__username", "device_id")
    readonly_fields = ("endpoint", "p256dh", "auth", "created_at", "updated_at", "last_push_at")


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("push_service", "state", "attempts", "status_code", "last_error", "sent_at")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "stream", "seq", "event_type", "state", "event_at", "decided_at")
    list_filter = ("state", "event_type")
    search_fields = ("user__username", "stream")
    inlines = [DeliveryInline]
    readonly_fields = ("user", "stream", "seq", "event_type", "event_at", "payload", "state",
                       "created_at", "decided_at")


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("to", "user", "state", "delivery_status", "backend", "attempts",
                    "created_at", "sent_at", "delivered_at")
    list_filter = ("state", "delivery_status", "backend")
    search_fields = ("to", "user__username", "provider_id")
    readonly_fields = ("user", "notification", "tag", "to", "message", "backend", "state",
                       "attempts", "provider_id", "error", "created_at", "sent_at",
                       "delivery_status", "delivered_at", "reported_at")
