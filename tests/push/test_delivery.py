"""From an assignment event on a unit's stream to an encrypted, signed push at a loopback push
service: the grace time, the payload (no patient data), VAPID, retries, gone subscriptions,
expiry, the watchdog, and who is woken."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from crews.services import crew_join, crew_leave, unit_position_report
from dispatch.services import (
    assignment_acknowledge,
    assignment_redirect,
    assignment_resend_unacknowledged,
    assignment_status_change,
)
from push import sender, services
from push.models import (
    Delivery,
    DeliveryState,
    Notification,
    NotificationState,
    PushSubscription,
    SmsMessage,
    SmsState,
)
from realtime.services import event_publish, stream_ack
from timers.models import Timer, TimerState
from timers.services import fire_due_timers

from .conftest import SUBJECT, VAPID
from .helpers import dispatch, fire, subscribe, vapid_claims
from .loopback import FakeBrowser

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "+46701234567"


def unit_stream(demo):
    return f"unit.{demo.amb1010.pk}"


@pytest.fixture
def sara_phone(demo):
    demo.sara.phone_number = PHONE
    demo.sara.save(update_fields=["phone_number"])
    return PHONE


# --- the push itself -------------------------------------------------------------------------


def test_an_assignment_not_seen_on_the_socket_is_pushed_encrypted_and_signed(
        demo, new_case, push_service, browser):
    endpoint = push_service.endpoint("sara-tablet")
    subscribe(demo.sara, browser, endpoint)
    assignment = dispatch(demo, new_case)

    fire(after_seconds=6)

    [received] = push_service.wait_for(1)
    assert received.path == "/push/sara-tablet"
    assert browser.decrypt(received.body) == {
        "title": "Nytt uppdrag",
        "body": "Prio 1A — AMB 1010",
        "url": "/crew/",
        "tag": f"assignment-{assignment.pk}",
    }
    headers = received.headers
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["urgency"] == "high"
    assert 0 < int(headers["ttl"]) <= 600
    assert headers["topic"] == f"assignment-{assignment.pk}"
    claims = vapid_claims(headers["authorization"], VAPID["public_key"])
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == SUBJECT
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600

    notification = Notification.objects.get(user=demo.sara)
    assert notification.state == NotificationState.PUSHED
    assert notification.stream == unit_stream(demo)
    [delivery] = notification.deliveries.all()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("sent", 1, 201)
    assert PushSubscription.objects.get(user=demo.sara).last_push_at is not None
    assert not Timer.objects.filter(kind=services.DELIVER_KIND, state=TimerState.PENDING)
    assert not SmsMessage.objects.exists()


def test_the_push_holds_no_patient_data(demo, new_case, push_service, browser):
    subscribe(demo.sara, browser, push_service.endpoint())
    dispatch(demo, new_case, address="Kopparbergsvägen 10", complaint="Andningsbesvär",
             patient_name="Tolvan Tolvansson", personal_identity_number="19121212-1212")
    fire(after_seconds=6)
    [received] = push_service.wait_for(1)
    plain = str(browser.decrypt(received.body))
    for secret in ("Kopparbergsvägen", "Andningsbesvär", "Tolvan", "19121212", "+46701234567"):
        assert secret not in plain
    stored = str(Notification.objects.get().payload) + str(
        Timer.objects.filter(kind=services.NOTIFY_KIND).values_list("payload", flat=True)[0])
    assert "Tolvan" not in stored and "Kopparbergsvägen" not in stored


def test_nothing_is_pushed_before_the_grace_time(demo, new_case, push_service, browser):
    subscribe(demo.sara, browser, push_service.endpoint())
    dispatch(demo, new_case)
    timer = Timer.objects.get(kind=services.NOTIFY_KIND)
    assert 4 <= (timer.due_at - timezone.now()).total_seconds() <= 5
    fire(after_seconds=3)
    assert push_service.received == [] and not Notification.objects.exists()
    fire(after_seconds=6)
    assert len(push_service.wait_for(1)) == 1


def test_every_device_of_the_user_gets_the_push(demo, new_case, push_service):
    tablet, phone = FakeBrowser(), FakeBrowser()
    subscribe(demo.sara, tablet, push_service.endpoint("tablet"))
    subscribe(demo.sara, phone, push_service.endpoint("phone"))
    dispatch(demo, new_case)
    fire(after_seconds=6)
    received = {r.name: r for r in push_service.wait_for(2)}
    assert tablet.decrypt(received["tablet"].body)["title"] == "Nytt uppdrag"
    assert phone.decrypt(received["phone"].body)["title"] == "Nytt uppdrag"


def test_every_crew_member_on_the_unit_is_woken_and_no_one_else(demo, new_case, push_service):
    crew_join(user=demo.maria, unit=demo.amb1010)
    browsers = {name: FakeBrowser() for name in ("sara", "maria", "johan", "anna")}
    for name, b in browsers.items():
        subscribe(getattr(demo, name), b, push_service.endpoint(name))
    dispatch(demo, new_case)
    fire(after_seconds=6)
    push_service.wait_for(2)
    time.sleep(0.2)
    assert sorted(r.name for r in push_service.received) == ["maria", "sara"]


def test_a_resent_assignment_is_pushed_again_under_the_same_tag(demo, new_case, push_service,
                                                                browser):
    endpoint = push_service.endpoint()
    subscribe(demo.sara, browser, endpoint)
    assignment = dispatch(demo, new_case)
    fire(after_seconds=6)
    assignment_resend_unacknowledged(assignment_id=assignment.pk)
    fire(after_seconds=6)
    first, second = (browser.decrypt(r.body) for r in push_service.wait_for(2))
    assert second["title"] == "Okvitterat uppdrag"
    assert first["tag"] == second["tag"] == f"assignment-{assignment.pk}"


def test_only_registered_event_types_wake_anyone(demo, push_service, browser):
    subscribe(demo.sara, browser, push_service.endpoint())
    unit_position_report(unit=demo.amb1010, latitude=59.6, longitude=16.5)
    event_publish(stream="dispatch", type="assignment.created", data={"id": 1})
    crew_join(user=demo.maria, unit=demo.amb1010)
    assert not Timer.objects.filter(kind=services.NOTIFY_KIND).exists()


def test_a_rolled_back_event_wakes_nobody(demo, push_service, browser):
    subscribe(demo.sara, browser, push_service.endpoint())
    with pytest.raises(RuntimeError), transaction.atomic():
        event_publish(stream=unit_stream(demo), type="assignment.created",
                      data={"id": 9, "priority": "1A", "unit_call_sign": "AMB 1010"})
        raise RuntimeError("the dispatch failed")
    assert not Timer.objects.filter(kind=services.NOTIFY_KIND).exists()


def test_a_crew_member_who_left_the_unit_in_the_grace_time_is_not_woken(
        demo, new_case, push_service, browser, sara_phone):
    subscribe(demo.sara, browser, push_service.endpoint())
    dispatch(demo, new_case)
    crew_leave(user=demo.sara)
    fire(after_seconds=6)
    # The unit's crew is found when the wake-up is due (realtime.registry's when_due): she is
    # no longer on it, so nothing is decided for her at all.
    assert push_service.received == []
    assert not Notification.objects.filter(user=demo.sara).exists()
    assert not SmsMessage.objects.exists()


def test_a_crew_member_who_joined_the_unit_in_the_grace_time_is_woken(
        demo, new_case, push_service, browser):
    """The wake-up is for whoever is on the unit when it is due, not when it was sent."""
    subscribe(demo.maria, browser, push_service.endpoint())
    dispatch(demo, new_case)
    crew_join(user=demo.maria, unit=demo.amb1010)
    fire(after_seconds=6)
    assert {n.user_id for n in Notification.objects.all()} == {demo.sara.pk, demo.maria.pk}
    assert len(push_service.received) == 1


def test_an_ack_stored_before_the_grace_time_ends_means_no_push(demo, new_case, push_service,
                                                                browser):
    subscribe(demo.sara, browser, push_service.endpoint())
    dispatch(demo, new_case)
    seq = Timer.objects.get(kind=services.NOTIFY_KIND).payload["seq"]
    stream_ack(user_id=demo.sara.pk, stream=unit_stream(demo), seq=seq)
    fire(after_seconds=6)
    assert push_service.received == []
    assert Notification.objects.get().state == NotificationState.ACKED
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("end", ["acknowledged", "cancelled"])
def test_an_assignment_acknowledged_or_cancelled_in_the_grace_time_wakes_nobody(
        demo, new_case, push_service, browser, sara_phone, end):
    """Another crew member acknowledged on their tablet, or the dispatcher cancelled."""
    subscribe(demo.sara, browser, push_service.endpoint())
    assignment = dispatch(demo, new_case)
    by = demo.anna if end == "cancelled" else demo.sara
    if end == "acknowledged":
        assignment_acknowledge(assignment=assignment, by=by)
    else:
        assignment_status_change(assignment=assignment, status="cancelled", by=by)
    timer = Timer.objects.get(kind=services.NOTIFY_KIND)
    assert timer.state == TimerState.CANCELLED
    fire(after_seconds=6)
    assert push_service.received == [] and not Notification.objects.exists()
    assert not SmsMessage.objects.exists()


def test_an_acknowledgement_stops_the_retries_of_a_push(demo, new_case, push_service, browser,
                                                       sara_phone):
    endpoint = push_service.endpoint()
    subscribe(demo.sara, browser, endpoint)
    push_service.answer(endpoint, 503)
    assignment = dispatch(demo, new_case)
    fire(after_seconds=6)
    assignment_acknowledge(assignment=assignment, by=demo.anna)
    fire(after_seconds=60)
    assert len(push_service.received) == 1
    assert Delivery.objects.get().state == DeliveryState.STOPPED
    assert Notification.objects.get().state == NotificationState.WITHDRAWN
    assert not SmsMessage.objects.exists()


def test_a_withdrawal_touches_only_its_own_assignment(demo, new_case, push_service, browser):
    subscribe(demo.sara, browser, push_service.endpoint())
    first = dispatch(demo, new_case, priority="2A", priority_change_reason="Stabil")
    # The unit is redirected: the first assignment ends, a second one begins.
    second = assignment_redirect(assignment=first, to_case=new_case(), by=demo.anna)
    pending = Timer.objects.filter(kind=services.NOTIFY_KIND, state=TimerState.PENDING)
    assert [t.payload["notification"]["tag"] for t in pending] == [f"assignment-{second.pk}"]
    fire(after_seconds=6)
    [received] = push_service.wait_for(1)
    assert browser.decrypt(received.body)["tag"] == f"assignment-{second.pk}"


# --- answers of the push service ---------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted_and_the_user_texted(demo, new_case, push_service,
                                                            browser, sara_phone, status):
    endpoint = push_service.endpoint()
    subscribe(demo.sara, browser, endpoint)
    push_service.answer(endpoint, status)
    dispatch(demo, new_case)
    fire(after_seconds=6)
    assert len(push_service.wait_for(1)) == 1
    assert not PushSubscription.objects.exists()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.status_code, delivery.subscription) == ("gone", status,
                                                                             None)
    assert Notification.objects.get().state == NotificationState.SMS
    sms = SmsMessage.objects.get()
    assert (sms.state, sms.to) == (SmsState.SENT, PHONE)


def test_a_gone_subscription_does_not_text_when_another_device_got_the_push(
        demo, new_case, push_service, sara_phone):
    old, new = FakeBrowser(), FakeBrowser()
    subscribe(demo.sara, old, push_service.endpoint("old"))
    subscribe(demo.sara, new, push_service.endpoint("new"))
    push_service.answer(push_service.endpoint("old"), 410)
    dispatch(demo, new_case)
    fire(after_seconds=6)
    push_service.wait_for(2)
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        push_service.endpoint("new")]
    assert Notification.objects.get().state == NotificationState.PUSHED
    assert not SmsMessage.objects.exists()


def test_503_is_retried_later_and_then_succeeds(demo, new_case, push_service, browser):
    endpoint = push_service.endpoint()
    subscribe(demo.sara, browser, endpoint)
    push_service.answer(endpoint, 503)
    dispatch(demo, new_case)

    fire(after_seconds=6)
    assert [r.status for r in push_service.wait_for(1)] == [503]
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("pending", 1, 503)
    retry = Timer.objects.get(kind=services.DELIVER_KIND, state=TimerState.PENDING)
    assert 1 <= (retry.due_at - timezone.now()).total_seconds() <= 2  # PUSH_RETRY_SECONDS
    assert Notification.objects.get().state == NotificationState.PUSHING

    fire(after_seconds=0.5)  # not yet
    assert len(push_service.received) == 1
    fire(after_seconds=3)
    received = push_service.wait_for(2)
    assert [r.status for r in received] == [503, 201]
    assert browser.decrypt(received[1].body)["title"] == "Nytt uppdrag"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("sent", 2, 201)
    assert Notification.objects.get().state == NotificationState.PUSHED
    assert not Timer.objects.filter(kind=services.DELIVER_KIND, state=TimerState.PENDING)


def test_retries_back_off_and_honour_retry_after(demo, new_case, push_service, browser):
    endpoint = push_service.endpoint()
    subscribe(demo.sara, browser, endpoint)
    push_service.answer(endpoint, 429, headers={"Retry-After": "30"})
    push_service.answer(endpoint, 500)
    dispatch(demo, new_case)
    fire(after_seconds=6)
    delivery = Delivery.objects.get()
    assert 28 <= (delivery.next_attempt_at - timezone.now()).total_seconds() <= 30
    fire(after_seconds=20)
    assert len(push_service.received) == 1
    fire(after_seconds=31)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.status_code) == (2, 500)
    # The third attempt after 2 s × 2² ... the backoff doubles: 2, 4, 8 s.
    assert 3 <= (delivery.next_attempt_at - timezone.now()).total_seconds() <= 4
    fire(after_seconds=5)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 3)


def test_attempts_are_bounded_then_the_user_is_texted(demo, new_case, push_service, browser,
                                                     sara_phone, settings):
    settings.PUSH_MAX_ATTEMPTS = 3
    endpoint = push_service.endpoint()
    subscribe(demo.sara, browser, endpoint)
    push_service.answer(endpoint, 503, 502, 504, 201)
    dispatch(demo, new_case)
    fire(after_seconds=6)
    for _ in range(3):
        fire(after_seconds=60)
    assert [r.status for r in push_service.received] == [503, 502, 504]
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    assert Notification.objects.get().state == NotificationState.SMS
    assert SmsMessage.objects.get().state == SmsState.SENT
    assert PushSubscription.objects.exists()  # a failing service is not a gone subscription


def test_a_refused_push_is_not_retried(demo, new_case, push_service, browser, sara_phone):
    endpoint = push_service.endpoint()
    subscribe(demo.sara, browser, endpoint)
    push_service.answer(endpoint, 403)  # e.g. VAPID key not the one subscribed with
    dispatch(demo, new_case)
    fire(after_seconds=6)
    fire(after_seconds=60)
    assert len(push_service.received) == 1
    assert Delivery.objects.get().state == DeliveryState.FAILED
    assert SmsMessage.objects.get().state == SmsState.SENT


def test_an_unreachable_push_service_is_retried(demo, new_case, push_service, browser,
                                                settings):
    settings.PUSH_TIMEOUT_SECONDS = 2
    endpoint = push_service.endpoint()
    subscription = subscribe(demo.sara, browser, endpoint)
    push_service.close()  # connection refused
    dispatch(demo, new_case)
    fire(after_seconds=6)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("pending", 1, None)
    assert "unreachable" in delivery.last_error
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()


def test_retries_stop_once_a_device_acknowledges(demo, new_case, push_service, browser):
    endpoint = push_service.endpoint()
    subscribe(demo.sara, browser, endpoint)
    push_service.answer(endpoint, 503)
    dispatch(demo, new_case)
    fire(after_seconds=6)
    notification = Notification.objects.get()
    stream_ack(user_id=demo.sara.pk, stream=notification.stream, seq=notification.seq)
    fire(after_seconds=60)
    assert len(push_service.received) == 1
    assert Delivery.objects.get().state == DeliveryState.STOPPED
    notification.refresh_from_db()
    assert notification.state == NotificationState.ACKED


def test_no_retry_after_the_ttl(demo, new_case, push_service, browser, sara_phone, settings):
    settings.PUSH_TTL_SECONDS = 60
    endpoint = push_service.endpoint()
    subscribe(demo.sara, browser, endpoint)
    push_service.answer(endpoint, 503, headers={"Retry-After": "120"})
    dispatch(demo, new_case)
    fire(after_seconds=6)
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and "TTL" in delivery.last_error
    assert int(push_service.received[0].headers["ttl"]) <= 60
    assert SmsMessage.objects.get().state == SmsState.SENT


def test_an_expired_subscription_is_dropped_and_the_user_texted(demo, new_case, push_service,
                                                               browser, sara_phone):
    subscription = subscribe(demo.sara, browser, push_service.endpoint())
    PushSubscription.objects.filter(pk=subscription.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    dispatch(demo, new_case)
    fire(after_seconds=6)
    assert push_service.received == []
    assert not PushSubscription.objects.exists()
    assert SmsMessage.objects.get().state == SmsState.SENT


# --- claims and the watchdog -------------------------------------------------------------------


def test_a_send_lost_after_commit_is_made_by_the_watchdog(demo, new_case, push_service,
                                                          browser, monkeypatch):
    subscribe(demo.sara, browser, push_service.endpoint())
    dispatch(demo, new_case)
    real_submit = sender.submit
    monkeypatch.setattr(sender, "submit", lambda func, **kwargs: None)  # the process dies
    fire(after_seconds=6)
    assert push_service.received == []
    assert Delivery.objects.get().state == DeliveryState.PENDING
    monkeypatch.setattr(sender, "submit", real_submit)
    fire(after_seconds=25)  # the watchdog (timeout + 5 s) fires
    assert len(push_service.wait_for(1)) == 1
    assert Delivery.objects.get().state == DeliveryState.SENT


def test_a_claimed_delivery_is_sent_by_one_sender_only(demo, new_case, push_service, browser,
                                                       monkeypatch):
    subscribe(demo.sara, browser, push_service.endpoint())
    dispatch(demo, new_case)
    monkeypatch.setattr(sender, "submit", lambda func, **kwargs: None)
    fire(after_seconds=6)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() + timedelta(seconds=30))  # another process is at it
    assert services.delivery_send(delivery_id=delivery.pk) is None
    assert push_service.received == []
    Delivery.objects.filter(pk=delivery.pk).update(claimed_until=None)
    assert services.delivery_send(delivery_id=delivery.pk) == DeliveryState.SENT
    assert services.delivery_send(delivery_id=delivery.pk) is None
    assert len(push_service.wait_for(1)) == 1


def test_sending_inline_when_the_pool_is_off(demo, new_case, push_service, browser, settings):
    settings.PUSH_SEND_THREADS = 0
    subscribe(demo.sara, browser, push_service.endpoint())
    dispatch(demo, new_case)
    fire_due_timers(now=timezone.now() + timedelta(seconds=6))
    assert len(push_service.received) == 1  # sent before fire_due_timers returned


def test_sends_run_in_the_pool(demo, new_case, push_service, browser, settings, monkeypatch):
    settings.PUSH_SEND_THREADS = 1
    from push.services import deliveries

    threads = []
    real = deliveries.push_send

    def spy(**kwargs):
        threads.append(threading.current_thread().name)
        return real(**kwargs)

    # delivery_send calls push_send inside push.services.deliveries.
    monkeypatch.setattr(deliveries, "push_send", spy)
    subscribe(demo.sara, browser, push_service.endpoint())
    dispatch(demo, new_case)
    fire(after_seconds=6)
    assert len(push_service.wait_for(1)) == 1
    assert threads and threads[0].startswith("push-send")
    assert Delivery.objects.get().state == DeliveryState.SENT
