"""CAP messages to the regions' endpoints (*leverans*): one CapDelivery per region alarm whose
region has an endpoint, POSTed after commit in a sending pool of its own (as push.sender's:
the alarm's CAP does not wait behind the twenty texts the same confirmation sends), claimed by a
conditional UPDATE, and retried by a stored timer with backoff until the endpoint accepts it
(2xx). An Alert or Update stops when the incident is stood down; a Cancel goes on until
delivered. A send lost with its process is sent again by its watchdog timer."""

import logging
import os
import threading
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.background import BackgroundPool
from timers.services import timer_cancel, timer_create, timer_schedule

from ..endpoints import CAP_NOT_HTTPS_ERROR, CAP_WAITING_ERROR, cap_endpoint_allowed
from ..models import (
    CapDelivery,
    CapDeliveryState,
    CapMessage,
    CapMessageType,
    IncidentState,
    RegionAlarm,
)
from .events import incident_event_publish
from .log import log_write

logger = logging.getLogger(__name__)

# Timer kind: stored in timer rows, so it never changes.
CAP_DELIVER_KIND = "incidents.cap_deliver"
CONTENT_TYPE = "application/cap+xml; charset=utf-8"
DELIVERED_TEXT = {
    CapMessageType.ALERT: gettext_noop("The CAP alarm was accepted by %(region)s"),
    CapMessageType.UPDATE: gettext_noop("The CAP update was accepted by %(region)s"),
    CapMessageType.CANCEL: gettext_noop("The CAP stand-down was accepted by %(region)s"),
}


_senders = BackgroundPool("cap-send", lambda: settings.PUSH_SEND_THREADS)
_clients: dict[int, httpx.Client] = {}
_clients_lock = threading.Lock()


def _http() -> httpx.Client:
    """One client per process (its connections kept alive between sends; a new client per
    POST builds a TLS context each time, tens of ms on a loaded machine)."""
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        with _clients_lock:
            client = _clients.get(pid) or httpx.Client()
            _clients[pid] = client
    return client


def cap_lease() -> timedelta:
    """How long one POST may take before its watchdog sends it again."""
    return timedelta(seconds=settings.CAP_TIMEOUT_SECONDS + 5)


def cap_backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.CAP_RETRY_SECONDS * 2 ** max(0, attempts - 1),
                                 settings.CAP_RETRY_MAX_SECONDS))


def _key(delivery_id: int) -> str:
    return f"cap.{delivery_id}"


def _timer_set(delivery_id: int, due_at) -> None:
    """The delivery's one pending timer (a retry or the watchdog) due at `due_at`. Two
    transactions may both find none (a timer firing while a send records): the second
    insert fails on the one-pending-per-key constraint, and then moves the first's."""
    try:
        timer_schedule(kind=CAP_DELIVER_KIND, key=_key(delivery_id), due_at=due_at,
                       payload={"delivery": delivery_id})
    except IntegrityError:
        timer_schedule(kind=CAP_DELIVER_KIND, key=_key(delivery_id), due_at=due_at,
                       payload={"delivery": delivery_id})


def _send_after_commit(delivery_id: int) -> None:
    _timer_set(delivery_id, timezone.now() + cap_lease() + timedelta(seconds=1))
    transaction.on_commit(lambda: _senders.submit(cap_delivery_send, delivery_id=delivery_id))


def cap_wait_idle(timeout: float = 10.0) -> bool:
    """Wait until every send submitted so far (and any it submitted) has finished."""
    return _senders.wait_idle(timeout)


def cap_deliveries_start(*, message: CapMessage,
                         region_alarms: list[RegionAlarm]) -> list[CapDelivery]:
    """One delivery per alarm whose region has an endpoint; sent after the caller's commit."""
    now = timezone.now()
    started = set(CapDelivery.objects.filter(message=message).values_list("region_alarm_id",
                                                                          flat=True))
    deliveries = CapDelivery.objects.bulk_create([
        CapDelivery(message=message, region_alarm=alarm, created_at=now,
                    endpoint=alarm.alarm_region.cap_endpoint)
        for alarm in region_alarms
        if alarm.alarm_region.cap_endpoint and alarm.pk not in started])
    if deliveries and deliveries[0].pk is None:  # a database that returns no ids
        deliveries = list(CapDelivery.objects.filter(message=message)
                          .exclude(region_alarm_id__in=started))
    for delivery in deliveries:
        # A new key: one INSERT (the watchdog), no look-up.
        timer_create(kind=CAP_DELIVER_KIND, key=_key(delivery.pk),
                     due_at=now + cap_lease() + timedelta(seconds=1),
                     payload={"delivery": delivery.pk})
        transaction.on_commit(lambda pk=delivery.pk: _senders.submit(cap_delivery_send,
                                                                     delivery_id=pk))
    return deliveries


def cap_delivery_resume(*, delivery_id: int) -> None:
    """A delivery's timer fired (a retry, or the watchdog): send it after commit, with a new
    watchdog in case this send is lost too."""
    if CapDelivery.objects.filter(pk=delivery_id, state=CapDeliveryState.PENDING).exists():
        _send_after_commit(delivery_id)


def _still_wanted(delivery: CapDelivery) -> bool:
    """An alarm or an update of an incident stood down is not sent any more."""
    return (delivery.message.msg_type == CapMessageType.CANCEL
            or delivery.region_alarm.incident.state != IncidentState.STOOD_DOWN)


