"""Notifications (with their deliveries) and SMS are kept PUSH_RETENTION_DAYS, then purged by
push's recurring timer."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import Notification, SmsMessage


def records_purge(*, older_than_days: int | None = None) -> int:
    days = older_than_days if older_than_days is not None else settings.PUSH_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _details = Notification.objects.filter(created_at__lt=cutoff).delete()
    sms, _details = SmsMessage.objects.filter(created_at__lt=cutoff).delete()
    return deleted + sms
