"""Mass-casualty triage (*masskadetriage*): only TiB switches it, on indicators from the
configured list, on a confirmed incident; while it holds the crews' screens get the mode (and
nothing of the cases); the stand-down ends it; a case takes a triage category in words."""

import pytest

from dispatch.models import CaseChange
from incidents.models import IncidentLogEntry, IncidentState, TriageDecision
from incidents.selectors.log import log_text
from incidents.services.lifecycle import incident_stand_down
from incidents.services.triage import triage_decide, triage_end
from incidents.streams import INCIDENTS_STREAM, MODE_STREAM
from realtime.models import Event
from tests.incidents.report_helpers import alarm_recorder, incident_make, people


@pytest.fixture
def alarm_calls(monkeypatch):
    return alarm_recorder(monkeypatch)

ON = {"active": True, "indicators": ["casualties_exceed_capacity", "prolonged_extrication"],
      "note": "Buss med 40 passagerare"}


def triage(api, user, incident, body):
    return api(user).post(f"/api/incidents/{incident.pk}/triage/", body, format="json")


def test_a_dispatcher_may_not_switch_to_mass_casualty_triage(demo, api):
    incident = incident_make(demo)
    answer = triage(api, demo.anna, incident, ON)
    assert answer.status_code == 403
    assert answer.json()["detail"] == "Only TiB decides on mass-casualty triage."
    assert not TriageDecision.objects.exists()
    assert triage(api, demo.sara, incident, ON).status_code == 403


def test_tib_switches_on_and_the_crews_see_the_mode_and_nothing_of_the_cases(demo, api,
                                                                             new_case):
    incident = incident_make(demo, title="Bussolycka E18")
    incident.cases.add(new_case())
    p = people(demo)
    assert api(p.sara).get("/api/incidents/mode/").json()["active"] is False
    answer = triage(api, p.tove, incident, ON)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["active"] is True
    assert [i["text"] for i in answer.json()["indicators"]] == [
        "More casualties than available resources", "Prolonged extrication"]
    mode = api(p.sara).get("/api/incidents/mode/")
    assert mode.status_code == 200
    body = mode.json()
    assert (body["active"], body["incident"], body["title"], body["exercise"]) == (
        True, incident.pk, "Bussolycka E18", False)
    assert body["since"] and [i["code"] for i in body["indicators"]] == ON["indicators"]
    assert set(body) == {"active", "incident", "title", "exercise", "since", "indicators"}
    text = mode.content.decode()
    assert "Stora torget" not in text and "Tolvan" not in text and "Bröstsmärta" not in text
    entry = IncidentLogEntry.objects.get(incident=incident, kind="triage_on")
    assert "Prolonged extrication" in log_text(entry) and entry.by == p.tove
    assert Event.objects.filter(stream=INCIDENTS_STREAM, type="incident.triage").exists()
    assert Event.objects.filter(stream=MODE_STREAM, type="incident.mode").exists()
    # Mobile care staff, the console and TiB read it too; not a first responder, the IVPA
    # coordinator or the manager.
    for user in (p.karin, p.anna, p.tove):
        assert api(user).get("/api/incidents/mode/").json()["active"] is True
    for user in (p.lars, p.ulla, p.greta):
        assert api(user).get("/api/incidents/mode/").status_code == 403


def test_indicators_come_from_the_configured_list(demo, api, settings):
    incident = incident_make(demo)
    tove = demo.users["tove"]
    unknown = triage(api, tove, incident, {"active": True, "indicators": ["rain"]})
    assert unknown.status_code == 400
    assert "Unknown indicator “rain”" in unknown.json()["detail"]
    assert "casualties_exceed_capacity (More casualties than available resources)" in \
        unknown.json()["detail"]
    none = triage(api, tove, incident, {"active": True, "indicators": []})
    assert none.status_code == 400
    assert "at least one indicator" in none.json()["detail"]
    settings.INCIDENT_TRIAGE_INDICATORS = ["cbrne"]
    refused = triage(api, tove, incident, {"active": True, "indicators": ["prolonged_extrication"]})
    assert refused.status_code == 400 and "cbrne (" in refused.json()["detail"]
    assert triage(api, tove, incident, {"active": True, "indicators": ["cbrne"]}).status_code \
        == 200


