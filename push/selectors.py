import logging

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .models import Notification, PushSubscription, SmsMessage
from .vapid import VapidNotConfigured, vapid_keys

logger = logging.getLogger(__name__)


def subscriptions_of_user(*, user_id: int) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user_id=user_id).order_by("created_at")


def notifications_of_user(*, user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user_id).order_by("-created_at")


def sms_of_user(*, user_id: int) -> QuerySet[SmsMessage]:
    return SmsMessage.objects.filter(user_id=user_id).order_by("-created_at")


def vapid_public_key() -> str | None:
    """The key a screen subscribes with (`applicationServerKey`), handed to its page as data,
    or None when this server has no push: the page then neither offers push nor asks for the
    key (a 503 would be an error in its console). Unusable keys (push.E001) leave the screens
    working without push."""
    try:
        return vapid_keys().public_key
    except VapidNotConfigured:
        return None
    except ImproperlyConfigured:
        logger.exception("Web Push is off: the VAPID keys are unusable")
        return None