def _waiting_for(delivery: CapDelivery) -> CapDelivery | None:
    """An earlier message to the same region still on its way: the region gets them in order
    (an update never before its alarm)."""
    earlier = (CapDelivery.objects.filter(region_alarm=delivery.region_alarm,
                                          state=CapDeliveryState.PENDING,
                                          message__pk__lt=delivery.message_id)
               .select_related("message", "region_alarm__incident"))
    return next((d for d in earlier if _still_wanted(d)), None)


def cap_delivery_send(*, delivery_id: int) -> str | None:
    """Claim one pending delivery, POST it, record the answer. Runs outside any transaction
    (in the sending pool). Returns the delivery's new state, None when not claimed."""
    now = timezone.now()
    claimed = CapDelivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=delivery_id,
        state=CapDeliveryState.PENDING,
    ).update(claimed_until=now + cap_lease(), attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    delivery = CapDelivery.objects.select_related(
        "message", "region_alarm__alarm_region", "region_alarm__incident").get(pk=delivery_id)
    if not _still_wanted(delivery):
        return _delivery_record(delivery_id=delivery_id, status=None, stopped=True,
                                error="the incident was stood down before it was delivered")
    earlier = _waiting_for(delivery)
    if earlier is not None:
        return _delivery_record(delivery_id=delivery_id, status=None, waiting=True,
                                error=f"{CAP_WAITING_ERROR}{earlier.message.identifier} to be "
                                      "delivered")
    region = delivery.region_alarm.alarm_region
    if not cap_endpoint_allowed(delivery.endpoint):
        logger.warning("CAP %s to %s not sent: %s is not https", delivery.message.identifier,
                       region.code, delivery.endpoint)
        return _delivery_record(delivery_id=delivery_id, status=None,
                                error=f"{CAP_NOT_HTTPS_ERROR}{delivery.endpoint}")
    headers = {"Content-Type": CONTENT_TYPE}
    if region.cap_token:
        headers["Authorization"] = f"Bearer {region.cap_token}"
    status, error = None, ""
    try:
        response = _http().post(delivery.endpoint, content=delivery.message.xml.encode("utf-8"),
                              headers=headers, timeout=settings.CAP_TIMEOUT_SECONDS)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}: {response.text.strip()[:200]}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__
    log = logger.info if not error else logger.warning
    log("CAP %s to %s (%s): %s", delivery.message.identifier, region.code, delivery.endpoint,
        error or status)
    return _delivery_record(delivery_id=delivery_id, status=status, error=error)


@transaction.atomic
def _delivery_record(*, delivery_id: int, status: int | None, error: str = "",
                     stopped: bool = False, waiting: bool = False) -> str:
    now = timezone.now()
    # Only the delivery's row: locking the joined incident too would deadlock with a
    # stand-down, which locks the incident first.
    delivery = CapDelivery.objects.select_for_update(of=("self",)).select_related(
        "message", "region_alarm__alarm_region", "region_alarm__incident").get(pk=delivery_id)
    first_failure = not delivery.last_error and delivery.last_status is None
    delivery.claimed_until, delivery.last_attempt_at = None, now
    if not waiting:
        delivery.last_status, delivery.last_error = status, error[:300]
    else:  # not tried: the claim's attempt does not count
        delivery.last_error, delivery.attempts = error[:300], delivery.attempts - 1
    alarm = delivery.region_alarm
    if stopped:
        delivery.state = CapDeliveryState.STOPPED
    elif status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.last_error = (
            CapDeliveryState.DELIVERED, now, "")
    else:
        _timer_set(delivery_id, now + cap_backoff(1 if waiting else delivery.attempts))
    delivery.save(update_fields=["state", "attempts", "claimed_until", "last_attempt_at",
                                 "last_status", "last_error", "delivered_at"])
    if delivery.state == CapDeliveryState.PENDING:
        if first_failure and not waiting:
            incident_event_publish(incident=alarm.incident, type_="incident.alarm",
                                   data={"region": alarm.alarm_region_id})
        return delivery.state
    timer_cancel(kind=CAP_DELIVER_KIND, key=_key(delivery_id))
    if delivery.state == CapDeliveryState.DELIVERED:
        _delivered(delivery, now)
    # The next message to this region waited for this one: on its way now.
    for later in CapDelivery.objects.filter(region_alarm=alarm, state=CapDeliveryState.PENDING,
                                            message__pk__gt=delivery.message_id):
        _send_after_commit(later.pk)
    return delivery.state


def _delivered(delivery: CapDelivery, now) -> None:
    alarm, region = delivery.region_alarm, delivery.region_alarm.alarm_region
    if delivery.message.msg_type == CapMessageType.ALERT:
        # "The alarm reached the region" (the timeline): its Alert, not a later Update or
        # the Cancel.
        RegionAlarm.objects.filter(pk=alarm.pk, delivered_at__isnull=True).update(
            delivered_at=now)
    text = DELIVERED_TEXT.get(delivery.message.msg_type, DELIVERED_TEXT[CapMessageType.ALERT])
    log_write(incident=alarm.incident, kind="alarm.cap_delivered", at=now, alarm_region=region,
              text=text, params={"region": region.name},
              data={"identifier": delivery.message.identifier,
                    "msg_type": delivery.message.msg_type, "attempts": delivery.attempts})
    incident_event_publish(incident=alarm.incident, type_="incident.alarm",
                           data={"region": region.pk})
