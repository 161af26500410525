"""Actions of push, one module per part: subscriptions; notifications (waking a user whose
devices did not see an event on the socket); deliveries (pushes with retries and expiry);
sms_messages (the SMS fallback, texts to callers, delivery reports); sending (what a push and
an SMS share: after commit, a watchdog, backoff); retention. Callers use this package:
`services.notification_fire(...)`.

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

from .deliveries import DELIVER_KIND, TOPIC, delivery_resume, delivery_send, delivery_start
from .notifications import (
    NOTIFY_KIND,
    notification_fire,
    notifications_schedule,
    notifications_withdraw,
)
from .retention import records_purge
from .sms_messages import (
    DELIVERY_STATUSES,
    SMS_KIND,
    sms_delivery_record,
    sms_fallback,
    sms_queue,
    sms_queue_to_number,
    sms_resume,
    sms_send,
    sms_text,
    sms_withdraw_by_tag,
)
from .subscriptions import (
    LOOPBACK_HOSTS,
    endpoint_validate,
    subscription_delete,
    subscription_save,
)

__all__ = [
    "DELIVERY_STATUSES", "DELIVER_KIND", "LOOPBACK_HOSTS", "NOTIFY_KIND", "SMS_KIND", "TOPIC",
    "delivery_resume", "delivery_send", "delivery_start", "endpoint_validate",
    "notification_fire", "notifications_schedule", "notifications_withdraw", "records_purge",
    "sms_delivery_record", "sms_fallback", "sms_queue", "sms_queue_to_number", "sms_resume",
    "sms_send", "sms_text", "sms_withdraw_by_tag", "subscription_delete",
    "subscription_save",
]
