"""The CAP 1.2 message of an incident: valid against the OASIS schema, signed (enveloped XML
signature that verifies with our certificate and fails when changed), the profile's fields,
Update and Cancel referencing every earlier message, and GET /api/incidents/<id>/cap/."""

import re
import stat

import pytest
from lxml import etree
from signxml.exceptions import InvalidSignature

from incidents.cap import cap_message_create
from incidents.cap.build import CAP_NS
from incidents.cap.sign import cap_verify
from incidents.cap.validate import cap_errors, cap_parse

from .cap_helpers import incident_confirmed

pytestmark = pytest.mark.django_db
NS = {"cap": CAP_NS}


def text(root, path: str) -> str:
    return root.find(path, NS).text


def test_alert_is_schema_valid_signed_and_in_the_regions_profile(demo, cap_settings):
    incident = incident_confirmed(demo)
    message = cap_message_create(incident=incident, msg_type="Alert")
    xml = message.xml.encode("utf-8")
    root = cap_parse(xml)
    assert cap_errors(root) == []
    cap_verify(xml, cert_pem=cap_settings.CAP_SIGNING_CERT_FILE.read_bytes())
    assert message.identifier == f"larmcentral@larmkedjan.example:incident:{incident.pk}:1"
    assert text(root, "cap:identifier") == message.identifier
    assert text(root, "cap:sender") == "larmcentral@larmkedjan.example"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", text(root, "cap:sent"))
    assert (text(root, "cap:status"), text(root, "cap:msgType"), text(root, "cap:scope")) == (
        "Actual", "Alert", "Restricted")
    assert text(root, "cap:restriction")
    assert root.find("cap:references", NS) is None
    info = root.find("cap:info", NS)
    assert [text(info, f"cap:{n}") for n in (
        "language", "category", "event", "responseType", "urgency", "severity",
        "certainty")] == ["sv-SE", "Health", "Masskadelarm / särskild händelse", "Prepare",
                          "Immediate", "Extreme", "Observed"]
    assert text(info, "cap:headline") == "Bussolycka E18 vid Köping"
    assert "E: Exakt plats: E18 km 112" in text(info, "cap:description")
    assert "röda 4" in text(info, "cap:description")
    assert text(info, "cap:instruction") == (
        "Kvittera larmet och ange sekundära transportresurser (minst 5).")
    params = {p.find("cap:valueName", NS).text: p.find("cap:value", NS).text
              for p in info.findall("cap:parameter", NS)}
    assert params == {"pledgeMinimum": "5", "incidentId": str(incident.pk)}
    assert text(info, "cap:area/cap:areaDesc") == "E18 trafikplats Köping"
    assert text(info, "cap:area/cap:circle") == "59.514100,15.992600 1.0"
    assert root[-1].tag == "{http://www.w3.org/2000/09/xmldsig#}Signature"


def test_update_and_cancel_reference_every_earlier_message(demo, cap_settings):
    incident = incident_confirmed(demo)
    alert = cap_message_create(incident=incident, msg_type="Alert")
    update = cap_message_create(incident=incident, msg_type="Update")
    incident.state, incident.stand_down_note = "stood_down", "Alla skadade omhändertagna"
    incident.save()
    cancel = cap_message_create(incident=incident, msg_type="Cancel")
    assert [m.identifier.rsplit(":", 1)[1] for m in (alert, update, cancel)] == ["1", "2", "3"]

    def references(message):
        root = cap_parse(message.xml.encode())
        assert cap_errors(root) == []
        return text(root, "cap:references").split(" ")

    sent = cap_parse(alert.xml.encode()).find("cap:sent", NS).text
    assert references(update) == [f"larmcentral@larmkedjan.example,{alert.identifier},{sent}"]
    entries = references(cancel)
    assert [e.split(",")[1] for e in entries] == [alert.identifier, update.identifier]
    assert all(len(e.split(",")) == 3 for e in entries)
    root = cap_parse(cancel.xml.encode())
    assert text(root, "cap:msgType") == "Cancel"
    assert text(root, "cap:info/cap:responseType") == "AllClear"
    assert "Alla skadade omhändertagna" in text(root, "cap:info/cap:instruction")


def test_an_exercise_says_so_and_a_position_is_optional(demo, cap_settings):
    incident = incident_confirmed(demo, exercise=True)
    incident.latitude = incident.longitude = None
    incident.save()
    root = cap_parse(cap_message_create(incident=incident, msg_type="Alert").xml.encode())
    assert cap_errors(root) == []
    assert text(root, "cap:status") == "Exercise"
    assert "ÖVNING" in text(root, "cap:note")
    assert root.find("cap:info/cap:area/cap:circle", NS) is None


def test_a_changed_message_fails_the_signature(demo, cap_settings):
    message = cap_message_create(incident=incident_confirmed(demo), msg_type="Alert")
    changed = message.xml.replace("minst 5", "minst 1").encode()
    with pytest.raises(InvalidSignature):
        cap_verify(changed, cert_pem=cap_settings.CAP_SIGNING_CERT_FILE.read_bytes())


def test_the_signing_key_is_made_on_first_use_readable_by_the_product_only(
        demo, cap_settings, tmp_path):
    cap_settings.CAP_SIGNING_KEY_FILE = tmp_path / "var" / "cap-key.pem"
    cap_settings.CAP_SIGNING_CERT_FILE = tmp_path / "var" / "cap-cert.pem"
    message = cap_message_create(incident=incident_confirmed(demo), msg_type="Alert")
    assert stat.S_IMODE(cap_settings.CAP_SIGNING_KEY_FILE.stat().st_mode) == 0o600
    cap_verify(message.xml.encode(), cert_pem=cap_settings.CAP_SIGNING_CERT_FILE.read_bytes())


def test_get_cap_answers_the_latest_message_or_the_one_asked_for(demo, api, cap_settings):
    incident = incident_confirmed(demo)
    url = f"/api/incidents/{incident.pk}/cap/"
    none_yet = api(demo.anna).get(url)
    assert none_yet.status_code == 404
    assert "TiB confirms" in none_yet.json()["detail"]
    alert = cap_message_create(incident=incident, msg_type="Alert")
    update = cap_message_create(incident=incident, msg_type="Update")
    latest = api(demo.users["tove"]).get(url, HTTP_ACCEPT="application/cap+xml")
    assert latest.status_code == 200
    assert latest["Content-Type"] == "application/cap+xml; charset=utf-8"
    assert latest.content == update.xml.encode()
    asked = api(demo.anna).get(url, {"identifier": alert.identifier})
    assert etree.fromstring(asked.content).find("cap:msgType", NS).text == "Alert"
    assert api(demo.anna).get(url, {"identifier": "nej"}).status_code == 404
    assert api(demo.sara).get(url).status_code == 403
    assert api(demo.anna).get("/api/incidents/999999/cap/").status_code == 404


def test_a_control_character_typed_in_a_title_does_not_stop_the_alarm(demo, cap_settings):
    incident = incident_confirmed(demo, title="Buss\x0bolycka E18")
    root = cap_parse(cap_message_create(incident=incident, msg_type="Alert").xml.encode())
    assert cap_errors(root) == []
    assert text(root, "cap:info/cap:headline") == "Bussolycka E18"
