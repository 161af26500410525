"""Actions of push: subscriptions; waking a user whose devices did not see an event on the
socket; pushes with retries and expiry; the SMS fallback.

The path of one event that warrants waking people (registered by a domain app, e.g. crews:
assignment.created on a unit's stream):

1. `notifications_schedule` (called by realtime's event_publish, in the publisher's
   transaction) stores a timer per recipient at now + PUSH_GRACE_SECONDS.
2. `notification_fire` (the timer) does nothing when a device of the user acknowledged the
   event on the socket (op "ack"); else it creates a Delivery per push subscription and sends
   them after commit, or, without a subscription, falls back to SMS.
3. `delivery_send` claims a delivery (conditional UPDATE), pushes, and records the answer:
   2xx sent; 404/410 the subscription is deleted; 429/5xx/network retried by a stored timer
   with backoff (Retry-After honoured) until PUSH_MAX_ATTEMPTS or the TTL; anything else
   failed. When no push can reach the user any more, the SMS fallback is used.
"""

import hashlib
import logging
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid, NotFound
from core.phones import phone_is_e164
from realtime import registry
from realtime.selectors import stream_acked
from timers.models import Timer, TimerState
from timers.services import timer_cancel, timer_schedule

from . import sender
from .models import (
    Delivery,
    DeliveryState,
    Notification,
    NotificationState,
    PushSubscription,
    SmsMessage,
    SmsState,
)
from .signals import sms_status_changed
from .sms import SmsError, SmsTemporaryError, sms_backend, sms_backend_name
from .webpush import FAILED, GONE, RETRY, SENT, PushResult, push_send

logger = logging.getLogger(__name__)

NOTIFY_KIND = "push.notify"
DELIVER_KIND = "push.deliver"
SMS_KIND = "push.sms"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _lease() -> timedelta:
    """How long one send may take before its watchdog sends it again."""
    return timedelta(seconds=max(settings.PUSH_TIMEOUT_SECONDS, settings.SMS_TIMEOUT_SECONDS)
                     + 5)


def _backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    delay = min(settings.PUSH_RETRY_SECONDS * 2 ** max(0, attempts - 1),
                settings.PUSH_RETRY_MAX_SECONDS)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return timedelta(seconds=delay)


# --- subscriptions ---------------------------------------------------------------------------


def endpoint_validate(endpoint: str) -> str:
    """A push service's https URL (in PUSH_ENDPOINT_HOSTS when that is set); plain http only to
    127.0.0.1/localhost and only with PUSH_ALLOW_INSECURE_ENDPOINTS (tests)."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise Invalid(_("The endpoint is not a URL.")) from None
    if parts.username or parts.password or not host:
        raise Invalid(_("The endpoint is not a push service URL."))
    if parts.scheme == "http" and host in LOOPBACK_HOSTS and \
            settings.PUSH_ALLOW_INSECURE_ENDPOINTS:
        return endpoint
    if parts.scheme != "https":
        raise Invalid(_("The endpoint must be an https URL."))
    allowed = settings.PUSH_ENDPOINT_HOSTS
    if allowed and not any(
        host == entry or (entry.startswith(".") and host.endswith(entry)) for entry in allowed
    ):
        raise Invalid(_("The endpoint %(host)s is not a known push service.") % {"host": host})
    return endpoint


def subscription_save(
    *, user, device_id, endpoint: str, p256dh: str, auth: str,
    expires_at: datetime | None = None, user_agent: str = "",
) -> tuple[PushSubscription, bool]:
    """Store a browser's push subscription for (user, device): created or replaced. The
    endpoint moves to this user and device if someone else had registered it."""
    endpoint_validate(endpoint)
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                PushSubscription.objects.filter(endpoint=endpoint).exclude(
                    user=user, device_id=device_id
                ).delete()
                return PushSubscription.objects.update_or_create(
                    user=user, device_id=device_id,
                    defaults={"endpoint": endpoint, "p256dh": p256dh, "auth": auth,
                              "expires_at": expires_at, "user_agent": user_agent[:200],
                              "updated_at": now},
                    create_defaults={"endpoint": endpoint, "p256dh": p256dh, "auth": auth,
                                     "expires_at": expires_at, "user_agent": user_agent[:200],
                                     "created_at": now, "updated_at": now},
                )
        except IntegrityError:
            continue  # the same endpoint or device saved at the same moment: once more
    raise Conflict(_("The subscription changed at the same time; send it again."))


def subscription_delete(*, user, device_id) -> None:
    deleted, _details = PushSubscription.objects.filter(user=user, device_id=device_id).delete()
    if not deleted:
        raise NotFound(_("You have no push subscription for this device."))


# --- waking the recipients of an event -----------------------------------------------------


def _notify_key(stream: str, seq: int, user_id: int) -> str:
    key = f"{stream}#{seq}@{user_id}"
    return key if len(key) <= 120 else hashlib.sha256(key.encode()).hexdigest()


def notifications_schedule(*, items: list[tuple[dict, list[int], dict]]) -> None:
    """The notifier registered with realtime, (event, user ids, notification) per event:
    runs in the publisher's transaction. One wake-up timer per user and event, all in one
    INSERT: an event's sequence number is new, so no pending timer has its key yet."""
    due = timezone.now() + timedelta(seconds=settings.PUSH_GRACE_SECONDS)
    Timer.objects.bulk_create([
        Timer(kind=NOTIFY_KIND, key=_notify_key(event["stream"], event["seq"], user_id),
              due_at=due,
              payload={"user": user_id, "stream": event["stream"], "seq": event["seq"],
                       "type": event["type"], "at": event["at"], "notification": notification})
        for event, user_ids, notification in items
        for user_id in user_ids
    ])


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
                _delivery_start(notification, subscription, now)
        else:
            state = NotificationState.SMS
            sms_fallback(notification=notification)
    notification.state, notification.decided_at = state, now
    notification.save(update_fields=["state", "decided_at"])
    return notification


