"""CAP messages to the regions' loopback endpoints: posted with the region's token, delivered
on 2xx (the region's alarm marked delivered, the log and the screens told), retried with a
growing wait after a refusal or an outage and delivered when the endpoint is back (the fault
test of issue 17), stopped for a stood-down incident's alarm but not for its Cancel, in order
per region, and sent again by the watchdog when the send was lost with its process."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from incidents.cap import cap_message_create
from incidents.models import CapDelivery, IncidentLogEntry, IncidentState, RegionAlarm
from incidents.selectors.log import log_text
from incidents.services import cap_delivery
from incidents.services.lifecycle import incident_confirm, incident_raise
from realtime.models import Event
from timers.models import Timer, TimerState

from .cap_helpers import alarm_send, fire, incident_confirmed, region_add

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_alarm_is_posted_to_every_endpoint_and_marked_delivered(demo, standins):
    orebro_site, dalarna_site = standins(2)
    orebro = region_add("ORB", "Region Örebro", orebro_site)
    dalarna = region_add("DAL", "Region Dalarna", dalarna_site)
    without = region_add("GVL", "Region Gävleborg")
    incident = incident_confirmed(demo)
    message = alarm_send(incident, [orebro, dalarna, without])
    for site in (orebro_site, dalarna_site):
        [got] = site.wait_for(1)
        assert (got.identifier, got.msg_type) == (message.identifier, "Alert")
        assert got.authorization == f"Bearer {site.token}"
        assert got.content_type.startswith("application/cap+xml")
    assert not orebro_site.refused
    deliveries = CapDelivery.objects.filter(message=message)
    assert {d.region_alarm.alarm_region.code: (d.state, d.attempts, d.last_status)
            for d in deliveries} == {"ORB": ("delivered", 1, 200), "DAL": ("delivered", 1, 200)}
    alarms = {a.alarm_region.code: a for a in RegionAlarm.objects.filter(incident=incident)}
    assert alarms["ORB"].delivered_at is not None and alarms["GVL"].delivered_at is None
    assert "The CAP alarm was accepted by Region Örebro" in [
        log_text(e) for e in IncidentLogEntry.objects.filter(incident=incident,
                                                             alarm_region=orebro)]
    assert Event.objects.filter(stream="incidents", type="incident.alarm").count() >= 2
    assert not Timer.objects.filter(kind=cap_delivery.CAP_DELIVER_KIND,
                                    state=TimerState.PENDING).exists()


def test_an_endpoint_down_during_the_alarm_receives_it_when_it_comes_back(demo, standins):
    """The fault test: TiB confirms while Region Örebro's endpoint is down; the alarm is
    shown as not delivered, tried again and again, and delivered once it is back."""
    [site] = standins(1)
    site.down()
    region_add("ORB", "Region Örebro", site)
    incident, _ = incident_raise(
        by=demo.anna, title="Tågurspårning Arboga", report={"major_incident_declared": True},
        cases=[], region=demo.vml, location="Arboga station", latitude=59.39,
        longitude=15.84)
    incident_confirm(incident=incident, by=demo.users["tove"])
    assert cap_delivery.cap_wait_idle(15)
    delivery = CapDelivery.objects.get(region_alarm__incident=incident)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, None)
    assert "Connect" in delivery.last_error
    assert delivery.region_alarm.delivered_at is None
    fire(3)  # the first retry, still down
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 2)
    site.up()
    fire(5)  # waits twice as long now
    [got] = site.wait_for(1)
    assert got.msg_type == "Alert" and got.status == "Actual"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("delivered", 3, "")
    assert RegionAlarm.objects.get(pk=delivery.region_alarm_id).delivered_at is not None


def test_a_refusing_endpoint_is_retried_with_a_growing_wait(demo, standins, cap_settings):
    [site] = standins(1)
    site.answer = 503
    incident = incident_confirmed(demo)
    alarm_send(incident, [region_add("ORB", "Region Örebro", site)])
    delivery = CapDelivery.objects.get()
    assert (delivery.state, delivery.last_status) == ("pending", 503)
    assert "503" in delivery.last_error
    assert fire(1) == 0  # not yet: CAP_RETRY_SECONDS is 2
    assert fire(3) == 1
    timer = Timer.objects.get(kind=cap_delivery.CAP_DELIVER_KIND, state=TimerState.PENDING)
    wait = (timer.due_at - timezone.now()).total_seconds()
    assert 3 < wait <= 4.5  # doubled
    cap_settings.CAP_RETRY_MAX_SECONDS = 4
    site.answer = 200
    fire(5)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 3)
    assert site.attempts == 3 and len(site.messages) == 1


def test_a_stood_down_alarm_stops_but_its_cancel_goes_on_until_delivered(demo, standins):
    [site] = standins(1)
    site.answer = 503
    incident = incident_confirmed(demo)
    region = region_add("ORB", "Region Örebro", site)
    alert = alarm_send(incident, [region])
    incident.state = IncidentState.STOOD_DOWN
    incident.save(update_fields=["state"])
    cancel = alarm_send(incident, [region], msg_type="Cancel")
    for _ in range(6):
        fire(70)
    states = {d.message_id: (d.state, d.last_status) for d in CapDelivery.objects.all()}
    assert states[alert.pk][0] == "stopped"
    assert states[cancel.pk] == ("pending", 503)
    site.answer = 200
    fire(70)
    assert [m.msg_type for m in site.wait_for(1)] == ["Cancel"]
    assert CapDelivery.objects.get(message=cancel).state == "delivered"


def test_an_update_never_reaches_a_region_before_its_alarm(demo, standins):
    [site] = standins(1)
    site.down()
    incident = incident_confirmed(demo)
    region = region_add("ORB", "Region Örebro", site)
    alarm_send(incident, [region])
    alarm_send(incident, [region], msg_type="Update")
    site.up()
    for _ in range(4):
        fire(70)
    assert [m.msg_type for m in site.wait_for(2)] == ["Alert", "Update"]
    assert set(CapDelivery.objects.values_list("state", flat=True)) == {"delivered"}


def test_the_watchdog_sends_a_delivery_lost_with_its_process(demo, standins, monkeypatch):
    [site] = standins(1)
    incident = incident_confirmed(demo)
    region = region_add("ORB", "Region Örebro", site)
    monkeypatch.setattr(cap_delivery.transaction, "on_commit", lambda func: None)
    with transaction.atomic():
        alarm = RegionAlarm.objects.create(incident=incident, alarm_region=region,
                                           sent_at=timezone.now())
        cap_delivery.cap_deliveries_start(
            message=cap_message_create(incident=incident, msg_type="Alert"),
            region_alarms=[alarm])
    monkeypatch.undo()
    assert site.messages == []
    lease = cap_delivery.cap_lease().total_seconds()
    assert fire(lease - 1) == 0
    assert fire(lease + 2) == 1
    assert [m.msg_type for m in site.wait_for(1)] == ["Alert"]
    assert CapDelivery.objects.get().state == "delivered"
    assert RegionAlarm.objects.get(pk=alarm.pk).delivered_at is not None


def test_two_senders_racing_for_one_delivery_post_it_once(demo, standins, monkeypatch):
    [site] = standins(1)
    incident = incident_confirmed(demo)
    monkeypatch.setattr(cap_delivery.transaction, "on_commit", lambda func: None)
    alarm_send(incident, [region_add("ORB", "Region Örebro", site)])
    monkeypatch.undo()
    delivery = CapDelivery.objects.get()
    CapDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() + timedelta(seconds=30))
    assert cap_delivery.cap_delivery_send(delivery_id=delivery.pk) is None
    CapDelivery.objects.filter(pk=delivery.pk).update(claimed_until=None)
    assert cap_delivery.cap_delivery_send(delivery_id=delivery.pk) == "delivered"
    assert cap_delivery.cap_delivery_send(delivery_id=delivery.pk) is None
    assert site.attempts == 1
