"""POST /api/incidents/cap/: a region's system posts CAP 1.2 with its bearer token. Its Ack
of our alarm acknowledges the region's alarm (once; a replay answers the stored one); its own
alarm is kept and told to the consoles; invalid CAP is refused with the schema's words and
nothing kept; a document type (XXE) is refused; a missing token is 401, a wrong one 403, a
sender not the region's 403."""

import pytest
from django.utils import timezone
from lxml import etree

from incidents.cap import cap_message_create
from incidents.cap.build import CAP_NS
from incidents.models import IncomingCap, RegionAlarm
from incidents.selectors.cap import cap_token_hash
from realtime.models import Event

from .cap_helpers import incident_confirmed, region_add
from .cap_standin import Received, ack_xml

pytestmark = pytest.mark.django_db
URL = "/api/incidents/cap/"
SENDER = "tib@regionorebro.example"
TOKEN = "orebro-cap-token-1"


def received(message) -> Received:
    root = etree.fromstring(message.xml.encode())

    def text(name):
        return root.find(f"{{{CAP_NS}}}{name}").text

    return Received(identifier=text("identifier"), sender=text("sender"), sent=text("sent"),
                    msg_type=text("msgType"), status=text("status"), references="",
                    xml=b"", authorization="", content_type="")


def region_alert(identifier: str = "orebro-2026-17", msg_type: str = "Alert",
                 sender: str = SENDER) -> bytes:
    sent = timezone.localtime().replace(microsecond=0).isoformat()
    return (f'<?xml version="1.0" encoding="UTF-8"?><alert xmlns="{CAP_NS}">'
            f"<identifier>{identifier}</identifier><sender>{sender}</sender>"
            f"<sent>{sent}</sent><status>Actual</status><msgType>{msg_type}</msgType>"
            "<scope>Restricted</scope><restriction>Sjukvårdsregionen</restriction>"
            "<info><language>sv-SE</language><category>Health</category>"
            "<event>Masskadelarm</event><urgency>Immediate</urgency><severity>Extreme"
            "</severity><certainty>Observed</certainty><headline>Brand på Örebro "
            "universitetssjukhus</headline></info></alert>").encode()


@pytest.fixture
def orebro(db):
    region = region_add("ORB", "Region Örebro", sender=SENDER)
    region.cap_inbound_token_hash = cap_token_hash(TOKEN)
    region.save()
    return region


def post(api, body: bytes, token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return api().post(URL, data=body, content_type="application/cap+xml", **headers)


def test_an_ack_acknowledges_the_regions_alarm_once(demo, api, cap_settings, orebro):
    incident = incident_confirmed(demo)
    alarm = RegionAlarm.objects.create(incident=incident, alarm_region=orebro,
                                       sent_at=timezone.now())
    message = cap_message_create(incident=incident, msg_type="Alert")
    body = ack_xml(of=received(message), sender=SENDER, identifier="ack-1",
                   sender_name="TiB Region Örebro, Karl Berg")
    answer = post(api, body)
    assert answer.status_code == 201, answer.json()
    assert answer.json()["incident"] == incident.pk
    alarm.refresh_from_db()
    assert (alarm.acknowledged_via, alarm.acknowledged_by) == (
        "cap", "TiB Region Örebro, Karl Berg")
    first = alarm.acknowledged_at
    again = post(api, body)
    assert again.status_code == 200 and again.json()["id"] == answer.json()["id"]
    assert IncomingCap.objects.count() == 1
    later = ack_xml(of=received(message), sender=SENDER, identifier="ack-2")
    assert post(api, later).status_code == 201
    alarm.refresh_from_db()
    assert alarm.acknowledged_at == first  # the first acknowledgement holds


def test_an_ack_without_sender_name_is_the_regions_and_one_of_nothing_is_refused(
        demo, api, cap_settings, orebro):
    incident = incident_confirmed(demo)
    alarm = RegionAlarm.objects.create(incident=incident, alarm_region=orebro,
                                       sent_at=timezone.now())
    message = cap_message_create(incident=incident, msg_type="Alert")
    assert post(api, ack_xml(of=received(message), sender=SENDER)).status_code == 201
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == "Region Örebro"
    stranger = received(message)
    stranger.identifier = "someone-else:1"
    refused = post(api, ack_xml(of=stranger, sender=SENDER))
    assert refused.status_code == 400
    assert "references none of our CAP messages" in refused.json()["detail"]


def test_a_regions_own_alarm_is_kept_and_told_to_the_consoles(demo, api, orebro):
    answer = post(api, region_alert())
    assert answer.status_code == 201
    assert answer.json()["region"] == {"id": orebro.pk, "code": "ORB", "name": "Region Örebro"}
    incoming = IncomingCap.objects.get()
    assert (incoming.msg_type, incoming.headline) == ("Alert",
                                                      "Brand på Örebro universitetssjukhus")
    event = Event.objects.get(stream="incidents", type="incident.incoming")
    assert event.data["text"] == "Mass-casualty alarm from Region Örebro"
    assert event.data["incoming"]["id"] == incoming.pk
    assert post(api, region_alert()).status_code == 200
    assert Event.objects.filter(type="incident.incoming").count() == 1


def test_invalid_cap_is_refused_with_the_schemas_words_and_nothing_kept(demo, api, orebro):
    body = region_alert().replace(b"<msgType>Alert</msgType>", b"<msgType>Larm</msgType>")
    answer = post(api, body)
    assert answer.status_code == 400
    assert "Not a valid CAP 1.2 alert" in answer.json()["detail"]
    assert "msgType" in answer.json()["detail"] and answer.json()["errors"]
    no_offset = region_alert().replace(b"+01:00</sent>", b"Z</sent>").replace(
        b"+00:00</sent>", b"Z</sent>")
    assert post(api, no_offset).status_code == 400
    assert post(api, b"<alert>").status_code == 400
    assert post(api, b"").status_code == 400
    assert not IncomingCap.objects.exists()


def test_an_external_entity_is_refused(demo, api, orebro, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMLIGT")
    body = region_alert().replace(
        b'<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE alert [<!ENTITY x SYSTEM '
        f'"file://{secret}">]>'.encode()).replace(b"Brand p", b"&x;Brand p")
    answer = post(api, body)
    assert answer.status_code == 400
    assert "document type" in answer.json()["detail"]
    assert "HEMLIGT" not in answer.content.decode()
    assert not IncomingCap.objects.exists()


def test_a_huge_message_is_refused(demo, api, orebro):
    body = region_alert().replace(b"</headline>", b"x" * 300_000 + b"</headline>")
    answer = post(api, body)
    assert answer.status_code == 400 and "too large" in answer.json()["detail"]


def test_no_token_is_401_a_wrong_token_or_sender_403(demo, api, orebro):
    missing = post(api, region_alert(), token=None)
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert post(api, region_alert(), token="not-the-token").status_code == 403
    signed_in = api(demo.anna).post(URL, data=region_alert(), content_type="application/xml")
    assert signed_in.status_code == 401  # a person's session is no region's token
    other = post(api, region_alert(sender="someone@else.example"))
    assert other.status_code == 403
    assert "sends CAP as" in other.json()["detail"]
    orebro.cap_token = TOKEN  # what we send it is no token to post to us with
    orebro.cap_inbound_token_hash = ""
    orebro.save()
    assert post(api, region_alert()).status_code == 403
    assert not IncomingCap.objects.exists()