def _send_after_commit(kind: str, key: str, payload: dict, send, **kwargs) -> None:
    """Send after commit, with a watchdog timer that sends again if this send is lost with
    its process (a retry or the watchdog firing comes back here through `*_resume`)."""
    timer_schedule(kind=kind, key=key, due_at=timezone.now() + _lease() + timedelta(seconds=1),
                   payload=payload)
    sender.after_commit(send, **kwargs)


def _delivery_start(notification: Notification, subscription: PushSubscription,
                    now: datetime) -> Delivery:
    delivery = Delivery.objects.create(
        notification=notification, subscription=subscription,
        push_service=subscription.push_service[:200], created_at=now,
    )
    _send_after_commit(DELIVER_KIND, f"delivery.{delivery.pk}", {"delivery": delivery.pk},
                       delivery_send, delivery_id=delivery.pk)
    return delivery


def delivery_resume(*, delivery_id: int) -> None:
    """A delivery's timer fired (a retry, or the watchdog): send it after commit, with a new
    watchdog in case this send is lost too."""
    if Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).exists():
        _send_after_commit(DELIVER_KIND, f"delivery.{delivery_id}", {"delivery": delivery_id},
                           delivery_send, delivery_id=delivery_id)


def delivery_send(*, delivery_id: int) -> str | None:
    """Claim one pending delivery, push it, record the answer. Runs outside any transaction
    (in the sending pool). Returns the delivery's new state, None when not claimed."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=delivery_id, state=DeliveryState.PENDING,
    ).update(claimed_until=now + _lease(), attempts=F("attempts") + 1)
    if claimed != 1:
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
        delay = _backoff(delivery.attempts, result.retry_after)
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


# --- SMS -------------------------------------------------------------------------------------


def sms_text(payload: dict) -> str:
    text = f"{payload.get('title', '')}: {payload.get('body', '')}".strip(": ")
    if settings.SMS_SITE_URL and payload.get("url"):
        text += " " + settings.SMS_SITE_URL.rstrip("/") + payload["url"]
    return text.replace("\u2014", "-")[:320]  # GSM 7-bit has no em dash


def sms_fallback(*, notification: Notification) -> SmsMessage | None:
    """Text the user what the push would have said; once per user and tag (an assignment
    re-sent every half minute) within SMS_REPEAT_SECONDS."""
    tag = (notification.payload.get("tag") or "")[:100]
    since = timezone.now() - timedelta(seconds=settings.SMS_REPEAT_SECONDS)
    if tag and SmsMessage.objects.filter(
        user_id=notification.user_id, tag=tag, created_at__gte=since,
        state__in=[SmsState.QUEUED, SmsState.SENT],
    ).exists():
        logger.info("No SMS for %s: one for %s went out already", notification, tag)
        return None
    return sms_queue(user=notification.user, message=sms_text(notification.payload), tag=tag,
                     notification=notification)


def sms_queue(*, user, message: str, tag: str = "",
              notification: Notification | None = None) -> SmsMessage:
    """Record an SMS and send it after commit (with a watchdog timer, like a push)."""
    now = timezone.now()
    phone = getattr(user, "phone_number", "") or ""
    sms = SmsMessage.objects.create(
        user=user, notification=notification, tag=tag, to=phone, message=message[:320],
        backend=sms_backend_name(), created_at=now,
        state=SmsState.QUEUED if phone else SmsState.FAILED,
        error="" if phone else "The user has no phone number.",
    )
    if not phone:
        logger.warning("Cannot text %s: no phone number", user)
        return sms
    _send_after_commit(SMS_KIND, f"sms.{sms.pk}", {"sms": sms.pk}, sms_send, sms_id=sms.pk)
    return sms


def sms_resume(*, sms_id: int) -> None:
    if SmsMessage.objects.filter(pk=sms_id, state=SmsState.QUEUED).exists():
        _send_after_commit(SMS_KIND, f"sms.{sms_id}", {"sms": sms_id}, sms_send, sms_id=sms_id)


def sms_send(*, sms_id: int) -> str | None:
    now = timezone.now()
    claimed = SmsMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        pk=sms_id, state=SmsState.QUEUED,
    ).update(claimed_until=now + _lease(), attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    sms = SmsMessage.objects.get(pk=sms_id)
    retry, provider_id, error = False, "", ""
    if sms.attempts > settings.SMS_MAX_ATTEMPTS:
        error = "out of attempts"
    else:
        try:
            provider_id = sms_backend().send(to=sms.to, message=sms.message)
        except SmsTemporaryError as exc:
            retry, error = True, str(exc)
        except SmsError as exc:
            error = str(exc)
        except Exception as exc:
            logger.exception("SMS backend failed")
            retry, error = True, repr(exc)
    with transaction.atomic():
        now = timezone.now()
        fields = {"claimed_until": None, "error": error[:500]}
        if not error:
            fields.update(state=SmsState.SENT, sent_at=now, provider_id=provider_id[:100])
        elif not (retry and sms.attempts < settings.SMS_MAX_ATTEMPTS):
            fields.update(state=SmsState.FAILED)
        SmsMessage.objects.filter(pk=sms_id).update(**fields)
        if "state" in fields:
            timer_cancel(kind=SMS_KIND, key=f"sms.{sms_id}")
            sms_status_changed.send(sender=SmsMessage, sms_id=sms_id)
        else:
            timer_schedule(kind=SMS_KIND, key=f"sms.{sms_id}",
                           due_at=now + _backoff(sms.attempts), payload={"sms": sms_id})
    if error:
        logger.warning("SMS %s to %s: %s", sms_id, sms.to, error)
    return fields.get("state", SmsState.QUEUED)


def sms_queue_to_number(*, to: str, message: str, tag: str = "") -> SmsMessage:
    """Text a number that belongs to no user (a caller), after commit, with a watchdog timer
    like every SMS. `to` must be E.164."""
    if not phone_is_e164(to):
        raise Invalid(_("A phone number in international form, e.g. +46701234567."))
    sms = SmsMessage.objects.create(
        user=None, tag=tag[:100], to=to, message=message[:320], backend=sms_backend_name(),
        created_at=timezone.now(), state=SmsState.QUEUED,
    )
    _send_after_commit(SMS_KIND, f"sms.{sms.pk}", {"sms": sms.pk}, sms_send, sms_id=sms.pk)
    return sms


DELIVERY_STATUSES = {"delivered", "failed"}


@transaction.atomic
def sms_delivery_record(*, provider_id: str, status: str,
                        delivered_at: datetime | None = None) -> SmsMessage | None:
    """The provider's delivery report (46elks `whendelivered`). Returns the SMS, None when
    the id is none of ours. A report never moves "delivered" back to "failed"."""
    status = (status or "").strip().lower()
    if status not in DELIVERY_STATUSES:
        raise Invalid(_("status must be delivered or failed."))
    if not provider_id:
        return None
    sms = SmsMessage.objects.select_for_update().filter(provider_id=provider_id[:100]).first()
    if sms is None:
        return None
    if sms.delivery_status == "delivered" and status == "failed":
        return sms
    now = timezone.now()
    sms.delivery_status, sms.reported_at = status, now
    if status == "delivered":
        sms.delivered_at = delivered_at or now
    sms.save(update_fields=["delivery_status", "delivered_at", "reported_at"])
    sms_status_changed.send(sender=SmsMessage, sms_id=sms.pk)
    return sms


def records_purge(*, older_than_days: int | None = None) -> int:
    days = older_than_days if older_than_days is not None else settings.PUSH_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _details = Notification.objects.filter(created_at__lt=cutoff).delete()
    sms, _details = SmsMessage.objects.filter(created_at__lt=cutoff).delete()
    return deleted + sms
