"""The incident's life cycle over the API: a dispatcher raises (with cases and a first METHANE
report), every TiB is woken and texted when nobody decides in time, one TiB confirms (of two
racing, one wins), rejects or stands down; only TiB decides."""

import io
import threading
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections

from accounts.models import Role, User
from audit.models import AccessLogEntry
from core.errors import Invalid
from incidents.models import IncidentLogEntry, IncidentState, MajorIncident, SituationReport
from incidents.services.lifecycle import INCIDENT_CONFIRM_SMS, incident_raise
from incidents.streams import INCIDENTS_STREAM
from push.models import SmsMessage
from push.services import NOTIFY_KIND
from realtime.models import Event
from timers.models import Timer, TimerState
from timers.services import fire_due_timers

REPORT = {"major_incident_declared": True, "exact_location": "E18 vid Västerås västra",
          "incident_type": "Trafikolycka, buss och lastbil", "hazards": "Läckande diesel",
          "access": "Från väster via trafikplats 131", "casualties_total": 23,
          "casualties_red": 4, "casualties_yellow": 9, "casualties_green": 10,
          "casualties_dead": 0, "services_present": "Räddningstjänst, polis",
          "services_required": "Fler ambulanser"}


@pytest.fixture
def regions(demo):
    call_command("seed_incidents_demo", stdout=io.StringIO())


@pytest.fixture
def tove(demo):
    return demo.users["tove"]


def events(type_):
    return list(Event.objects.filter(stream=INCIDENTS_STREAM, type=type_).order_by("seq"))


def raise_incident(api, user, **overrides):
    body = {"title": "Bussolycka E18", "report": REPORT,
            "idempotency_key": f"incident-{uuid.uuid4().hex}", **overrides}
    return api(user).post("/api/incidents/", body, format="json")


def test_a_dispatcher_raises_with_cases_and_a_first_report(demo, api, new_case, regions):
    case = new_case(address="E18 trafikplats 131, Västerås", complaint="Multitrauma")
    response = raise_incident(api, demo.anna, cases=[case.pk])
    assert response.status_code == 201, response.data
    data = response.data
    assert data["state"] == "raised"
    assert data["region"]["code"] == "VML"  # the first case's region
    assert (data["latitude"], data["longitude"]) == (case.latitude, case.longitude)
    assert data["cases"] == [{"id": case.pk, "reference": case.reference,
                              "address": "E18 trafikplats 131, Västerås",
                              "complaint": "Multitrauma", "priority": case.priority}]
    assert data["raised_by"] == str(demo.anna)
    assert data["report"]["version"] == 1 and data["report"]["casualties_red"] == 4
    assert data["may_decide"] is False
    assert [e["kind"] for e in data["log"]] == ["raised", "report"]
    assert len(events("incident.raised")) == 1
    assert Timer.objects.filter(kind=INCIDENT_CONFIRM_SMS, key=str(data["id"]),
                                state=TimerState.PENDING).exists()


def test_an_unknown_case_is_refused_by_its_id(demo, api, new_case):
    case = new_case()
    response = raise_incident(api, demo.anna, cases=[case.pk, 999999])
    assert response.status_code == 400
    assert "999999" in response.data["detail"]
    assert not MajorIncident.objects.exists()


def test_without_cases_the_region_is_required(demo, api):
    response = raise_incident(api, demo.anna)
    assert response.status_code == 400
    response = raise_incident(api, demo.anna, region="UPP", location="Uppsala C")
    assert response.status_code == 201, response.data
    assert response.data["region"]["code"] == "UPP" and response.data["cases"] == []