@pytest.mark.parametrize("state", [IncidentState.RAISED, IncidentState.STOOD_DOWN])
def test_triage_only_on_a_confirmed_incident(demo, api, state):
    incident = incident_make(demo, state=state)
    answer = triage(api, demo.users["tove"], incident, ON)
    assert answer.status_code == 409
    assert "confirmed major incident" in answer.json()["detail"]


def test_switching_off_ends_the_mode(demo, api):
    incident = incident_make(demo)
    tove = demo.users["tove"]
    assert triage(api, tove, incident, {"active": False}).status_code == 409
    triage(api, tove, incident, ON)
    assert triage(api, tove, incident, {"active": False, "note": "Läget under kontroll"}) \
        .status_code == 200
    assert api(demo.sara).get("/api/incidents/mode/").json() == {
        "active": False, "incident": None, "title": "", "exercise": False, "since": None,
        "indicators": []}


def test_the_stand_down_ends_mass_casualty_triage(demo, api, alarm_calls):
    incident = incident_make(demo)
    tove = demo.users["tove"]
    triage_decide(incident=incident, by=tove, active=True, indicators=["cbrne"])
    incident_stand_down(incident=incident, by=tove, note="Alla transporterade")
    assert api(demo.sara).get("/api/incidents/mode/").json()["active"] is False
    latest = TriageDecision.objects.filter(incident=incident).order_by("-decided_at",
                                                                        "-pk").first()
    assert latest.active is False and latest.decided_by == tove
    assert IncidentLogEntry.objects.filter(incident=incident, kind="triage_off").exists()
    # Called again (nothing holds): nothing more is recorded.
    assert triage_end(incident=incident, by=tove) is None


def test_a_case_takes_a_triage_category_in_words_and_keeps_it_in_its_history(demo, api,
                                                                           new_case):
    case = new_case()
    answer = api(demo.anna).patch(f"/api/cases/{case.pk}/", {"mass_triage": "red"},
                                  format="json")
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["mass_triage"], answer.json()["mass_triage_text"]) == (
        "red", "Priority 1, red: immediate")
    change = CaseChange.objects.get(case=case, field="mass_triage")
    assert (change.old_value, change.new_value) == ("", "red")
    history = api(demo.anna).get(f"/api/cases/{case.pk}/history/").json()
    entries = history["entries"] if isinstance(history, dict) else history
    assert any(e.get("new_label") == "Priority 1, red: immediate" for e in entries)
    bad = api(demo.anna).patch(f"/api/cases/{case.pk}/", {"mass_triage": "purple"},
                               format="json")
    assert bad.status_code == 400


def test_a_replayed_switch_records_one_decision(demo, api):
    incident = incident_make(demo)
    body = {**ON, "idempotency_key": "triage-replay-0001"}
    first = triage(api, demo.users["tove"], incident, body)
    again = triage(api, demo.users["tove"], incident, body)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replay"] == "true" and again.json()["active"] is True
    assert TriageDecision.objects.filter(incident=incident).count() == 1


def test_switching_one_incident_off_keeps_the_crews_mode_while_another_holds_it(demo, api):
    first = incident_make(demo, title="Bussolycka E18")
    second = incident_make(demo, title="Tågurspårning Köping")
    tove = demo.users["tove"]
    triage(api, tove, first, ON)
    triage(api, tove, second, ON)
    assert triage(api, tove, second, {"active": False}).status_code == 200
    mode = api(demo.sara).get("/api/incidents/mode/").json()
    event = Event.objects.filter(stream=MODE_STREAM, type="incident.mode").order_by(
        "-seq").first()
    assert (mode["active"], mode["incident"]) == (True, first.pk)
    assert (event.data["active"], event.data["incident"], event.data["title"]) == (
        True, first.pk, "Bussolycka E18")
    assert event.data["since"] == mode["since"]
