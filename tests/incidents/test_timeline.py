"""The incident's timeline for the follow-up: the times from the first case to the raise, to
TiB's confirmation, to the alarm reaching each region and to each region's pledges meeting the
rule, in words ("4 min 12 s"); as JSON, CSV and XLSX; and the printable situation report."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from dispatch.models import Case
from incidents.models import AlarmRegion, Pledge, PledgeKind, RegionAlarm, SituationReport
from incidents.selectors.timeline import duration_text
from incidents.services.log import log_write
from incidents.services.triage import triage_decide
from tests.incidents.report_helpers import incident_make, people

T0 = datetime(2026, 11, 5, 13, 0, 0, tzinfo=UTC)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def rule(settings):
    settings.INCIDENT_PLEDGE_MINIMUM = 5


def pledge(incident, region, kind, count, seconds, withdrawn=None):
    return Pledge.objects.create(incident=incident, alarm_region=region, kind=kind, count=count,
                                 via=Pledge.Via.PHONE, pledged_by_name="Regionens TiB",
                                 created_at=at(seconds),
                                 withdrawn_at=at(withdrawn) if withdrawn else None)


@pytest.fixture
def timed(demo, new_case):
    """A case registered at T0, raised a minute later, confirmed after 4 min 12 s; region
    Alfa reached by CAP after 4 min 20 s and meeting the rule after 10 min 12 s; region Beta
    with no endpoint, acknowledging by phone after 1 h 2 min 5 s, its first pledge withdrawn,
    meeting the rule only after 16 min 40 s."""
    case = new_case()
    Case.objects.filter(pk=case.pk).update(registered_at=T0)
    incident = incident_make(demo, at=at(60))
    type(incident).objects.filter(pk=incident.pk).update(confirmed_at=at(252))
    incident.refresh_from_db()
    incident.cases.add(case)
    alfa = AlarmRegion.objects.create(code="TALFA", name="Region Alfa", sort_order=901)
    beta = AlarmRegion.objects.create(code="TBETA", name="Region Beta", sort_order=902)
    RegionAlarm.objects.create(incident=incident, alarm_region=alfa, sent_at=at(253),
                               delivered_at=at(260), acknowledged_at=at(400))
    RegionAlarm.objects.create(incident=incident, alarm_region=beta, sent_at=at(253),
                               acknowledged_at=at(3725))
    pledge(incident, alfa, PledgeKind.AMBULANCE, 3, 500)
    pledge(incident, alfa, PledgeKind.HELICOPTER, 1, 550)  # not a secondary transport
    pledge(incident, alfa, PledgeKind.AMBULANCE_BUS, 2, 612)
    pledge(incident, beta, PledgeKind.AMBULANCE, 3, 700, withdrawn=800)
    pledge(incident, beta, PledgeKind.AMBULANCE, 4, 900)
    pledge(incident, beta, PledgeKind.INTENSIVE_CARE, 1, 1000)
    log_write(incident=incident, kind="raised", by=demo.anna, text="Larmad", at=at(60))
    log_write(incident=incident, kind="confirmed", by=demo.users["tove"], text="Bekräftad",
              at=at(252))
    return incident


def test_durations_in_words():
    assert [duration_text(s) for s in (0, 42, 60, 252, 3725, -30)] == [
        "0 s", "42 s", "1 min 0 s", "4 min 12 s", "1 h 2 min 5 s", "−30 s"]
    assert duration_text(None) == ""


def test_the_timeline_counts_from_the_first_case(demo, api, timed):
    answer = api(demo.users["tove"]).get(f"/api/incidents/{timed.pk}/timeline/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["start"]["kind"] == "case" and body["start"]["at"] == T0.isoformat()
    assert (body["raised"]["text"], body["confirmed"]["seconds"], body["confirmed"]["text"]) \
        == ("1 min 0 s", 252, "4 min 12 s")
    regions = {r["code"]: r for r in body["regions"]}
    assert regions["TALFA"]["alarm_reached"]["text"] == "4 min 20 s"
    assert regions["TALFA"]["acknowledged"]["text"] == "6 min 40 s"
    assert regions["TALFA"]["rule_met"]["text"] == "10 min 12 s"
    assert regions["TBETA"]["alarm_reached"]["text"] == "1 h 2 min 5 s"
    assert regions["TBETA"]["rule_met"] == {"at": at(1000).isoformat(), "seconds": 1000,
                                            "text": "16 min 40 s"}
    assert [(s["kind"], s["after"]["text"]) for s in body["steps"]] == [
        ("raised", "1 min 0 s"), ("confirmed", "4 min 12 s")]


def test_without_a_case_the_timeline_counts_from_the_raise(demo, api):
    incident = incident_make(demo, at=T0)
    body = api(demo.anna).get(f"/api/incidents/{incident.pk}/timeline/").json()
    assert body["start"]["kind"] == "raised" and body["raised"]["text"] == "0 s"


def test_the_timeline_as_csv_and_xlsx(demo, api, timed):
    greta = demo.greta
    answer = api(greta).get(f"/api/incidents/{timed.pk}/timeline/", {"format": "csv"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Part", "Time", "Step"]
    assert ["Time to", at(252).isoformat(), "Confirmed by TiB", "", "", "252",
            "4 min 12 s"] in rows
    reached = [r for r in rows if r[2] == "Alarm reached the region"]
    assert [(r[4], r[6]) for r in reached] == [("Region Alfa", "4 min 20 s"),
                                               ("Region Beta", "1 h 2 min 5 s")]
    answer = api(greta).get(f"/api/incidents/{timed.pk}/timeline/", {"format": "xlsx"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Part"
    assert any(r[2] == "The pledges met the rule (5 secondary transports)"
               and r[4] == "Region Alfa" and r[5] == 612 for r in values)
    bad = api(greta).get(f"/api/incidents/{timed.pk}/timeline/", {"format": "pdf"})
    assert bad.status_code == 400


def test_who_reads_the_timeline(demo, api, timed):
    p = people(demo)
    for user in (p.anna, p.tove, p.greta):
        assert api(user).get(f"/api/incidents/{timed.pk}/timeline/").status_code == 200
    for user in (p.sara, p.lars, p.ulla):
        assert api(user).get(f"/api/incidents/{timed.pk}/timeline/").status_code == 403


def test_the_printable_report(demo, client, timed):
    tove = demo.users["tove"]
    SituationReport.objects.create(incident=timed, version=1, written_by=demo.anna,
                                   written_at=at(70), exact_location="E18 km 112",
                                   casualties_total=12)
    SituationReport.objects.create(incident=timed, version=2, written_by=tove,
                                   written_at=at(300), exact_location="E18 km 112, Köping",
                                   hazards="Läckande diesel", casualties_total=14,
                                   casualties_red=3, major_incident_declared=True)
    triage_decide(incident=timed, by=tove, active=True, indicators=["several_severely_injured"])
    client.force_login(tove)
    page = client.get(f"/incidents/{timed.pk}/report/")
    assert page.status_code == 200
    text = page.content.decode()
    for words in ("METHANE", "Version 2, written by Tove Tjänsteman", "E18 km 112, Köping",
                  "Läckande diesel", "Several severely injured", "Region Alfa", "5 / 5",
                  "Region Beta", "10 min 12 s", "Earlier versions"):
        assert words in text, words
    assert "<script" not in text
    # No case is shown: the page holds no patient data.
    assert "Stora torget" not in text and "Tolvan" not in text
    for user in (demo.anna, demo.greta):
        client.force_login(user)
        assert client.get(f"/incidents/{timed.pk}/report/").status_code == 200
    client.force_login(demo.sara)
    assert client.get(f"/incidents/{timed.pk}/report/").status_code == 403
    client.logout()
    assert client.get(f"/incidents/{timed.pk}/report/").status_code == 302
