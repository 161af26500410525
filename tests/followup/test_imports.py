"""The call log's and the hospital visits' CSV imports (followup/imports): every bad line listed
by number with words, the good lines imported, a re-import changing nothing; the commands and
the API (followup/views/imports.py)."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from dispatch.models import Call, CallSource
from dispatch.services.calls import call_record
from followup.imports import ImportRefused, calls_import, hospital_visits_import
from followup.models import HospitalVisit, ImportKind, ImportRun

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CALLS_HEADER = "call_id,line,prioritised,region,queued_at,answered_at,operator\n"
VISITS_HEADER = "personal_identity_number,arrived_at,admitted,hospital\n"


def run_calls(text: str, *, bom=False, by=None, name="calls.csv"):
    data = ("\ufeff" if bom else "") + text
    return calls_import(file=io.BytesIO(data.encode()), file_name=name, by=by)


def run_visits(text: str, *, by=None):
    return hospital_visits_import(file=io.BytesIO(text.encode()), file_name="visits.csv", by=by)


def errors_of(run) -> dict[int, str]:
    return {e["line"]: e["message"] for e in run.errors}


GOOD_CALLS = CALLS_HEADER + (
    "A-1,112,yes,VML,2026-11-05 14:03:12,2026-11-05 14:03:19,anna\n"
    "A-2,1177,no,upp,2026-11-05T14:05:40+01:00,2026-11-05T14:06:02+01:00,erik\n"
    "A-3,112,ja,SRM,2026-11-05T13:07:01Z,,\n"
)


# -- calls -----------------------------------------------------------------------------------

def test_a_call_log_is_imported_with_its_times_regions_and_operators(demo):
    run = run_calls(GOOD_CALLS, by=demo.greta)
    assert (run.kind, run.rows, run.created, run.updated, run.unchanged) == (
        ImportKind.CALLS, 3, 3, 0, 0)
    assert run.errors == [] and run.by == demo.greta and len(run.sha256) == 64
    a1 = Call.objects.get(call_id="A-1")
    assert a1.queued_at == datetime(2026, 11, 5, 14, 3, 12, tzinfo=STOCKHOLM)
    assert a1.answered_at - a1.queued_at == timedelta(seconds=7)
    assert (a1.prioritised, a1.region, a1.operator, a1.source) == (
        True, demo.vml, demo.anna, CallSource.IMPORT)
    a2 = Call.objects.get(call_id="A-2")
    assert (a2.prioritised, a2.region, a2.operator.username) == (False, demo.upp, "erik")
    a3 = Call.objects.get(call_id="A-3")
    assert a3.answered_at is None and a3.operator is None
    assert a3.queued_at == datetime(2026, 11, 5, 13, 7, 1, tzinfo=ZoneInfo("UTC"))


def test_a_reimport_of_the_same_file_changes_nothing(demo):
    run_calls(GOOD_CALLS)
    again = run_calls(GOOD_CALLS)
    assert (again.rows, again.created, again.updated, again.unchanged) == (3, 0, 0, 3)
    assert Call.objects.count() == 3
    assert ImportRun.objects.count() == 2


def test_local_times_in_the_hours_the_clocks_change_reimport_unchanged(demo):
    text = CALLS_HEADER + (
        "D-1,112,yes,VML,2026-03-29 02:30:00,2026-03-29 02:30:09,anna\n"  # no such hour
        "D-2,112,yes,VML,2026-10-25 02:30:00,2026-10-25 02:30:09,anna\n"  # the hour twice
    )
    assert run_calls(text).created == 2
    again = run_calls(text)
    assert (again.unchanged, again.errors) == (2, [])
    visits = VISITS_HEADER + "19121212-1212,2026-10-25 02:30:00,1,X\n"
    run_visits(visits)
    assert (run_visits(visits).unchanged, HospitalVisit.objects.count()) == (1, 1)


def test_a_later_file_adds_the_answer(demo):
    run_calls(GOOD_CALLS)
    run = run_calls(CALLS_HEADER + "A-3,,,,,2026-11-05 14:07:30,anna\n")
    assert (run.created, run.updated, run.errors) == (0, 1, [])
    assert Call.objects.get(call_id="A-3").operator == demo.anna


def test_a_semicolon_file_with_a_byte_order_mark_is_read(demo):
    text = GOOD_CALLS.replace(",", ";")
    run = run_calls(text, bom=True)
    assert (run.created, run.errors) == (3, [])


def test_every_bad_line_is_listed_with_its_number_and_the_good_ones_imported(demo):
    call_record(call_id="KNOWN", queued_at=datetime(2026, 11, 5, 9, tzinfo=STOCKHOLM))
    text = CALLS_HEADER + (
        "B-1,112,yes,VML,2026-11-05 14:03:12,2026-11-05 14:03:19,anna\n"   # 2 good
        "B-2,112,yes,VML,5 nov 14:03,,anna\n"                               # 3 bad date
        "B-3,112,yes,XYZ,2026-11-05 14:03:12,,anna\n"                       # 4 unknown region
        "B-4,112,yes,VML,2026-11-05 14:03:12,2026-11-05 14:03:20,nobody\n"  # 5 unknown operator
        "B-1,112,yes,VML,2026-11-05 14:03:12,2026-11-05 14:03:19,anna\n"   # 6 duplicate
        "B-9,,,,,2026-11-05 14:03:19,anna\n"                                # 7 answer, unknown
        "B-5,112,perhaps,VML,2026-11-05 14:03:12,,anna\n"                   # 8 not yes/no
        "B-6,112,yes,VML\n"                                                 # 9 too few values
        "KNOWN,112,no,VML,2026-11-05 10:00:00,,\n"                          # 10 queued differs
        "B-7,112,no,VML,2026-11-05 14:03:12,2026-11-05 14:03:00,anna\n"    # 11 answer < queue
        ",112,no,VML,2026-11-05 14:03:12,,\n"                               # 12 no call id
        "KNOWN,,,,,2026-11-05 09:00:05,erik\n"                              # 13 duplicate
    )
    run = run_calls(text)
    errors = errors_of(run)
    assert sorted(errors) == [3, 4, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "queued_at is not a time: write it as 2026-11-05 14:03:12" in errors[3]
    assert "region is not the code of a region of the centre" in errors[4]
    assert "already on line 2" in errors[6]
    assert "No call with the id B-9 is known" in errors[7]
    assert "prioritised is not yes or no" in errors[8]
    assert "4 values; the header has 7 columns" in errors[9]
    assert "queued time does not change" in errors[10]
    assert "answered before it was queued" in errors[11]
    assert "call_id is empty" in errors[12]
    assert "already on line 10" in errors[13]
    assert (run.rows, run.created, run.updated, run.unchanged) == (12, 2, 0, 0)
    b4 = Call.objects.get(call_id="B-4")
    assert b4.operator is None and b4.operator_name == "nobody"


@pytest.mark.parametrize("header", [
    "call_id,line,prioritised,region,queued_at,answered_at\n",
    "call,line,prioritised,region,queued_at,answered_at,operator\n",
    "call_id,line,prioritised,region,queued_at,answered_at,operator,extra\n",
    "",
])
def test_a_file_without_the_header_is_refused_whole_naming_the_header(demo, header):
    text = header + "A-1,112,yes,VML,2026-11-05 14:03:12,2026-11-05 14:03:19,anna\n"
    with pytest.raises(ImportRefused, match="call_id,line,prioritised,region,queued_at,"
                                            "answered_at,operator"):
        run_calls(text)
    assert not Call.objects.exists()
    run = ImportRun.objects.get()
    assert run.created == 0 and run.errors[0]["line"] == 1


def test_a_file_that_is_not_utf8_text_is_refused(demo):
    with pytest.raises(ImportRefused, match="UTF-8"):
        calls_import(file=io.BytesIO(CALLS_HEADER.encode() + "Å-1".encode("latin-1")),
                     file_name="x.csv", by=None)


def test_a_late_call_in_an_import_links_its_case(demo, new_case):
    case = new_case()
    answered = timezone.localtime(case.registered_at - timedelta(seconds=50))
    queued = answered - timedelta(seconds=9)
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    run = run_calls(CALLS_HEADER + f"L-1,112,yes,VML,{queued:{fmt}},{answered:{fmt}},anna\n")
    assert run.created == 1, run.errors
    case.refresh_from_db()
    assert case.call.call_id == "L-1" and case.call_answered_at == answered


# -- hospital visits -------------------------------------------------------------------------

GOOD_VISITS = VISITS_HEADER + (
    "19121212-1212,2026-11-05 15:20:00,yes,Västmanlands sjukhus Västerås\n"
    "811228-9874,2026-11-05T16:02:00+01:00,nej,Akademiska sjukhuset\n"
)


def test_hospital_visits_are_kept_by_the_persons_key(demo):
    run = run_visits(GOOD_VISITS)
    assert (run.kind, run.created, run.errors) == (ImportKind.HOSPITAL_VISITS, 2, [])
    visit = HospitalVisit.objects.get(person_key="1212121212")
    assert visit.admitted is True and visit.import_run == run
    assert visit.arrived_at == datetime(2026, 11, 5, 15, 20, tzinfo=STOCKHOLM)
    assert HospitalVisit.objects.get(person_key="8112289874").admitted is False


def test_a_reimport_of_visits_changes_nothing_and_a_correction_updates(demo):
    run_visits(GOOD_VISITS)
    again = run_visits(GOOD_VISITS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    corrected = run_visits(GOOD_VISITS.replace(",nej,", ",ja,"))
    assert (corrected.created, corrected.updated, corrected.unchanged) == (0, 1, 1)
    assert HospitalVisit.objects.get(person_key="8112289874").admitted is True


def test_bad_visit_lines_are_listed_without_the_number_itself(demo):
    text = VISITS_HEADER + (
        "19121212-1212,2026-11-05 15:20:00,1,Västerås\n"       # 2 good
        "19121212-1213,2026-11-05 15:20:00,1,Västerås\n"       # 3 check digit
        "1212121212,2026-11-06 08:00:00,1,Västerås\n"          # 4 good: another arrival
        "12-34,2026-11-05 15:20:00,1,Västerås\n"               # 5 not a number
        "811228-9874,yesterday,1,Västerås\n"                   # 6 bad date
        "811228-9874,2026-11-05 16:00:00,maybe,Västerås\n"     # 7 admitted
        "121212-1212,2026-11-05T14:20:00Z,0,Västerås\n"        # 8 duplicate of line 2
    )
    run = run_visits(text)
    errors = errors_of(run)
    assert sorted(errors) == [3, 5, 6, 7, 8]
    assert "fails its check digit" in errors[3]
    assert "not written as YYYYMMDD-NNNN" in errors[5]
    assert "arrived_at is not a time" in errors[6]
    assert "admitted is not yes or no" in errors[7]
    assert "already on line 2" in errors[8]
    assert all("1212" not in m and "9874" not in m for m in errors.values())
    assert run.created == 2  # lines 2 and 4 (the same person, another arrival)


def test_a_visits_file_with_a_wrong_header_is_refused_whole(demo):
    with pytest.raises(ImportRefused, match="personal_identity_number,arrived_at,admitted,"
                                            "hospital"):
        run_visits("pnr,arrived_at,admitted,hospital\n19121212-1212,2026-11-05 15:20,1,X\n")
    assert not HospitalVisit.objects.exists()


# -- commands --------------------------------------------------------------------------------

def test_the_command_lists_refused_lines_and_ends_with_one_line_of_figures(demo, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(GOOD_CALLS + "B-2,112,yes,VML,5 nov,,anna\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_calls", str(path), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("line 5: queued_at")
    assert lines[-1].startswith("calls.csv: 4 rows, 3 created, 0 updated, 0 unchanged, "
                                "1 refused")


def test_the_command_fails_on_a_wrong_header(demo, tmp_path):
    path = tmp_path / "visits.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="personal_identity_number"):
        call_command("import_hospital_visits", str(path), stdout=io.StringIO())


def test_the_command_shows_progress_every_ten_thousand_rows(demo, tmp_path):
    path = tmp_path / "visits.csv"
    start = datetime(2026, 1, 1, tzinfo=STOCKHOLM)
    with path.open("w", encoding="utf-8") as f:
        f.write(VISITS_HEADER)
        for i in range(10_001):
            f.write(f"19121212-1212,{(start + timedelta(minutes=i)).isoformat()},0,X\n")
    out = io.StringIO()
    call_command("import_hospital_visits", str(path), stdout=out)
    assert "10,000 rows read" in out.getvalue()
    assert HospitalVisit.objects.count() == 10_001


def test_the_sample_files_import_cleanly(demo):
    from pathlib import Path

    samples = Path(__file__).resolve().parents[2] / "followup" / "samples"
    with (samples / "calls.csv").open("rb") as f:
        assert calls_import(file=f, file_name="calls.csv", by=None).errors == []
    with (samples / "hospital_visits.csv").open("rb") as f:
        assert hospital_visits_import(file=f, file_name="v.csv", by=None).errors == []


# -- the API ---------------------------------------------------------------------------------

def upload(text: str, name="calls.csv"):
    return {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")}


def test_the_manager_imports_through_the_api_and_lists_the_runs(demo, api):
    client = api(demo.greta)
    response = client.post("/api/followup/imports/calls/", upload(GOOD_CALLS),
                           format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["rows"], body["created"], body["errors"]) == ("calls", 3, 3, [])
    response = client.post("/api/followup/imports/hospital-visits/",
                           upload(GOOD_VISITS, "v.csv"), format="multipart")
    assert response.status_code == 201 and response.json()["created"] == 2
    runs = client.get("/api/followup/imports/").json()
    assert [r["kind"] for r in runs] == ["hospital_visits", "calls"]
    assert runs[1]["error_count"] == 0 and runs[1]["by_name"]


def test_a_wrong_header_through_the_api_is_a_400_naming_the_header(demo, api):
    response = api(demo.greta).post("/api/followup/imports/calls/", upload("a,b\n1,2\n"),
                                    format="multipart")
    assert response.status_code == 400
    assert "call_id,line,prioritised" in response.json()["detail"]


def test_a_file_over_the_limit_is_a_413_in_words(demo, api, settings):
    settings.FOLLOWUP_IMPORT_MAX_BYTES = 100
    response = api(demo.greta).post("/api/followup/imports/calls/", upload(GOOD_CALLS * 3),
                                    format="multipart")
    assert response.status_code == 413
    assert "largest taken here" in response.json()["detail"]


def test_a_dispatcher_may_not_import(demo, api):
    response = api(demo.anna).post("/api/followup/imports/calls/", upload(GOOD_CALLS),
                                   format="multipart")
    assert response.status_code == 403


# -- out-of-range times and privacy (the review of issue 15) ---------------------------------

def test_a_time_near_year_1_or_an_implausible_year_is_a_refused_line(demo):
    text = VISITS_HEADER + (
        "811228-9874,0001-01-01 00:00:00,1,Västerås\n"          # 2 overflows in UTC
        "811228-9874,19121212-1212,1,Västerås\n"                # 3 reads as 1912
        "811228-9874,1999-12-31 23:00:00,1,Västerås\n"          # 4 before 2000
        f"811228-9874,{timezone.now().year + 2}-01-01 00:00:00,1,Västerås\n"  # 5 too late
        "811228-9874,9999-12-31T23:59:59-05:00,1,Västerås\n"   # 6 overflows
        "811228-9874,2026-11-05 15:20:00,1,Västerås\n"          # 7 good
    )
    run = run_visits(text)
    errors = errors_of(run)
    assert sorted(errors) == [2, 3, 4, 5, 6] and run.created == 1
    assert "arrived_at is not a time" in errors[2]
    assert "arrived_at is not a time between the years 2000 and" in errors[3]
    assert "between the years" in errors[4] and "between the years" in errors[5]


def test_an_identity_number_in_a_wrong_column_never_reaches_the_errors(demo, api):
    text = VISITS_HEADER + (
        "811228-9874,19121212-1212,1,Västerås\n"        # number in arrived_at
        "811228-9874,2026-11-05 15:20:00,191212121212,X\n"  # number in admitted
        "811228-9874,2026-11-05 15:20:00,1,X,121212-1212\n"  # an extra column
    )
    run = run_visits(text)
    assert sorted(errors_of(run)) == [2, 3, 4]
    listed = api(demo.greta).get("/api/followup/imports/").json()
    shown = str(run.errors) + str(listed)
    assert "1212" not in shown and "9874" not in shown
    assert "admitted is not yes or no" in errors_of(run)[3]


def test_the_errors_mask_anything_like_an_identity_number():
    from followup.imports.reading import Errors

    errors = Errors()
    errors.add(2, "hospital 19121212-1212 and 811228+9874 and 8112289874")
    assert errors.kept()[0]["message"].count("[identity number]") == 3


def test_more_than_ten_thousand_refused_lines_are_all_counted(demo, api, tmp_path):
    path = tmp_path / "visits.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write(VISITS_HEADER)
        for _i in range(10_003):
            f.write("811228-9874,yesterday,1,X\n")
    out = io.StringIO()
    call_command("import_hospital_visits", str(path), stdout=out)
    run = ImportRun.objects.get()
    assert run.refused == 10_003 and len(run.errors) == 10_001
    assert out.getvalue().strip().splitlines()[-1].endswith(
        f"0 unchanged, 10,003 refused (import run {run.pk}).")
    listed = api(demo.greta).get("/api/followup/imports/").json()
    assert listed[0]["error_count"] == 10_003


def test_hospital_visits_may_name_the_reporting_hospitals_region(demo):
    run = run_visits("personal_identity_number,arrived_at,admitted,hospital,region\n"
                     "19121212-1212,2026-11-05 15:20:00,yes,Akademiska sjukhuset,upp\n"
                     "811228-9874,2026-11-05 16:02:00,no,Mälarsjukhuset,\n"
                     "19121212-1212,2026-11-06 17:00:00,no,Okänt,XYZ\n")
    assert (run.created, run.refused) == (2, 1)
    assert HospitalVisit.objects.get(person_key="1212121212").region == demo.upp
    assert HospitalVisit.objects.get(person_key="8112289874").region is None  # every region
    assert run.errors[0]["line"] == 4
    assert "XYZ is not a region code" in run.errors[0]["message"]
    assert "VML" in run.errors[0]["message"]
    # A correction of the region updates the visit; the same file again changes nothing.
    moved = run_visits("personal_identity_number,arrived_at,admitted,hospital,region\n"
                       "19121212-1212,2026-11-05 15:20:00,yes,Akademiska sjukhuset,SRM\n")
    assert (moved.updated, HospitalVisit.objects.get(person_key="1212121212").region) == (
        1, demo.srm)
