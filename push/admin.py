from django.contrib import admin

from audit.admin import admin_lookup_record
from core.phones import PhoneNumberInvalid, phone_mask, phone_normalise

from .models import Delivery, Notification, PushSubscription, SmsMessage
from .sealing import link_secrets_masked


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
    """What was texted and how it went, read-only. A caller's number is shown masked and a
    link's secret not at all (the record keeps it masked; the sealed text is never shown): the
    page is for following deliveries, nor may anyone open a caller's upload link. A number is
    found only whole (a search for part of it would unmask it digit by digit), and such a
    search is in the access log with the number as the key: it asks which texts, and so which
    case's link, went to that caller, and push cannot name the patient behind a number."""

    list_display = ("to_masked", "user", "state", "delivery_status", "backend", "attempts",
                    "created_at", "sent_at", "delivered_at")
    list_filter = ("state", "delivery_status", "backend")
    search_fields = ("user__username", "provider_id", "tag")
    search_help_text = "A user, a provider's id, a tag, or a whole phone number."
    fields = readonly_fields = (
        "user", "notification", "tag", "to_masked", "message_masked", "backend", "state",
        "attempts", "provider_id", "error", "created_at", "sent_at", "delivery_status",
        "delivered_at", "reported_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # records go with PUSH_RETENTION_DAYS

    def get_search_results(self, request, queryset, search_term):
        try:
            number = phone_normalise(search_term)
        except PhoneNumberInvalid:
            return super().get_search_results(request, queryset, search_term)
        admin_lookup_record(request, keys=[number], where=self.opts.label_lower)
        return queryset.filter(to=number), False

    @admin.display(description="to", ordering="to")
    def to_masked(self, sms: SmsMessage) -> str:
        return phone_mask(sms.to)

    @admin.display(description="message")
    def message_masked(self, sms: SmsMessage) -> str:
        return link_secrets_masked(sms.message)
