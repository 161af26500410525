"""Waking the recipients of an event: a timer per user when the event is published, and,
when the grace time is over, a push to each device (or an SMS) unless a device
acknowledged the event on the socket."""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from realtime import registry
from realtime.selectors import stream_acked
from timers.models import Timer, TimerState

from ..models import Delivery, DeliveryState, Notification, NotificationState, PushSubscription
from .deliveries import delivery_start
from .sms_messages import sms_fallback

# Timer kind: stored in timer rows, so it never changes.
NOTIFY_KIND = "push.notify"


def _notify_key(stream: str, seq: int, user_id: int | None) -> str:
    key = f"{stream}#{seq}@{'due' if user_id is None else user_id}"
    return key if len(key) <= 120 else hashlib.sha256(key.encode()).hexdigest()


def notifications_schedule(*, items: list[tuple[dict, list[int] | None, dict]]) -> list[Timer]:
    """The notifier registered with realtime, (event, user ids, notification) per event:
    runs in the publisher's transaction and returns the wake-up timers, unsaved, which the
    publisher inserts with its own in one statement (an event's sequence number is new, so
    no pending timer has their keys yet). One per user and event; one per event when the
    user ids are None (the stream's recipients are found when it is due: push/timers.py)."""
    due = timezone.now() + timedelta(seconds=settings.PUSH_GRACE_SECONDS)
    return [
        Timer(kind=NOTIFY_KIND, key=_notify_key(event["stream"], event["seq"], user_id),
              due_at=due,
              payload={"user": user_id, "stream": event["stream"], "seq": event["seq"],
                       "type": event["type"], "at": event["at"], "notification": notification})
        for event, user_ids, notification in items
        for user_id in (user_ids if user_ids is not None else [None])
    ]


def notifications_withdraw(*, pairs: list[tuple[str, str]]) -> None:
    """What these notifications (stream, tag) were about has ended (the assignment was
    acknowledged or cancelled): those still in their grace time are cancelled, pushes still
    being retried stop. Called by realtime in the publisher's transaction, once per batch."""
    timers, notifications = Q(), Q()
    for stream, tag in set(pairs):
        timers |= Q(payload__stream=stream, payload__notification__tag=tag)
        notifications |= Q(stream=stream, payload__tag=tag)
    if not timers:
        return
    Timer.objects.filter(timers, kind=NOTIFY_KIND, state=TimerState.PENDING).update(
        state=TimerState.CANCELLED)
    pushing = list(Notification.objects.filter(
        notifications, state=NotificationState.PUSHING,
    ).values_list("pk", flat=True))
    if pushing:
        Delivery.objects.filter(notification_id__in=pushing, state=DeliveryState.PENDING).update(
            state=DeliveryState.STOPPED, last_error="withdrawn: no longer needed")
        Notification.objects.filter(pk__in=pushing).update(
            state=NotificationState.WITHDRAWN, decided_at=timezone.now())


def notification_fire(
    *, user_id: int, stream: str, seq: int, event_type: str, event_at: datetime, payload: dict
) -> Notification:
    """The grace time is over: push to the user's devices unless one of them acknowledged
    the event on the socket; SMS when the user has no push subscription."""
    now = timezone.now()
    notification, created = Notification.objects.get_or_create(
        user_id=user_id, stream=stream, seq=seq,
        defaults={"event_type": event_type, "event_at": event_at, "payload": payload,
                  "created_at": now},
    )
    if not created and notification.state != NotificationState.PENDING:
        return notification
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if stream_acked(user_id=user_id, stream=stream) >= seq:
        state = NotificationState.ACKED
    elif user is None or user_id not in registry.recipients(stream):
        state = NotificationState.DROPPED
    else:
        subscriptions = list(PushSubscription.objects.filter(user_id=user_id))
        expired = [s.pk for s in subscriptions if s.expires_at and s.expires_at <= now]
        if expired:
            PushSubscription.objects.filter(pk__in=expired).delete()
        live = [s for s in subscriptions if s.pk not in expired]
        if live:
            state = NotificationState.PUSHING
            for subscription in live:
                delivery_start(notification, subscription, now)
        else:
            state = NotificationState.SMS
            sms_fallback(notification=notification)
    notification.state, notification.decided_at = state, now
    notification.save(update_fields=["state", "decided_at"])
    return notification
