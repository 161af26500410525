"""Web Push subscriptions, the notifications that woke (or did not wake) a user, each push
sent to a device, and the SMS sent when a user could not be reached by push.

Nothing here holds patient data: a notification says "Nytt uppdrag, Prio 1A — AMB 1010" and
the device fetches the assignment over HTTP, where the read is written to the access log.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.phones import phone_mask


class PushSubscription(models.Model):
    """One browser's push subscription (`PushSubscription.toJSON()`), per user and device.

    An endpoint belongs to one browser profile: whoever registers it last gets its pushes (a
    shared tablet handed to the next shift), so the endpoint is unique."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    device_id = models.UUIDField()
    endpoint = models.CharField(max_length=1024, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    expires_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    last_push_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "device_id"], name="pushsub_user_device")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.device_id} → {self.push_service}"

    @property
    def push_service(self) -> str:
        parts = urlsplit(self.endpoint)
        return f"{parts.scheme}://{parts.netloc}"


class NotificationState(models.TextChoices):
    PENDING = "pending"  # waiting for the grace time
    ACKED = "acked"  # a device saw the event on the socket: nothing sent
    DROPPED = "dropped"  # the user is no longer a recipient of the stream
    PUSHING = "pushing"  # pushes under way
    PUSHED = "pushed"  # a push service accepted at least one push
    SMS = "sms"  # no push subscription reached the user: SMS fallback (see SmsMessage)
    WITHDRAWN = "withdrawn"  # what it was about ended (acknowledged, cancelled) before a push


class Notification(models.Model):
    """An event that warranted waking one user, and what was done about it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_notifications"
    )
    stream = models.CharField(max_length=90)
    seq = models.PositiveBigIntegerField()
    event_type = models.CharField(max_length=60)
    event_at = models.DateTimeField()
    payload = models.JSONField(default=dict)  # {"title", "body", "url", "tag"}
    state = models.CharField(max_length=10, choices=NotificationState.choices,
                             default=NotificationState.PENDING)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "stream", "seq"],
                                    name="pushnotification_user_event")
        ]
        indexes = [models.Index(fields=["stream", "state"], name="pushnotification_stream_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.stream}#{self.seq} {self.event_type} ({self.state})"


class DeliveryState(models.TextChoices):
    PENDING = "pending"  # to be sent, or to be retried (429, 5xx, network)
    SENT = "sent"  # the push service accepted it (2xx)
    GONE = "gone"  # 404/410: the subscription is deleted
    STOPPED = "stopped"  # a device acknowledged the event before a retry
    FAILED = "failed"  # refused, expired (TTL) or out of attempts


class Delivery(models.Model):
    """One push of a notification to one subscription; claimed per attempt by a conditional
    UPDATE, retried by a stored timer."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="deliveries")
    subscription = models.ForeignKey(PushSubscription, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="deliveries")
    push_service = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"push {self.pk} → {self.push_service} ({self.state})"


class SmsState(models.TextChoices):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    # Taken back before it was sent: what it said no longer holds (sms_withdraw_by_tag).
    WITHDRAWN = "withdrawn"


class SmsMessage(models.Model):
    """An SMS sent (or attempted) through the SMS backend."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="sms_messages")
    notification = models.ForeignKey(Notification, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="sms_messages")
    tag = models.CharField(max_length=100, blank=True)
    to = models.CharField(max_length=16, blank=True)
    # As it may be shown: a secret in it (a caller's upload link) is masked.
    message = models.CharField(max_length=320)
    # The text as it is sent, when it carries a secret: sealed (push.sealing) while the SMS is
    # queued, wiped once it is sent or has failed.
    sealed = models.TextField(blank=True, default="")
    backend = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=SmsState.choices, default=SmsState.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The provider's delivery report (46elks `whendelivered`): "delivered" or "failed".
    delivery_status = models.CharField(max_length=20, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "SMS"
        verbose_name_plural = "SMS"
        indexes = [models.Index(fields=["user", "tag", "created_at"], name="sms_user_tag_idx")]

    def __str__(self) -> str:
        # Masked: the text shows in the admin, and a caller's number is patient data.
        return f"SMS {self.pk} to {phone_mask(self.to) or '?'} ({self.state})"
