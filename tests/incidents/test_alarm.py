"""The regional mass-casualty alarm (*sjukvårdsregionalt masskadelarm*) to the regions' people:
a RegionAlarm per region and a text with a link of its own per contact, the link page
(acknowledge once, pledge, a wrong link), the reminder to the regions that have not
acknowledged, the stand-down, the blood centre's acknowledgement apart, and the centre
recording an acknowledgement heard by telephone. The CAP part is stood in for here (recorded
calls): tests/incidents/test_cap*.py test it."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from incidents.models import (
    AlarmContact,
    AlarmRegion,
    ContactAlarm,
    ContactKind,
    IncidentLogEntry,
    IncidentState,
    MajorIncident,
    RegionAlarm,
    SituationReport,
)
from incidents.selectors.log import log_text
from incidents.services.alarm import (
    ALARM_REMIND,
    incident_alarm_send,
    incident_alarm_stand_down,
    incident_alarm_update,
    region_alarm_acknowledge,
    token_hash,
)
from incidents.streams import INCIDENTS_STREAM
from push import sender
from push.models import SmsMessage
from realtime.models import Event
from timers.models import Timer, TimerState
from timers.services import fire_due_timers

SITE = "https://larm.example"
ORE_TIB, ORE_DC, ORE_BLOOD = "+46701230001", "+46701230002", "+46701230003"
VRM_TIB = "+46701230004"
LINK = re.compile(r"/larm/([A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def alarm_settings(settings, tmp_path):
    settings.SMS_BACKEND = "console"
    settings.SMS_OUTBOX_PATH = tmp_path / "sms-outbox.log"
    settings.SMS_SITE_URL = SITE
    settings.PUSH_SEND_THREADS = 0
    settings.INCIDENT_ACK_REMIND_SECONDS = 300
    yield settings
    assert sender.wait_idle(10)


@pytest.fixture
def cap_calls(monkeypatch):
    """The CAP messages the alarm asks for: (msg_type, [alarm region codes])."""
    calls = []

    def create(*, incident, msg_type):
        return SimpleNamespace(incident=incident, msg_type=msg_type)

    def start(*, message, region_alarms):
        calls.append((str(message.msg_type), sorted(a.alarm_region.code for a in region_alarms)))

    monkeypatch.setattr("incidents.cap.cap_message_create", create)
    monkeypatch.setattr("incidents.services.cap_delivery.cap_deliveries_start", start)
    return calls


@pytest.fixture
def regions(demo):
    """Region Örebro (TiB, dispatch centre, blood centre, a contact no longer active),
    Region Värmland (its TiB by phone and tove, a user of ours with her own phone), and a
    region no longer in the chain."""
    ore = AlarmRegion.objects.create(code="ORE", name="Region Örebro", sort_order=1)
    vrm = AlarmRegion.objects.create(code="VRM", name="Region Värmland", sort_order=2)
    AlarmRegion.objects.create(code="OLD", name="Region Gammal", active=False)
    AlarmContact.objects.create(alarm_region=ore, kind=ContactKind.TIB, name="Per Persson",
                                phone=ORE_TIB)
    AlarmContact.objects.create(alarm_region=ore, kind=ContactKind.DISPATCH_CENTRE,
                                name="Larmcentralen Örebro", phone=ORE_DC)
    AlarmContact.objects.create(alarm_region=ore, kind=ContactKind.BLOOD_CENTRE,
                                name="Blodcentralen Örebro", phone=ORE_BLOOD)
    AlarmContact.objects.create(alarm_region=ore, kind=ContactKind.TIB, name="Slutat",
                                phone="+46701230009", active=False)
    AlarmContact.objects.create(alarm_region=vrm, kind=ContactKind.TIB, name="Eva Ek",
                                phone=VRM_TIB)
    tove = demo.users["tove"]
    AlarmContact.objects.create(alarm_region=vrm, kind=ContactKind.TIB, name="Tove",
                                user=tove)
    return SimpleNamespace(ore=ore, vrm=vrm, tove=tove)


@pytest.fixture
def incident(demo, regions):
    now = timezone.now()
    incident = MajorIncident.objects.create(
        title="Bussolycka E18 vid Köping", state=IncidentState.CONFIRMED, region=demo.vml,
        location="E18 avfart 137", raised_by=demo.anna, raised_at=now,
        confirmed_by=regions.tove, confirmed_at=now)
    SituationReport.objects.create(
        incident=incident, version=1, major_incident_declared=True,
        exact_location="E18 km 137", incident_type="Buss i diket", casualties_total=30,
        casualties_red=4, written_by=demo.anna, written_at=now)
    return incident


@pytest.fixture
def alarmed(incident, cap_calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident_alarm_send(incident=incident)
    assert sender.wait_idle(10)
    return incident


def outbox(settings) -> list[tuple[str, str]]:
    """(to, message) of every text sent."""
    path = settings.SMS_OUTBOX_PATH
    if not path.exists():
        return []
    return [tuple(line.split("\t")[1:3]) for line in path.read_text("utf-8").splitlines()]


def link_of(settings, number: str) -> str:
    """The token of the latest alarm text to `number`."""
    [*_, text] = [m for to, m in outbox(settings) if to == number and LINK.search(m)]
    return LINK.search(text).group(1)


def page(client, token):
    response = client.get(f"/larm/{token}")
    form_token = re.search(r'name="form_token" value="([^"]+)"',
                           response.content.decode())
    return response, form_token.group(1) if form_token else ""


# --- sending -------------------------------------------------------------------------------


def test_the_alarm_goes_to_every_active_region_and_texts_its_people(alarmed, regions, settings,
                                                                    cap_calls, demo):
    region_alarms = RegionAlarm.objects.filter(incident=alarmed)
    assert sorted(a.alarm_region.code for a in region_alarms) == ["ORE", "VRM"]
    texts = outbox(settings)
    # The inactive contact is not texted; tove by the phone of her user.
    assert sorted(to for to, _m in texts) == sorted(
        [ORE_TIB, ORE_DC, ORE_BLOOD, VRM_TIB, regions.tove.phone_number])
    to, text = texts[0]
    assert text.startswith(f"MASSKADELARM {demo.vml.name}: Bussolycka E18 vid Köping. "
                           "Kvittera och ange resurser: https://larm.example/larm/")
    assert len(text) <= 320
    # A link of its own per contact; only its hash is stored, and the record masks it.
    tokens = {link_of(settings, number) for number in (ORE_TIB, ORE_DC, ORE_BLOOD, VRM_TIB)}
    assert len(tokens) == 4
    hashes = set(ContactAlarm.objects.values_list("token_hash", flat=True))
    assert {token_hash(t) for t in tokens} <= hashes and not tokens & hashes
    assert not any(t in m for m in SmsMessage.objects.values_list("message", flat=True)
                   for t in tokens)
    assert ContactAlarm.objects.count() == 5
    assert ContactAlarm.objects.filter(sms_id__isnull=False).count() == 5
    logged = [log_text(e) for e in IncidentLogEntry.objects.filter(incident=alarmed,
                                                                   kind="alarm.sent")]
    assert logged == ["Alarm sent to Region Örebro", "Alarm sent to Region Värmland"]
    assert Event.objects.filter(stream=INCIDENTS_STREAM, type="incident.alarm").count() == 1
    assert cap_calls == [("Alert", ["ORE", "VRM"])]
    timer = Timer.objects.get(kind=ALARM_REMIND, key=str(alarmed.pk))
    assert timer.state == TimerState.PENDING


def test_tib_confirming_texts_every_region_of_the_demo(demo, api, settings, cap_keys,
                                                       django_capture_on_commit_callbacks):
    """Through the API, with the real CAP message (the demo's regions have no endpoints)."""
    import io

    from django.core.management import call_command

    from incidents.models import CapMessage

    settings.CAP_SIGNING_KEY_FILE, settings.CAP_SIGNING_CERT_FILE = cap_keys
    call_command("seed_incidents_demo", stdout=io.StringIO())
    raised = api(demo.anna).post("/api/incidents/", {
        "title": "Tågurspårning Kolbäck", "region": "VML",
        "idempotency_key": "incident-alarm-e2e-1"}, format="json")
    assert raised.status_code == 201, raised.data
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api(demo.users["tove"]).post(f"/api/incidents/{raised.data['id']}/confirm/")
    assert confirmed.status_code == 200, confirmed.data
    assert sender.wait_idle(10)
    active = AlarmRegion.objects.filter(active=True)
    assert RegionAlarm.objects.filter(incident_id=raised.data["id"]).count() == active.count()
    contacts = AlarmContact.objects.filter(active=True, alarm_region__active=True)
    texts = [m for _to, m in outbox(settings) if "MASSKADELARM" in m]
    assert len(texts) == contacts.exclude(phone="", user__isnull=True).count() > 0
    assert all("Tågurspårning Kolbäck" in m and LINK.search(m) for m in texts)
    assert CapMessage.objects.filter(incident_id=raised.data["id"], msg_type="Alert").exists()
    regions = confirmed.data["regions"]
    assert all(r["alarm"]["sent_at"] for r in regions)


def test_a_second_send_adds_no_region_and_no_text(alarmed, settings, cap_calls):
    sent = len(outbox(settings))
    assert incident_alarm_send(incident=alarmed) == []
    assert RegionAlarm.objects.filter(incident=alarmed).count() == 2
    assert ContactAlarm.objects.count() == 5 and len(outbox(settings)) == sent
    assert cap_calls == [("Alert", ["ORE", "VRM"])]


def test_an_exercise_says_so_in_every_text(incident, cap_calls, settings,
                                           django_capture_on_commit_callbacks):
    incident.exercise = True
    incident.save()
    with django_capture_on_commit_callbacks(execute=True):
        incident_alarm_send(incident=incident)
    assert sender.wait_idle(10)
    assert outbox(settings) and all(m.startswith("ÖVNING MASSKADELARM")
                                    for _to, m in outbox(settings))


def test_a_long_title_is_cut_and_the_link_kept(incident, cap_calls, settings,
                                               django_capture_on_commit_callbacks):
    incident.title = "Brand – " + "x" * 190
    incident.save()
    with django_capture_on_commit_callbacks(execute=True):
        incident_alarm_send(incident=incident)
    assert sender.wait_idle(10)
    _to, text = outbox(settings)[0]
    assert len(text) <= 320 and "–" not in text and "Brand - xxx" in text
    assert LINK.search(text) and text.endswith(LINK.search(text).group(1))


def test_an_update_is_a_cap_update_and_no_text(alarmed, settings, cap_calls):
    sent = len(outbox(settings))
    incident_alarm_update(incident=alarmed)
    assert cap_calls[-1] == ("Update", ["ORE", "VRM"])
    assert len(outbox(settings)) == sent


# --- the link page -------------------------------------------------------------------------


def test_the_link_shows_the_incident_and_acknowledges_once(alarmed, settings, regions):
    token = link_of(settings, ORE_TIB)
    client = Client()
    response, form_token = page(client, token)
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("Bussolycka E18 vid Köping", "E18 avfart 137", "Buss i diket",
                  "Casualties in total</dt><dd>30", "Priority 1, red</dt><dd>4",
                  "Acknowledge the alarm", 'name="count"'):
        assert shown in html
    for header, value in (("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex"),
                          ("Referrer-Policy", "no-referrer"),
                          ("Content-Security-Policy", "default-src 'none'")):
        assert value in response[header]
    contact_alarm = ContactAlarm.objects.get(contact__phone=ORE_TIB)
    assert contact_alarm.opened_at is not None

    answer = client.post(f"/larm/{token}", {"form_token": form_token, "action": "acknowledge"})
    assert answer.status_code == 303 and answer["Location"].endswith("?done=acknowledge")
    region_alarm = RegionAlarm.objects.get(incident=alarmed, alarm_region=regions.ore)
    first = region_alarm.acknowledged_at
    assert first is not None
    assert (region_alarm.acknowledged_by, region_alarm.acknowledged_via) == ("Per Persson",
                                                                            "link")
    assert region_alarm.blood_centre_acknowledged_at is None

    # Again, and by the region's dispatch centre: the first time and name are kept.
    client.post(f"/larm/{token}", {"form_token": form_token, "action": "acknowledge"})
    other = Client()
    _r, other_form = page(other, link_of(settings, ORE_DC))
    other.post(f"/larm/{link_of(settings, ORE_DC)}", {"form_token": other_form,
                                                      "action": "acknowledge"})
    region_alarm.refresh_from_db()
    assert (region_alarm.acknowledged_at, region_alarm.acknowledged_by) == (first,
                                                                            "Per Persson")
    assert IncidentLogEntry.objects.filter(kind="alarm.acknowledged").count() == 1
    assert "Acknowledged at" in client.get(f"/larm/{token}").content.decode()


def test_a_post_without_the_pages_form_token_acknowledges_nothing(alarmed, settings):
    token = link_of(settings, ORE_TIB)
    answer = Client().post(f"/larm/{token}", {"form_token": "forged", "action": "acknowledge"})
    assert answer.status_code == 403
    assert not RegionAlarm.objects.filter(acknowledged_at__isnull=False).exists()


def test_a_wrong_link_is_a_calm_404(alarmed):
    response = Client().get("/larm/not-a-token-of-ours")
    assert response.status_code == 404
    assert "The link is no longer valid." in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert Client().post("/larm/not-a-token-of-ours", {"action": "acknowledge"}
                         ).status_code == 404


def test_many_requests_from_one_address_are_turned_away(alarmed, settings):
    settings.INCIDENT_LINK_RATE = "2/min"
    token = link_of(settings, ORE_TIB)
    client = Client()
    assert [client.get(f"/larm/{token}").status_code for _ in range(3)] == [200, 200, 429]
    assert "Too many attempts" in client.get("/larm/anything").content.decode()


def test_the_blood_centres_acknowledgement_is_kept_apart(alarmed, settings, regions):
    token = link_of(settings, ORE_BLOOD)
    client = Client()
    response, form_token = page(client, token)
    assert 'name="count"' not in response.content.decode()  # the blood centre pledges nothing
    client.post(f"/larm/{token}", {"form_token": form_token, "action": "acknowledge"})
    region_alarm = RegionAlarm.objects.get(incident=alarmed, alarm_region=regions.ore)
    assert region_alarm.blood_centre_acknowledged_at is not None
    assert region_alarm.blood_centre_acknowledged_by == "Blodcentralen Örebro"
    assert region_alarm.acknowledged_at is None
    assert IncidentLogEntry.objects.filter(kind="alarm.blood_centre_acknowledged").count() == 1


def test_the_pledge_form_records_a_pledge_by_link(alarmed, settings, regions, monkeypatch):
    recorded = []
    import incidents.services.pledges as pledges

    monkeypatch.setattr(pledges, "pledge_record",
                        lambda **kwargs: recorded.append(kwargs) or (None, True))
    token = link_of(settings, ORE_DC)
    client = Client()
    _response, form_token = page(client, token)
    answer = client.post(f"/larm/{token}", {
        "form_token": form_token, "action": "pledge", "kind": "ambulance", "count": "3",
        "available_at": "23:59", "report_to": "Brandstation Köping", "note": "",
        "pledge_key": "ab" * 16})
    assert answer.status_code == 303, answer.content.decode()
    [kwargs] = recorded
    assert (kwargs["kind"], kwargs["count"], kwargs["via"], kwargs["by_name"],
            kwargs["alarm_region"], kwargs["report_to"]) == (
        "ambulance", 3, "link", "Larmcentralen Örebro", regions.ore, "Brandstation Köping")
    assert timezone.localtime(kwargs["available_at"]).strftime("%H:%M") == "23:59"
    assert kwargs["idempotency_key"] == "larm-" + "ab" * 16
    bad = client.post(f"/larm/{token}", {"form_token": form_token, "action": "pledge",
                                         "kind": "ambulance", "count": "-2"})
    assert bad.status_code == 400 and len(recorded) == 1


def test_a_pledge_by_link_is_recorded_once_and_shown(alarmed, settings, regions):
    from incidents.models import Pledge

    token = link_of(settings, ORE_DC)
    client = Client()
    _response, form_token = page(client, token)
    form = {"form_token": form_token, "action": "pledge", "kind": "ambulance_bus",
            "count": "2", "report_to": "Brytpunkt Arboga", "pledge_key": "cd" * 16}
    assert client.post(f"/larm/{token}", form).status_code == 303
    assert client.post(f"/larm/{token}", form).status_code == 303  # a second tap
    pledge = Pledge.objects.get()
    assert (pledge.alarm_region, pledge.count, pledge.via, pledge.pledged_by_name) == (
        regions.ore, 2, "link", "Larmcentralen Örebro")
    html = client.get(f"/larm/{token}?done=pledge").content.decode()
    assert "2 × Ambulance bus" in html and "Brytpunkt Arboga" in html
    assert "Your pledge has reached the dispatch centre" in html


# --- reminders and the stand-down ----------------------------------------------------------


def test_the_reminder_texts_only_the_regions_not_acknowledged(alarmed, settings, regions,
                                                              django_capture_on_commit_callbacks):
    client = Client()
    token = link_of(settings, VRM_TIB)
    _r, form_token = page(client, token)
    client.post(f"/larm/{token}", {"form_token": form_token, "action": "acknowledge"})
    before = len(outbox(settings))
    old_token = link_of(settings, ORE_TIB)
    fire_due_timers(now=timezone.now() + timedelta(seconds=299))
    assert len(outbox(settings)) == before
    with django_capture_on_commit_callbacks(execute=True):
        fire_due_timers(now=timezone.now() + timedelta(seconds=301))
    assert sender.wait_idle(10)
    again = outbox(settings)[before:]
    assert sorted(to for to, _m in again) == sorted([ORE_TIB, ORE_DC, ORE_BLOOD])
    assert all(m.startswith("PÅMINNELSE, EJ KVITTERAT: MASSKADELARM") for _to, m in again)
    # The reminder's link is a new one; the first keeps working.
    assert link_of(settings, ORE_TIB) != old_token
    assert Client().get(f"/larm/{old_token}").status_code == 200
    assert Client().get(f"/larm/{link_of(settings, ORE_TIB)}").status_code == 200
    ore = RegionAlarm.objects.get(incident=alarmed, alarm_region=regions.ore)
    vrm = RegionAlarm.objects.get(incident=alarmed, alarm_region=regions.vrm)
    assert ore.reminded_at is not None and vrm.reminded_at is None
    assert IncidentLogEntry.objects.filter(kind="alarm.reminded").count() == 1
    assert Timer.objects.filter(kind=ALARM_REMIND, state=TimerState.PENDING).count() == 1


def test_the_reminders_stop_when_every_region_has_acknowledged(alarmed, settings):
    from incidents.services.alarm import region_alarm_acknowledge

    for region_alarm in RegionAlarm.objects.filter(incident=alarmed):
        region_alarm_acknowledge(region_alarm=region_alarm, by_name="TiB", via="phone")
    before = len(outbox(settings))
    fire_due_timers(now=timezone.now() + timedelta(seconds=301))
    assert len(outbox(settings)) == before
    assert not Timer.objects.filter(kind=ALARM_REMIND, state=TimerState.PENDING).exists()


def test_the_stand_down_texts_everyone_alarmed_and_stops_the_reminders(
        alarmed, settings, cap_calls, regions, django_capture_on_commit_callbacks):
    before = len(outbox(settings))
    alarmed.state, alarmed.stood_down_at = IncidentState.STOOD_DOWN, timezone.now()
    alarmed.save()
    with django_capture_on_commit_callbacks(execute=True):
        incident_alarm_stand_down(incident=alarmed)
    assert sender.wait_idle(10)
    texts = outbox(settings)[before:]
    assert sorted(to for to, _m in texts) == sorted(
        [ORE_TIB, ORE_DC, ORE_BLOOD, VRM_TIB, regions.tove.phone_number])
    assert {m for _to, m in texts} == {"Särskild händelse avblåst: Bussolycka E18 vid Köping"}
    assert cap_calls[-1] == ("Cancel", ["ORE", "VRM"])
    assert Timer.objects.get(kind=ALARM_REMIND).state == TimerState.CANCELLED
    fire_due_timers(now=timezone.now() + timedelta(seconds=301))
    assert len(outbox(settings)) == before + 5
    # The link says so and offers nothing.
    response = Client().get(f"/larm/{link_of(settings, ORE_TIB)}")
    html = response.content.decode()
    assert response.status_code == 200 and "stood down" in html
    assert "Acknowledge the alarm" not in html and 'name="count"' not in html


# --- recorded by the centre ----------------------------------------------------------------


def acknowledge_url(incident, region) -> str:
    return f"/api/incidents/{incident.pk}/regions/{region.pk}/acknowledge/"


def test_the_centre_records_an_acknowledgement_heard_by_phone(alarmed, api, demo, regions):
    url = acknowledge_url(alarmed, regions.vrm)
    response = api(demo.anna).post(url, {"by": "Eva Ek"}, format="json")
    assert response.status_code == 200, response.data
    assert (response.data["acknowledged_by"], response.data["acknowledged_via"]) == (
        "Eva Ek", "phone")
    first = response.data["acknowledged_at"]
    again = api(regions.tove).post(url, {"by": "Någon annan"}, format="json")
    assert (again.data["acknowledged_at"], again.data["acknowledged_by"]) == (first, "Eva Ek")
    blood = api(regions.tove).post(acknowledge_url(alarmed, regions.ore),
                                   {"by": "Blodcentralen", "blood_centre": True}, format="json")
    assert blood.data["blood_centre_acknowledged_by"] == "Blodcentralen"
    assert blood.data["acknowledged_at"] is None
    entry = IncidentLogEntry.objects.get(kind="alarm.acknowledged")
    assert (entry.by, entry.by_name, entry.data["via"]) == (demo.anna, "Eva Ek", "phone")


def test_recording_an_acknowledgement_needs_a_name_and_an_alarmed_region(alarmed, api, demo):
    other = AlarmRegion.objects.create(code="GBG", name="Västra Götaland")
    assert api(demo.anna).post(acknowledge_url(alarmed, other), {"by": "X"},
                               format="json").status_code == 404
    ore = AlarmRegion.objects.get(code="ORE")
    assert api(demo.anna).post(acknowledge_url(alarmed, ore), {"by": ""},
                               format="json").status_code == 400


@pytest.mark.parametrize("who", ["sara", "maria", "greta"])
def test_the_crew_may_not_record_an_acknowledgement(alarmed, api, demo, regions, who):
    response = api(getattr(demo, who)).post(acknowledge_url(alarmed, regions.ore),
                                            {"by": "Per"}, format="json")
    assert response.status_code == 403
    assert not RegionAlarm.objects.filter(acknowledged_at__isnull=False).exists()


def test_the_service_refuses_an_acknowledgement_recorded_by_a_crew_member(alarmed, demo,
                                                                         regions):
    from core.errors import Forbidden

    region_alarm = RegionAlarm.objects.get(incident=alarmed, alarm_region=regions.ore)
    with pytest.raises(Forbidden):
        region_alarm_acknowledge(region_alarm=region_alarm, by_name="Per",
                                 via=RegionAlarm.Via.PHONE, by=demo.sara)
    region_alarm.refresh_from_db()
    assert region_alarm.acknowledged_at is None


def test_an_alarm_text_still_queued_is_withdrawn_by_the_stand_down(
        alarmed, settings, cap_calls, django_capture_on_commit_callbacks):
    from push.models import SmsState

    waiting = SmsMessage.objects.filter(tag=f"incident-alarm-{alarmed.pk}", to=ORE_TIB).get()
    # The provider refused it for now: it waits for the retry's backoff.
    SmsMessage.objects.filter(pk=waiting.pk).update(state=SmsState.QUEUED, sent_at=None)
    before = len(outbox(settings))
    alarmed.state, alarmed.stood_down_at = IncidentState.STOOD_DOWN, timezone.now()
    alarmed.save()
    with django_capture_on_commit_callbacks(execute=True):
        incident_alarm_stand_down(incident=alarmed)
    assert sender.wait_idle(10)
    waiting.refresh_from_db()
    assert waiting.state == SmsState.WITHDRAWN
    fire_due_timers(now=timezone.now() + timedelta(hours=1))
    assert sender.wait_idle(10)
    assert [m for to, m in outbox(settings)[before:] if to == ORE_TIB] == [
        "Särskild händelse avblåst: Bussolycka E18 vid Köping"]


def test_a_pledge_typed_on_the_first_link_is_taken_after_a_reminder(
        alarmed, settings, regions, django_capture_on_commit_callbacks):
    client = Client()
    old_token = link_of(settings, ORE_TIB)
    _r, form_token = page(client, old_token)
    with django_capture_on_commit_callbacks(execute=True):
        fire_due_timers(now=timezone.now() + timedelta(seconds=301))
    assert sender.wait_idle(10)
    assert link_of(settings, ORE_TIB) != old_token
    answer = client.post(f"/larm/{old_token}", {
        "form_token": form_token, "action": "pledge", "kind": "ambulance", "count": "2"})
    assert answer.status_code == 303, answer.content
    assert alarmed.pledges.get().count == 2
    client.post(f"/larm/{old_token}", {"form_token": form_token, "action": "acknowledge"})
    ore = RegionAlarm.objects.get(incident=alarmed, alarm_region=regions.ore)
    assert ore.acknowledged_by == "Per Persson"
    contacts = {c["name"]: c for c in api_detail_contacts(alarmed, regions.ore)}
    assert contacts["Per Persson"]["acknowledged_at"] is not None
    assert len(contacts) == 3  # each contact once, whatever the reminders


def api_detail_contacts(incident, alarm_region) -> list[dict]:
    from incidents.selectors.incidents import incident_get, region_alarm_data

    region_alarm = next(a for a in incident_get(pk=incident.pk).region_alarms.all()
                        if a.alarm_region_id == alarm_region.pk)
    return region_alarm_data(region_alarm)["contacts"]


def test_the_blood_centre_that_acknowledged_is_not_texted_again(
        alarmed, settings, regions, django_capture_on_commit_callbacks):
    client = Client()
    token = link_of(settings, ORE_BLOOD)
    _r, form_token = page(client, token)
    client.post(f"/larm/{token}", {"form_token": form_token, "action": "acknowledge"})
    before = len(outbox(settings))
    with django_capture_on_commit_callbacks(execute=True):
        fire_due_timers(now=timezone.now() + timedelta(seconds=301))
    assert sender.wait_idle(10)
    assert ORE_BLOOD not in [to for to, _m in outbox(settings)[before:]]
    assert ORE_TIB in [to for to, _m in outbox(settings)[before:]]


def test_the_reminders_stop_after_the_most_allowed(alarmed, settings, regions,
                                                  django_capture_on_commit_callbacks):
    from incidents.services.alarm import region_alarms_remind

    settings.INCIDENT_ACK_REMIND_MAX = 2
    with django_capture_on_commit_callbacks(execute=True):
        counts = [region_alarms_remind(incident_id=alarmed.pk) for _ in range(4)]
    assert sender.wait_idle(10)
    assert counts == [2, 2, 0, 0]
    assert IncidentLogEntry.objects.filter(kind="alarm.reminded").count() == 4
    assert Event.objects.filter(stream=INCIDENTS_STREAM, type="incident.alarm",
                                data__has_key="reminded").count() == 2


def test_a_region_with_nobody_to_text_is_not_reminded(alarmed, settings, regions):
    from incidents.services.alarm import region_alarms_remind

    AlarmContact.objects.filter(alarm_region=regions.vrm).update(active=False)
    assert region_alarms_remind(incident_id=alarmed.pk) == 1
    assert not IncidentLogEntry.objects.filter(kind="alarm.reminded",
                                               alarm_region=regions.vrm).exists()


def test_a_second_tab_of_the_link_leaves_the_first_tabs_form_valid(alarmed, settings):
    client = Client()
    token = link_of(settings, ORE_TIB)
    _first, first_form = page(client, token)
    _second, second_form = page(client, token)
    assert first_form == second_form
    answer = client.post(f"/larm/{token}", {"form_token": first_form, "action": "acknowledge"})
    assert answer.status_code == 303


def test_the_link_page_takes_as_many_as_the_pledges_rule_allows(alarmed, settings):
    from incidents.services.pledges import COUNT_MAX

    client = Client()
    token = link_of(settings, ORE_TIB)
    response, form_token = page(client, token)
    assert f'max="{COUNT_MAX}"' in response.content.decode()
    answer = client.post(f"/larm/{token}", {
        "form_token": form_token, "action": "pledge", "kind": "ambulance", "count": "150"})
    assert answer.status_code == 303, answer.content
    assert alarmed.pledges.get().count == 150
