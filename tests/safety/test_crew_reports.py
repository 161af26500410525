"""Crew reports of threats and violence (*hot- och våldsrapport*): who may report, the
proposed notice a report makes, a replayed report, the reviewers' list and the summary for the
follow-up (JSON, CSV, XLSX)."""

import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from crews.services import crew_join
from dispatch import services as dispatch_services
from realtime.models import Event
from safety.models import CrewReport, NoticeSource, NoticeState, RiskNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(demo, new_case):
    """sara's unit (AMB 1010) on a case at Stora torget 1, Västerås."""
    case = new_case()
    [assignment] = dispatch_services.assignment_dispatch(case=case, units=[demo.amb1010],
                                                         by=demo.anna)
    return assignment


def report(**overrides) -> dict:
    data = {"category": "violence", "violence_happened": True,
            "description": "Anhörig slog mot ambulansens dörr.",
            "idempotency_key": f"r-{uuid.uuid4().hex}"}
    data.update(overrides)
    return data


def test_a_crew_report_proposes_a_notice_for_the_place_of_the_case(demo, api, job, settings):
    response = api(demo.sara).post("/api/safety/reports/", report(assignment=job.pk),
                                   format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "category", "category_label", "violence_happened",
                         "reported_at", "notice"}
    assert (body["category"], body["category_label"], body["violence_happened"]) == (
        "violence", "Violence", True)
    notice = RiskNotice.objects.get(pk=body["notice"])
    assert (notice.state, notice.source, notice.action) == (
        NoticeState.PROPOSED, NoticeSource.CREW_REPORT, "caution")
    assert (notice.address, notice.latitude, notice.longitude, notice.region_id) == (
        job.case.address, job.case.latitude, job.case.longitude, job.case.region_id)
    assert notice.background == "Anhörig slog mot ambulansens dörr."
    assert notice.entered_by == demo.sara
    days = (notice.valid_until - notice.valid_from).days
    assert settings.SAFETY_NOTICE_DEFAULT_DAYS - 1 <= days <= settings.SAFETY_NOTICE_DEFAULT_DAYS
    stored = CrewReport.objects.get(pk=body["id"])
    assert (stored.unit, stored.region, stored.reported_by, stored.assignment) == (
        demo.amb1010, job.case.region, demo.sara, job)
    proposed = Event.objects.filter(stream="dispatch", type="safety.notice_proposed")
    assert [e.data["notice"]["id"] for e in proposed] == [notice.pk]


