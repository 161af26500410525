from django.db.models import QuerySet

from .models import Notification, PushSubscription, SmsMessage


def subscriptions_of_user(*, user_id: int) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user_id=user_id).order_by("created_at")


def notifications_of_user(*, user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user_id).order_by("-created_at")


def sms_of_user(*, user_id: int) -> QuerySet[SmsMessage]:
    return SmsMessage.objects.filter(user_id=user_id).order_by("-created_at")