def test_a_replay_of_the_raise_is_the_same_incident(demo, api, new_case):
    case = new_case()
    key = f"incident-{uuid.uuid4().hex}"
    first = raise_incident(api, demo.anna, cases=[case.pk], idempotency_key=key)
    again = raise_incident(api, demo.anna, cases=[case.pk], idempotency_key=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.data["id"] == first.data["id"]
    assert MajorIncident.objects.count() == 1
    assert SituationReport.objects.count() == 1
    assert len(events("incident.raised")) == 1


def test_every_tib_is_woken_when_an_incident_is_raised(demo, api, tove):
    second = User.objects.create(username="tib2", role=Role.TIB, phone_number="+46701740698")
    raise_incident(api, demo.anna, region="VML")
    woken = Timer.objects.filter(kind=NOTIFY_KIND, payload__stream=INCIDENTS_STREAM)
    assert sorted(t.payload["user"] for t in woken) == sorted([tove.pk, second.pk])
    notification = woken.first().payload["notification"]
    assert notification["title"] == "Möjlig särskild händelse"
    assert notification["body"] == "Bussolycka E18"
    assert notification["url"] == "/tib/"


def test_tove_confirms_and_the_alarm_goes_out(demo, api, tove, regions, new_case):
    incident = raise_incident(api, demo.anna, cases=[new_case().pk]).data
    response = api(tove).post(f"/api/incidents/{incident['id']}/confirm/")
    assert response.status_code == 200, response.data
    data = response.data
    assert data["state"] == "confirmed" and data["confirmed_by"] == str(tove)
    assert data["may_decide"] is True
    assert len(data["regions"]) == 7
    assert all(r["alarm"] is not None for r in data["regions"])
    assert "confirmed" in [e["kind"] for e in data["log"]]
    assert len(events("incident.confirmed")) == 1
    assert Timer.objects.get(kind=INCIDENT_CONFIRM_SMS, key=str(incident["id"])).state == \
        TimerState.CANCELLED


def test_a_dispatcher_may_not_confirm_reject_or_stand_down(demo, api):
    incident = raise_incident(api, demo.anna, region="VML").data
    for action, body in (("confirm", {}), ("reject", {"reason": "Övning"}),
                         ("stand-down", {})):
        response = api(demo.anna).post(f"/api/incidents/{incident['id']}/{action}/", body,
                                       format="json")
        assert response.status_code == 403, action
    assert MajorIncident.objects.get().state == IncidentState.RAISED


@pytest.mark.django_db(transaction=True)
def test_two_tibs_racing_one_confirms_the_other_is_told_who(demo, api, tove):
    """A real race on PostgreSQL (two connections); on SQLite, which has one writer, the same
    calls one after the other."""
    other = User.objects.create(username="tib2", display_name="Tor Tjänsteman", role=Role.TIB)
    incident = raise_incident(api, demo.anna, region="VML").data
    url = f"/api/incidents/{incident['id']}/confirm/"
    answers = {}
    start = threading.Barrier(2)

    def confirm(user):
        try:
            start.wait(timeout=60)
            answers[user.username] = api(user).post(url)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=confirm, args=(u,)) for u in (tove, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    else:
        for user in (tove, other):
            answers[user.username] = api(user).post(url)
    assert sorted(a.status_code for a in answers.values()) == [200, 409]
    winner = next(a for a in answers.values() if a.status_code == 200)
    loser = next(a for a in answers.values() if a.status_code == 409)
    assert loser.data["detail"].startswith(
        f"Already confirmed by {winner.data['confirmed_by']} at ")
    assert len(events("incident.confirmed")) == 1
    assert IncidentLogEntry.objects.filter(kind="confirmed").count() == 1


def test_the_same_tib_confirming_twice_gets_the_incident(demo, api, tove):
    incident = raise_incident(api, demo.anna, region="VML").data
    url = f"/api/incidents/{incident['id']}/confirm/"
    assert api(tove).post(url).status_code == 200
    assert api(tove).post(url).status_code == 200
    assert len(events("incident.confirmed")) == 1


def test_tib_rejects_with_a_reason_and_then_nobody_confirms(demo, api, tove):
    incident = raise_incident(api, demo.anna, region="VML").data
    url = f"/api/incidents/{incident['id']}"
    response = api(tove).post(f"{url}/reject/", {"reason": " "}, format="json")
    assert response.status_code == 400
    assert "why" in response.data["detail"]
    response = api(tove).post(f"{url}/reject/", {"reason": "En skadad, ingen särskild "
                                                           "händelse"}, format="json")
    assert response.status_code == 200
    assert response.data["state"] == "rejected"
    assert response.data["reject_reason"] == "En skadad, ingen särskild händelse"
    refused = api(demo.admin).post(f"{url}/confirm/")
    assert refused.status_code == 409
    assert refused.data["detail"].startswith(f"Already rejected by {tove} at ")
    assert Timer.objects.get(kind=INCIDENT_CONFIRM_SMS, key=str(incident["id"])).state == \
        TimerState.CANCELLED


def test_only_a_confirmed_incident_is_stood_down(demo, api, tove, regions):
    incident = raise_incident(api, demo.anna, region="VML").data
    url = f"/api/incidents/{incident['id']}"
    response = api(tove).post(f"{url}/stand-down/", {}, format="json")
    assert response.status_code == 409
    assert "confirmed" in response.data["detail"]
    assert api(tove).post(f"{url}/confirm/").status_code == 200
    response = api(tove).post(f"{url}/stand-down/", {"note": "Alla skadade omhändertagna"},
                              format="json")
    assert response.status_code == 200
    assert response.data["state"] == "stood_down"
    assert response.data["stand_down_note"] == "Alla skadade omhändertagna"
    assert len(events("incident.stood_down")) == 1
    again = api(demo.admin).post(f"{url}/stand-down/", {}, format="json")
    assert again.status_code == 409 and again.data["detail"].startswith("Already stood down")


def test_every_tib_is_texted_when_nobody_confirmed_in_time(demo, api, tove, clock, settings):
    settings.INCIDENT_CONFIRM_SMS_SECONDS = 60
    settings.SMS_SITE_URL = "https://larm.example"
    incident = raise_incident(api, demo.anna, region="VML").data
    fire_due_timers(now=clock.advance(59))
    assert not SmsMessage.objects.filter(tag=f"incident-confirm-{incident['id']}").exists()
    fire_due_timers(now=clock.advance(2))
    texts = SmsMessage.objects.filter(tag=f"incident-confirm-{incident['id']}")
    assert [t.to for t in texts] == [tove.phone_number]
    assert "Bussolycka E18" in texts[0].message
    assert texts[0].message.endswith("https://larm.example/tib/")
    found = MajorIncident.objects.get(pk=incident["id"])
    assert found.tib_texted_at is not None
    assert found.log.filter(kind="tib_texted").count() == 1


def test_nobody_is_texted_once_tib_decided(demo, api, tove, clock):
    incident = raise_incident(api, demo.anna, region="VML").data
    api(tove).post(f"/api/incidents/{incident['id']}/reject/", {"reason": "Enstaka skadad"},
                   format="json")
    fire_due_timers(now=clock.advance(3600))
    assert not SmsMessage.objects.filter(tag=f"incident-confirm-{incident['id']}").exists()
    assert MajorIncident.objects.get(pk=incident["id"]).tib_texted_at is None


DETAIL_KEYS = {"id", "title", "state", "state_text", "exercise", "region", "location",
               "latitude", "longitude", "cases", "raised_by", "raised_at", "confirmed_by",
               "confirmed_at", "rejected_by", "rejected_at", "reject_reason", "stood_down_by",
               "stood_down_at", "stand_down_note", "may_decide", "pledge_minimum", "regions",
               "triage", "report", "log"}
REGION_KEYS = {"id", "code", "name", "own", "has_endpoint", "alarm", "pledged", "rule_met",
               "pledges"}
ALARM_KEYS = {"sent_at", "delivered_at", "cap_state", "cap_state_text", "cap_attempts",
              "cap_error", "acknowledged_at", "acknowledged_by", "acknowledged_via",
              "acknowledged_via_text", "blood_centre_acknowledged_at",
              "blood_centre_acknowledged_by", "contacts"}
LIST_KEYS = {"id", "title", "state", "state_text", "exercise", "region", "location",
             "raised_at", "confirmed_at", "stood_down_at", "triage_active",
             "regions_acknowledged", "regions_alarmed"}


def test_the_detail_and_the_list_have_the_shared_shape(demo, api, tove, regions,
                                                       django_assert_max_num_queries):
    incident = raise_incident(api, demo.anna, region="VML").data
    api(tove).post(f"/api/incidents/{incident['id']}/confirm/")
    with django_assert_max_num_queries(14):
        data = api(demo.anna).get(f"/api/incidents/{incident['id']}/").data
    assert set(data) == DETAIL_KEYS
    assert data["region"] == {"id": demo.vml.pk, "code": "VML", "name": demo.vml.name}
    assert data["state_text"] == "Confirmed major incident"
    assert set(data["regions"][0]) == REGION_KEYS
    assert set(data["regions"][0]["alarm"]) == ALARM_KEYS
    assert data["regions"][0]["alarm"]["cap_state"] == "none"  # the demo has no endpoints
    own = {r["code"]: r["own"] for r in data["regions"]}
    assert own == {"UPP": True, "VML": True, "SRM": True, "ORB": False, "VRM": False,
                   "DLR": False, "GVB": False}
    assert {c["kind"] for c in data["regions"][0]["alarm"]["contacts"]} == {
        "tib", "dispatch_centre", "blood_centre"}
    assert data["pledge_minimum"] == 5 and data["triage"] is None
    rows = api(tove).get("/api/incidents/", {"state": "active"}).data
    assert [set(r) for r in rows] == [LIST_KEYS]
    assert rows[0]["regions_alarmed"] == 7 and rows[0]["regions_acknowledged"] == 0
    assert api(tove).get("/api/incidents/", {"state": "rejected"}).data == []
    assert api(tove).get("/api/incidents/", {"state": "nonsense"}).status_code == 400


def test_reading_the_detail_writes_the_access_log_for_its_cases(demo, api, new_case):
    case = new_case()
    incident = raise_incident(api, demo.anna, cases=[case.pk]).data
    before = AccessLogEntry.objects.filter(user=demo.admin).count()
    api(demo.admin).get(f"/api/incidents/{incident['id']}/")
    entries = AccessLogEntry.objects.filter(user=demo.admin).order_by("-pk")
    assert entries.count() == before + 1
    assert entries[0].patient == case.patient_key
    assert entries[0].reason == "major incident opened"


def test_cases_are_added_to_an_incident(demo, api, new_case):
    first, second = new_case(), new_case()
    incident = raise_incident(api, demo.anna, cases=[first.pk]).data
    url = f"/api/incidents/{incident['id']}/cases/"
    response = api(demo.anna).post(url, {"cases": [first.pk, second.pk]}, format="json")
    assert response.status_code == 200
    assert [c["id"] for c in response.data["cases"]] == [first.pk, second.pk]
    assert len(events("incident.cases")) == 1
    assert api(demo.anna).post(url, {"cases": [424242]}, format="json").status_code == 400


def test_the_regions_are_listed_from_the_demo(demo, api, regions):
    call_command("seed_incidents_demo", stdout=io.StringIO())  # idempotent
    rows = api(demo.anna).get("/api/incidents/regions/").data
    assert [r["code"] for r in rows] == ["UPP", "VML", "SRM", "ORB", "VRM", "DLR", "GVB"]
    assert not any(r["has_endpoint"] for r in rows)


def test_the_first_report_is_checked(demo, api):
    response = raise_incident(api, demo.anna, region="VML",
                              report={"casualties_red": -1})
    assert response.status_code == 400
    assert not MajorIncident.objects.exists()


def test_the_first_report_is_checked_as_every_later_version(demo, api):
    """A text longer than its field and more casualties by category than the total are
    refused in words at the raise too, through the API and the service alike."""
    too_long = raise_incident(api, demo.anna, region="VML",
                              report={"hazards": "Brand " * 200})
    assert too_long.status_code == 400
    assert "500" in too_long.json()["detail"]
    with pytest.raises(Invalid):
        incident_raise(by=demo.anna, title="Brand", region="VML", cases=[],
                       report={"hazards": "Brand " * 200})
    too_many = raise_incident(api, demo.anna, region="VML",
                              report={"casualties_total": 2, "casualties_red": 3})
    assert too_many.status_code == 400
    assert not MajorIncident.objects.exists()


def test_an_exercise_says_so_in_the_wake_up(demo, api, tove, clock):
    incident = raise_incident(api, demo.anna, region="VML", exercise=True).data
    assert incident["exercise"] is True
    clock.advance(3600)
    fire_due_timers(now=clock.now + timedelta(seconds=1))
    text = SmsMessage.objects.get(tag=f"incident-confirm-{incident['id']}", to=tove.phone_number)
    assert text.message.startswith("ÖVNING")
