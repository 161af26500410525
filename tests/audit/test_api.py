"""The administrator's access-log search and a patient's log extract (*loggutdrag*)."""

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry
from audit.services import PatientRef, access_log_write

TOLVAN, OTHER = "19121212-1212", "19790101-2385"


def write(user, patient, case_ref, reason="case opened"):
    access_log_write(user=user, reason=reason, refs=[
        PatientRef(patient=patient, case_ref=case_ref, object_type="case", object_id="1")])


@pytest.fixture
def history(demo):
    write(demo.anna, TOLVAN, "VML-1")
    middle = timezone.now()
    write(demo.sara, TOLVAN, "VML-1", reason="assignment opened")
    write(demo.anna, OTHER, "UPP-2")
    return middle


@pytest.mark.parametrize("who", [None, "anna", "sara", "johan", "lars", "karin"])
def test_only_an_administrator_gets_a_log_extract(demo, api, history, who):
    user = getattr(demo, who) if who else None
    before = AccessLogEntry.objects.count()
    response = api(user).get("/api/audit/extract/", {"patient": TOLVAN})
    assert response.status_code == 403
    assert "detail" in response.json()
    assert AccessLogEntry.objects.count() == before


def test_a_log_extract_lists_the_patients_reads_in_order_and_is_itself_logged(demo, api,
                                                                             history):
    response = api(demo.admin).get("/api/audit/extract/", {"patient": TOLVAN})
    assert response.status_code == 200
    body = response.json()
    assert body["patient"] == TOLVAN
    assert [(e["user"], e["reason"], e["case_ref"]) for e in body["entries"]] == [
        ("anna", "case opened", "VML-1"), ("sara", "assignment opened", "VML-1")]
    assert body["entries"][0]["at"] <= body["entries"][1]["at"]
    export = AccessLogEntry.objects.get(action="export")
    assert (export.username, export.patient, export.reason) == (
        "admin", TOLVAN, "patient log extract")


@pytest.mark.parametrize("query", [{}, {"patient": ""}, {"patient": "   "}])
def test_a_log_extract_needs_a_patient(demo, api, history, query):
    before = AccessLogEntry.objects.count()
    response = api(demo.admin).get("/api/audit/extract/", query)
    assert response.status_code == 400
    assert "personal identity number" in response.json()["detail"]
    assert AccessLogEntry.objects.count() == before


@pytest.mark.parametrize("who", [None, "anna", "sara", "lars", "karin"])
def test_only_an_administrator_searches_the_log(demo, api, history, who):
    user = getattr(demo, who) if who else None
    assert api(user).get("/api/audit/log/").status_code == 403


def test_the_search_filters_by_patient_user_case_and_time(demo, api, history):
    client = api(demo.admin)

    def found(**query):
        response = client.get("/api/audit/log/", query)
        assert response.status_code == 200
        # Each search is itself recorded (a read of the log): those rows are left out here.
        return [(e["username"], e["patient"], e["case_ref"]) for e in response.json()
                if e["object_type"] != "access_log"]

    everything = found()
    assert everything == [("anna", OTHER, "UPP-2"), ("sara", TOLVAN, "VML-1"),
                          ("anna", TOLVAN, "VML-1")]  # newest first
    assert found(patient=TOLVAN) == [("sara", TOLVAN, "VML-1"), ("anna", TOLVAN, "VML-1")]
    assert found(username="anna") == [("anna", OTHER, "UPP-2"), ("anna", TOLVAN, "VML-1")]
    assert found(case_ref="UPP-2") == [("anna", OTHER, "UPP-2")]
    assert found(since=history.isoformat()) == everything[:2]
    assert found(until=history.isoformat()) == everything[2:]
    assert found(patient=TOLVAN, username="sara") == [("sara", TOLVAN, "VML-1")]
    assert found(patient="19000101-0000") == []


@pytest.mark.parametrize("value", ["förra veckan", "2026-02-30T08:00:00Z"])
@pytest.mark.parametrize("name", ["since", "until"])
def test_the_search_refuses_a_bad_time(demo, api, history, name, value):
    response = api(demo.admin).get("/api/audit/log/", {name: value})
    assert response.status_code == 400
    assert name in response.json()["detail"] and "ISO 8601" in response.json()["detail"]


def test_a_search_is_itself_recorded_once_per_patient_shown(demo, api, history):
    rows = api(demo.admin).get("/api/audit/log/", {"username": "anna"}).json()
    assert {r["patient"] for r in rows} == {TOLVAN, OTHER}
    recorded = AccessLogEntry.objects.filter(username="admin").order_by("id")
    assert sorted(e.patient for e in recorded) == sorted([TOLVAN, OTHER])
    assert {(e.action, e.object_type, e.object_id, e.reason) for e in recorded} == {
        ("read", "access_log", "search", "access log searched")}
    before = AccessLogEntry.objects.count()
    assert api(demo.admin).get("/api/audit/log/", {"patient": "19000101-0000"}).json() == []
    assert AccessLogEntry.objects.count() == before  # nothing shown, nothing recorded
