"""SMS: the fallback when no push reaches a user, texts to numbers of no user (a caller),
sent like a push (after commit, with a watchdog and retries), and the provider's delivery
reports."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid
from core.phones import phone_is_e164, phone_mask
from timers.services import timer_cancel, timer_schedule

from ..models import Notification, SmsMessage, SmsState
from ..sealing import SealBroken, secret_mask, text_seal, text_unseal
from ..signals import sms_status_changed
from ..sms import SmsError, SmsTemporaryError, sms_backend, sms_backend_name
from .sending import retry_backoff, send_after_commit, send_claim

logger = logging.getLogger(__name__)

# Timer kind: stored in timer rows, so it never changes.
SMS_KIND = "push.sms"
DELIVERY_STATUSES = {"delivered", "failed"}


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
    send_after_commit(SMS_KIND, f"sms.{sms.pk}", {"sms": sms.pk}, sms_send, sms_id=sms.pk)
    return sms


def sms_resume(*, sms_id: int) -> None:
    if SmsMessage.objects.filter(pk=sms_id, state=SmsState.QUEUED).exists():
        send_after_commit(SMS_KIND, f"sms.{sms_id}", {"sms": sms_id}, sms_send, sms_id=sms_id)


def sms_send(*, sms_id: int) -> str | None:
    now = timezone.now()
    if not send_claim(SmsMessage.objects.filter(state=SmsState.QUEUED), pk=sms_id, now=now):
        return None
    sms = SmsMessage.objects.get(pk=sms_id)
    retry, provider_id, error = False, "", ""
    if sms.attempts > settings.SMS_MAX_ATTEMPTS:
        error = "out of attempts"
    else:
        try:
            text = text_unseal(sms.sealed) if sms.sealed else sms.message
            provider_id = sms_backend().send(to=sms.to, message=text)
        except SealBroken as exc:
            error = str(exc)
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
        if "state" in fields:
            fields.update(sealed="")  # sent or given up: the secret is needed no more
        SmsMessage.objects.filter(pk=sms_id).update(**fields)
        if "state" in fields:
            timer_cancel(kind=SMS_KIND, key=f"sms.{sms_id}")
            sms_status_changed.send(sender=SmsMessage, sms_id=sms_id)
        else:
            timer_schedule(kind=SMS_KIND, key=f"sms.{sms_id}",
                           due_at=now + retry_backoff(sms.attempts), payload={"sms": sms_id})
    if error:
        logger.warning("SMS %s to %s: %s", sms_id, phone_mask(sms.to), error)
    return fields.get("state", SmsState.QUEUED)


def sms_withdraw_by_tag(*, tag: str) -> int:
    """Take back the texts of `tag` still queued (waiting for a retry's backoff, or not yet
    sent) so that none arrives after a text that overrides it (an alarm after its
    stand-down). Each by a conditional UPDATE: one being sent right now is left to its
    sender. Returns how many were withdrawn."""
    if not tag:
        return 0
    now = timezone.now()
    withdrawn = 0
    for sms_id in SmsMessage.objects.filter(tag=tag, state=SmsState.QUEUED).values_list(
            "pk", flat=True):
        if SmsMessage.objects.filter(
                Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=sms_id,
                state=SmsState.QUEUED).update(state=SmsState.WITHDRAWN, sealed="",
                                              claimed_until=None):
            timer_cancel(kind=SMS_KIND, key=f"sms.{sms_id}")
            withdrawn += 1
    return withdrawn


def sms_queue_to_number(*, to: str, message: str, tag: str = "",
                        secret: str = "") -> SmsMessage:
    """Text a number that belongs to no user (a caller), after commit, with a watchdog timer
    like every SMS. `to` must be E.164. `secret`, a part of `message` that opens something (a
    caller's upload link), is never stored in clear nor logged: the record keeps the message
    with it masked, and the text to send sealed until it is sent (push.sealing)."""
    if not phone_is_e164(to):
        raise Invalid(_("A phone number in international form, e.g. +46701234567."))
    message = message[:320]
    if secret and secret not in message:
        raise ValueError("the secret must be in the message (whole, within 320 characters)")
    sms = SmsMessage.objects.create(
        user=None, tag=tag[:100], to=to, message=secret_mask(message, secret),
        sealed=text_seal(message) if secret else "", backend=sms_backend_name(),
        created_at=timezone.now(), state=SmsState.QUEUED,
    )
    send_after_commit(SMS_KIND, f"sms.{sms.pk}", {"sms": sms.pk}, sms_send, sms_id=sms.pk)
    return sms


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