def test_a_replayed_report_is_stored_once_and_answered_the_same(demo, api, job):
    data = report(assignment=job.pk, idempotency_key="tablet-report-0001")
    first = api(demo.sara).post("/api/safety/reports/", data, format="json")
    again = api(demo.sara).post("/api/safety/reports/", data, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert CrewReport.objects.count() == 1 and RiskNotice.objects.count() == 1


def test_another_users_idempotency_key_is_refused(demo, api, job):
    data = report(assignment=job.pk, idempotency_key="tablet-report-0002")
    api(demo.sara).post("/api/safety/reports/", data, format="json")
    crew_join(user=demo.maria, unit=demo.amb1010)
    response = api(demo.maria).post("/api/safety/reports/", data, format="json")
    assert response.status_code == 409
    assert "already used" in response.json()["detail"]
    assert CrewReport.objects.count() == 1


def test_a_report_without_a_key_is_refused_saying_what_to_send(demo, api, job):
    data = report(assignment=job.pk)
    del data["idempotency_key"]
    response = api(demo.sara).post("/api/safety/reports/", data, format="json")
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["detail"]
    assert not CrewReport.objects.exists()


@pytest.mark.parametrize(("change", "words"), [
    ({"category": ""}, "Choose what happened"),
    ({"category": "ghost"}, "Choose what happened"),
    ({"violence_happened": "perhaps"}, "violence_happened"),
    ({"assignment": "x"}, "assignment"),
])
def test_a_bad_report_is_a_400_that_says_what_to_fix(demo, api, job, change, words):
    response = api(demo.sara).post("/api/safety/reports/",
                                   report(**{"assignment": job.pk, **change}), format="json")
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert not CrewReport.objects.exists()


def test_another_units_assignment_does_not_exist_for_the_crew(demo, api, job):
    response = api(demo.johan).post("/api/safety/reports/", report(assignment=job.pk),
                                    format="json")
    assert response.status_code == 404
    assert not CrewReport.objects.exists() and not RiskNotice.objects.exists()


def test_a_crew_member_on_no_unit_is_told_to_join_it_first(demo, api, job):
    response = api(demo.karin).post("/api/safety/reports/", report(), format="json")
    assert response.status_code == 403
    assert "Join your unit" in response.json()["detail"]


def test_mobile_care_staff_report_from_their_unit_without_an_assignment(demo, api):
    crew_join(user=demo.karin, unit=demo.units["MVE 1500"])
    response = api(demo.karin).post("/api/safety/reports/", report(category="threat",
                                                                   violence_happened=False),
                                    format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["notice"] is None
    stored = CrewReport.objects.get()
    assert (stored.unit.call_sign, stored.region) == ("MVE 1500", demo.units["MVE 1500"].region)


@pytest.mark.parametrize("who", ["anna", "lars", "greta", "ulla"])
def test_only_crews_and_mobile_care_staff_report(demo, api, job, who):
    response = api(getattr(demo, who)).post("/api/safety/reports/",
                                            report(assignment=job.pk), format="json")
    assert response.status_code == 403
    assert not CrewReport.objects.exists()


def test_the_reviewers_list_shows_the_unit_and_the_notices_state_not_the_description(
        demo, api, job):
    made = api(demo.sara).post("/api/safety/reports/", report(assignment=job.pk),
                               format="json").json()
    for who in (demo.anna, demo.greta, demo.admin):
        response = api(who).get("/api/safety/reports/")
        assert response.status_code == 200
        [row] = response.json()
        assert (row["id"], row["unit_call_sign"], row["notice"], row["notice_state"],
                row["notice_state_label"]) == (made["id"], "AMB 1010", made["notice"],
                                               "proposed", "Proposed, awaiting review")
        assert "description" not in row and "Anhörig" not in response.content.decode()
    for who in (demo.sara, demo.johan, demo.lars, demo.karin, demo.ulla):
        assert api(who).get("/api/safety/reports/").status_code == 403


def _report_at(demo, *, unit, region, category, violence, days_ago=0):
    return CrewReport.objects.create(
        unit=unit, region=region, reported_by=demo.sara, category=category,
        violence_happened=violence, reported_at=timezone.now() - timedelta(days=days_ago))


def test_the_summary_counts_reports_per_region_and_category_in_the_period(demo, api):
    _report_at(demo, unit=demo.amb1010, region=demo.vml, category="threat", violence=False)
    _report_at(demo, unit=demo.amb1010, region=demo.vml, category="violence", violence=True)
    _report_at(demo, unit=demo.amb1010, region=demo.vml, category="threat", violence=True)
    _report_at(demo, unit=demo.amb3010, region=demo.upp, category="weapon", violence=False)
    _report_at(demo, unit=demo.amb1010, region=demo.vml, category="threat", violence=True,
               days_ago=400)  # outside the period
    today = timezone.localdate()
    response = api(demo.greta).get("/api/safety/reports/summary/", {
        "from": str(today - timedelta(days=30)), "to": str(today)})
    assert response.status_code == 200
    body = response.json()
    assert (body["reports"], body["violence"]) == (4, 2)
    regions = {r["region_code"]: r for r in body["regions"]}
    assert set(regions) == {"VML", "UPP", "SRM"}
    assert (regions["VML"]["reports"], regions["VML"]["violence"]) == (3, 2)
    assert (regions["UPP"]["reports"], regions["SRM"]["reports"]) == (1, 0)
    vml = {c["category"]: c for c in regions["VML"]["categories"]}
    assert (vml["threat"]["reports"], vml["threat"]["violence"]) == (2, 1)
    assert vml["threat"]["category_label"] == "Threat"
    assert (vml["weapon"]["reports"], vml["violence"]["violence"]) == (0, 1)
    totals = {c["category"]: c["reports"] for c in body["categories"]}
    assert totals == {"threat": 2, "violence": 1, "weapon": 1, "dangerous_animal": 0,
                      "other": 0}


def test_the_summary_downloads_as_csv_and_xlsx(demo, api):
    from openpyxl import load_workbook

    _report_at(demo, unit=demo.amb1010, region=demo.vml, category="weapon", violence=True)
    today = str(timezone.localdate())
    csv = api(demo.anna).get("/api/safety/reports/summary/",
                             {"from": today, "to": today, "format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Region,Category,Reports,Of which violence"
    assert f"{demo.vml.name},All categories,1,1" in lines
    assert f"{demo.vml.name},Weapon,1,1" in lines
    xlsx = api(demo.anna).get("/api/safety/reports/summary/",
                              {"from": today, "to": today, "format": "xlsx"})
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0] == ("Region", "Category", "Reports", "Of which violence")
    assert (demo.vml.name, "Weapon", 1, 1) in rows


@pytest.mark.parametrize(("query", "words"), [
    ({}, "from=YYYY-MM-DD"),
    ({"from": "2026-05-01", "to": "2026-01-01"}, "swap the two dates"),
    ({"from": "yesterday", "to": "2026-01-01"}, "from=YYYY-MM-DD"),
    ({"from": "2020-01-01", "to": "2026-01-01"}, "at most three years"),
    ({"from": "2026-01-01", "to": "2026-01-31", "format": "pdf"}, "format=csv"),
])
def test_a_bad_period_is_a_400_that_says_what_to_give(demo, api, query, words):
    response = api(demo.anna).get("/api/safety/reports/summary/", query)
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_the_admin_records_each_read_of_a_crew_report_as_its_case_patients(demo, api, job,
                                                                           client):
    from audit.models import AccessLogEntry
    from tests.audit.patient_data import PATIENT, log_mark

    made = api(demo.sara).post("/api/safety/reports/", report(assignment=job.pk),
                               format="json").json()
    client.force_login(demo.admin)
    mark = log_mark()
    page = client.get(f"/admin/safety/crewreport/{made['id']}/change/")
    assert page.status_code == 200
    assert "Anhörig slog mot ambulansens dörr." in page.content.decode()
    assert AccessLogEntry.objects.filter(id__gt=mark, user=demo.admin, patient=PATIENT).exists()
