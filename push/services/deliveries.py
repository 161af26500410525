"""Pushes to one device each (a Delivery): claimed by a conditional UPDATE, sent, and the
answer recorded: 2xx sent; 404/410 the subscription is deleted; 429/5xx/network retried by a
stored timer with backoff (Retry-After honoured) until PUSH_MAX_ATTEMPTS or the TTL;
anything else failed. When no push can reach the user any more, the SMS fallback is used."""

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from realtime.selectors import stream_acked
from timers.services import timer_cancel, timer_schedule

from ..models import Delivery, DeliveryState, Notification, NotificationState, PushSubscription
from ..webpush import FAILED, GONE, RETRY, SENT, PushResult, push_send
from .sending import retry_backoff, send_after_commit, send_claim
from .sms_messages import sms_fallback

logger = logging.getLogger(__name__)

# Timer kind: stored in timer rows, so it never changes.
DELIVER_KIND = "push.deliver"
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def delivery_start(notification: Notification, subscription: PushSubscription,
                   now: datetime) -> Delivery:
    delivery = Delivery.objects.create(
        notification=notification, subscription=subscription,
        push_service=subscription.push_service[:200], created_at=now,
    )
    send_after_commit(DELIVER_KIND, f"delivery.{delivery.pk}", {"delivery": delivery.pk},
                      delivery_send, delivery_id=delivery.pk)
    return delivery


def delivery_resume(*, delivery_id: int) -> None:
    """A delivery's timer fired (a retry, or the watchdog): send it after commit, with a new
    watchdog in case this send is lost too."""
    if Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).exists():
        send_after_commit(DELIVER_KIND, f"delivery.{delivery_id}", {"delivery": delivery_id},
                          delivery_send, delivery_id=delivery_id)


def delivery_send(*, delivery_id: int) -> str | None:
    """Claim one pending delivery, push it, record the answer. Runs outside any transaction
    (in the sending pool). Returns the delivery's new state, None when not claimed."""
    now = timezone.now()
    if not send_claim(Delivery.objects.filter(state=DeliveryState.PENDING), pk=delivery_id,
                      now=now):
        return None
    delivery = Delivery.objects.select_related("notification", "subscription").get(
        pk=delivery_id)
    notification, subscription = delivery.notification, delivery.subscription
    expires = notification.event_at + timedelta(seconds=settings.PUSH_TTL_SECONDS)
    if stream_acked(user_id=notification.user_id, stream=notification.stream) \
            >= notification.seq:
        result = PushResult("stopped", error="a device acknowledged the event")
    elif subscription is None:
        result = PushResult(GONE, error="the subscription was removed")
    elif now >= expires:
        result = PushResult(FAILED, error="expired (TTL) before it could be sent")
    elif delivery.attempts > settings.PUSH_MAX_ATTEMPTS:
        result = PushResult(FAILED, error="out of attempts")
    else:
        payload = notification.payload
        tag = payload.get("tag") or ""
        result = push_send(
            endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth,
            payload=payload, ttl=int((expires - now).total_seconds()),
            topic=tag if TOPIC.match(tag) else None,
        )
        log = logger.info if result.outcome == SENT else logger.warning
        log("Push %s to %s: %s %s", delivery_id, delivery.push_service, result.outcome,
            result.error or result.status_code)
    return _delivery_record(delivery_id=delivery_id, result=result)


@transaction.atomic
def _delivery_record(*, delivery_id: int, result: PushResult) -> str:
    now = timezone.now()
    delivery = Delivery.objects.get(pk=delivery_id)
    # One outcome at a time per notification: whether the SMS fallback is due depends on the
    # other deliveries' outcomes.
    notification = Notification.objects.select_for_update().get(pk=delivery.notification_id)
    delivery.refresh_from_db()
    delivery.status_code, delivery.claimed_until = result.status_code, None
    delivery.last_error = result.error[:500]
    expires = notification.event_at + timedelta(seconds=settings.PUSH_TTL_SECONDS)
    timer_key = f"delivery.{delivery_id}"
    if result.outcome == SENT:
        delivery.state, delivery.sent_at = DeliveryState.SENT, now
        Notification.objects.filter(
            pk=notification.pk, state__in=[NotificationState.PUSHING, NotificationState.ACKED]
        ).update(state=NotificationState.PUSHED, decided_at=now)
        PushSubscription.objects.filter(pk=delivery.subscription_id).update(last_push_at=now)
    elif result.outcome == "stopped":
        delivery.state = DeliveryState.STOPPED
        Notification.objects.filter(pk=notification.pk, state=NotificationState.PUSHING).update(
            state=NotificationState.ACKED, decided_at=now)
    elif result.outcome == GONE:
        delivery.state = DeliveryState.GONE
        PushSubscription.objects.filter(pk=delivery.subscription_id).delete()
    elif result.outcome == RETRY and delivery.attempts < settings.PUSH_MAX_ATTEMPTS:
        delay = retry_backoff(delivery.attempts, result.retry_after)
        if now + delay < expires:
            delivery.next_attempt_at = now + delay
            timer_schedule(kind=DELIVER_KIND, key=timer_key, due_at=now + delay,
                           payload={"delivery": delivery_id})
        else:
            delivery.state = DeliveryState.FAILED
            delivery.last_error = (f"{delivery.last_error}; expires (TTL) before a retry")[:500]
    else:
        delivery.state = DeliveryState.FAILED
    delivery.save(update_fields=["state", "sent_at", "status_code", "claimed_until",
                                 "last_error", "next_attempt_at"])
    if delivery.state != DeliveryState.PENDING:
        timer_cancel(kind=DELIVER_KIND, key=timer_key)
    if delivery.state in (DeliveryState.GONE, DeliveryState.FAILED):
        _fall_back_if_unreachable(notification)
    return delivery.state


def _fall_back_if_unreachable(notification: Notification) -> None:
    """No push reached the user and none is still under way: SMS."""
    if notification.deliveries.filter(
        state__in=[DeliveryState.PENDING, DeliveryState.SENT, DeliveryState.STOPPED]
    ).exists():
        return
    moved = Notification.objects.filter(
        pk=notification.pk, state=NotificationState.PUSHING
    ).update(state=NotificationState.SMS, decided_at=timezone.now())
    if moved:
        sms_fallback(notification=notification)
