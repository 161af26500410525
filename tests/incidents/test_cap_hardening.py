"""The CAP part's edges: the alarm reaches a region with its Alert only (not an Update or the
Cancel), a delivery stopped at stand-down reads "stopped", the reason a delivery is not through
is in the viewer's words (the technical detail stays in the admin's data), an incoming <sent>
of hour 24 or an over-long identifier is a 400, and the token a region posts with is its own
(kept as a hash), never the one we send it; endpoints are https off the loopback."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from incidents.cap.build import CAP_NS
from incidents.models import AlarmRegion, CapDelivery, IncidentState, IncomingCap, RegionAlarm
from incidents.selectors.cap import alarm_region_by_cap_token, cap_token_hash
from incidents.selectors.incidents import incident_get, region_alarm_data

from .cap_helpers import alarm_send, fire, incident_confirmed, region_add

pytestmark = pytest.mark.django_db(transaction=True)
SENDER = "tib@regionorebro.example"


def alarm_of(incident, code: str) -> dict:
    full = incident_get(pk=incident.pk)
    [alarm] = [a for a in full.region_alarms.all() if a.alarm_region.code == code]
    return region_alarm_data(alarm)


def test_a_cancel_delivered_after_a_stopped_alert_is_no_alarm_reaching_the_region(
        demo, standins):
    [site] = standins(1)
    site.answer = 503
    incident = incident_confirmed(demo)
    region = region_add("ORB", "Region Örebro", site)
    alarm_send(incident, [region])
    incident.state = IncidentState.STOOD_DOWN
    incident.save(update_fields=["state"])
    cancel = alarm_send(incident, [region], msg_type="Cancel")
    site.answer = 200
    for _ in range(4):
        fire(70)
    assert CapDelivery.objects.get(message=cancel).state == "delivered"
    assert RegionAlarm.objects.get(incident=incident).delivered_at is None
    data = alarm_of(incident, "ORB")
    assert (data["cap_state"], data["cap_state_text"]) == ("stopped", "Stopped")
    assert data["delivered_at"] is None


def test_the_reason_a_delivery_is_not_through_is_in_words(demo, standins):
    refusing, down = standins(2)
    refusing.answer = 503
    down.down()
    incident = incident_confirmed(demo)
    orebro = region_add("ORB", "Region Örebro", refusing)
    dalarna = region_add("DAL", "Region Dalarna", down)
    alarm_send(incident, [orebro, dalarna])
    alarm_send(incident, [orebro], msg_type="Update")
    assert alarm_of(incident, "ORB")["cap_error"] == "Waiting for the alarm to be delivered first"
    refused = CapDelivery.objects.get(region_alarm__alarm_region=orebro,
                                      message__msg_type="Alert")
    assert "HTTP 503" in refused.last_error  # the detail stays for the admin
    unreachable = alarm_of(incident, "DAL")
    assert unreachable["cap_error"] == "Could not reach the region's receiver"
    assert "Connect" in CapDelivery.objects.get(region_alarm__alarm_region=dalarna).last_error


def test_a_refusing_receiver_is_told_by_its_status(demo, standins):
    [site] = standins(1)
    site.answer = 503
    incident = incident_confirmed(demo)
    alarm_send(incident, [region_add("ORB", "Region Örebro", site)])
    data = alarm_of(incident, "ORB")
    assert data["cap_error"] == "The region's receiver answered 503 (a temporary fault)"
    assert "Tillfälligt" not in data["cap_error"]


def test_a_plain_http_endpoint_off_the_loopback_is_refused_and_never_posted(demo, standins):
    region = AlarmRegion(code="ORB", name="Region Örebro",
                         cap_endpoint="http://cap.orebro.example/in")
    with pytest.raises(ValidationError) as refused:
        region.full_clean()
    assert "cap_endpoint" in refused.value.message_dict
    for fine in ("https://cap.orebro.example/in", "http://127.0.0.1:8123/cap",
                 "http://localhost/cap"):
        AlarmRegion(code="ORB", name="Region Örebro", cap_endpoint=fine).full_clean()
    region.save()  # stored past the validator (a script): the service still refuses
    incident = incident_confirmed(demo)
    alarm_send(incident, [region])
    delivery = CapDelivery.objects.get()
    assert (delivery.state, delivery.last_status) == ("pending", None)
    assert delivery.last_error.startswith("not https")
    assert "https" in alarm_of(incident, "ORB")["cap_error"]


def _alert(*, identifier="orebro-1", sent="2026-12-07T14:05:00+01:00", sender=SENDER) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><alert xmlns="{CAP_NS}">'
            f"<identifier>{identifier}</identifier><sender>{sender}</sender>"
            f"<sent>{sent}</sent><status>Actual</status><msgType>Alert</msgType>"
            "<scope>Restricted</scope><restriction>Sjukvårdsregionen</restriction>"
            "<info><category>Health</category><event>Masskadelarm</event>"
            "<urgency>Immediate</urgency><severity>Extreme</severity>"
            "<certainty>Observed</certainty></info></alert>").encode()


@pytest.fixture
def orebro_posting(db):
    region = region_add("ORB", "Region Örebro", sender=SENDER)
    out = io.StringIO()
    call_command("incident_region_token", "orb", stdout=out)
    token = out.getvalue().split("shown only now: ")[1].split()[0]
    return region, token


def _post(api, body: bytes, token: str):
    return api().post("/api/incidents/cap/", data=body, content_type="application/cap+xml",
                      HTTP_AUTHORIZATION=f"Bearer {token}")


def test_an_hour_24_sent_time_is_a_400_in_words(api, orebro_posting):
    _region, token = orebro_posting
    answer = _post(api, _alert(sent="2026-12-07T24:00:00+00:00"), token)
    assert answer.status_code == 400
    assert "<sent>" in answer.json()["detail"]
    assert not IncomingCap.objects.exists()


def test_an_over_long_identifier_is_refused_rather_than_cut(api, orebro_posting):
    _region, token = orebro_posting
    answer = _post(api, _alert(identifier="x" * 201), token)
    assert answer.status_code == 400
    assert "200" in answer.json()["detail"]
    assert _post(api, _alert(identifier="x" * 200), token).status_code == 201
    assert _post(api, _alert(identifier="x" * 200), token).status_code == 200  # its replay
    assert IncomingCap.objects.count() == 1


def test_a_region_posts_with_its_own_token_kept_only_as_a_hash(api, orebro_posting):
    region, token = orebro_posting
    region.refresh_from_db()
    assert region.cap_inbound_token_hash == cap_token_hash(token)
    assert token not in region.cap_inbound_token_hash
    region.cap_token = "what-we-send-orebro"
    region.save(update_fields=["cap_token"])
    assert alarm_region_by_cap_token(token="what-we-send-orebro") is None
    assert _post(api, _alert(), "what-we-send-orebro").status_code == 403
    assert _post(api, _alert(), token).status_code == 201
    out = io.StringIO()
    call_command("incident_region_token", "ORB", stdout=out)
    assert _post(api, _alert(identifier="orebro-2"), token).status_code == 403  # replaced


def test_the_admin_shows_neither_token(api, demo, orebro_posting, client):
    region, token = orebro_posting
    region.cap_token = "what-we-send-orebro"
    region.save(update_fields=["cap_token"])
    client.force_login(demo.users["admin"])
    page = client.get(f"/admin/incidents/alarmregion/{region.pk}/change/").content.decode()
    assert "what-we-send-orebro" not in page and token not in page
    assert region.cap_inbound_token_hash[-6:] in page
