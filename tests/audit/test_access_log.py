"""The patient-data access log: who read which patient's record, and that it cannot change."""

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AccessLogEntry, AppendOnlyError
from audit.services import PatientRef, access_log_write
from dispatch.services import assignment_dispatch
from tests.conftest import case_payload

PIN = "19121212-1212"


def entries(**filters):
    return list(AccessLogEntry.objects.filter(**filters).order_by("id"))


def the_entry(**filters) -> AccessLogEntry:
    found = entries(**filters)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def assignment(demo, new_case):
    [made] = assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)
    return made


# --- what is logged ------------------------------------------------------------------------


def test_opening_a_case_logs_who_read_which_patients_record(demo, api, new_case):
    case = new_case()
    assert api(demo.anna).get(f"/api/cases/{case.pk}/").status_code == 200
    entry = the_entry()
    assert entry.user == demo.anna
    assert (entry.username, entry.role) == ("anna", "dispatcher")
    assert entry.patient == PIN
    assert entry.case_ref == case.reference
    assert entry.action == "read" and entry.reason == "case opened"
    assert (entry.object_type, entry.object_id) == ("case", str(case.pk))
    assert entry.care_unit == settings.CARE_UNIT_NAME
    assert abs((timezone.now() - entry.at).total_seconds()) < 60


def test_a_case_without_identity_number_is_logged_under_its_reference(demo, api, new_case):
    case = new_case(personal_identity_number="")
    api(demo.anna).get(f"/api/cases/{case.pk}/")
    assert the_entry().patient == case.reference


def test_the_case_list_logs_one_read_per_case_shown(demo, api, new_case):
    shown = [new_case(personal_identity_number=pin)
             for pin in ("19121212-1212", "19790101-2385", "20010101-0007")]
    response = api(demo.anna).get("/api/cases/")
    assert len(response.json()) == 3
    logged = entries(reason="dispatch console list")
    assert sorted(e.patient for e in logged) == sorted(c.personal_identity_number
                                                       for c in shown)
    assert {e.username for e in logged} == {"anna"}


def test_registering_a_case_logs_the_registration(demo, api):
    response = api(demo.anna).post("/api/cases/", case_payload(demo.vml), format="json")
    entry = the_entry()
    assert (entry.patient, entry.case_ref, entry.reason) == (
        PIN, response.json()["reference"], "case registered")


def test_the_crew_reading_its_assignment_is_logged(demo, api, assignment):
    client = api(demo.sara)
    client.get("/api/assignments/")
    client.get(f"/api/assignments/{assignment.pk}/")
    logged = entries()
    assert [(e.username, e.role, e.patient, e.reason) for e in logged] == [
        ("sara", "crew", PIN, "assignment list"),
        ("sara", "crew", PIN, "assignment opened"),
    ]
    assert {e.case_ref for e in logged} == {assignment.case.reference}


@pytest.mark.parametrize(
    ("who", "call", "reason"),
    [
        ("sara", lambda c, a: c.post(f"/api/assignments/{a.pk}/acknowledge/", {},
                                     format="json"), "assignment acknowledged"),
        ("sara", lambda c, a: c.post(f"/api/assignments/{a.pk}/status/",
                                     {"status": "acknowledged"}, format="json"),
         "assignment status changed"),
        ("anna", lambda c, a: c.post(f"/api/assignments/{a.pk}/status/",
                                     {"status": "cancelled"}, format="json"),
         "assignment status changed"),
    ],
)
def test_an_answer_that_shows_the_patient_is_logged(demo, api, assignment, who, call, reason):
    response = call(api(getattr(demo, who)), assignment)
    assert response.status_code == 200
    assert response.json()["case"]["personal_identity_number"] == PIN
    entry = the_entry()
    assert (entry.username, entry.patient, entry.reason) == (who, PIN, reason)


def test_dispatch_close_and_redirect_answers_are_logged(demo, api, new_case):
    client = api(demo.anna)
    low = new_case(priority="2A", priority_change_reason="Stabil",
                   personal_identity_number="19790101-2385")
    urgent = new_case()
    [sent] = client.post(f"/api/cases/{low.pk}/dispatch/", {"units": [demo.amb1010.pk]},
                         format="json").json()
    assert the_entry(reason="units dispatched").patient == "19790101-2385"
    redirected = client.post(f"/api/assignments/{sent['id']}/redirect/", {"case": urgent.pk},
                             format="json")
    assert redirected.status_code == 201
    assert the_entry(reason="unit redirected").patient == PIN
    assert client.post(f"/api/cases/{low.pk}/close/").status_code == 200
    assert the_entry(reason="case closed").case_ref == low.reference


def test_a_refused_read_logs_nothing(demo, api, assignment):
    assert api(demo.johan).get(f"/api/assignments/{assignment.pk}/").status_code == 404
    assert api(demo.lars).get("/api/cases/").status_code == 403
    assert api().get("/api/cases/").status_code == 403
    assert entries() == []


def test_the_writer_records_anonymous_and_truncates_long_reasons(db):
    written = access_log_write(
        user=None, reason="x" * 300,
        refs=[PatientRef(patient=PIN, case_ref="VML-1", object_type="case", object_id="1")],
    )
    entry = the_entry()
    assert written == 1
    assert entry.user is None and entry.username == "anonymous"
    assert len(entry.reason) == 200


# --- append-only ---------------------------------------------------------------------------


@pytest.fixture
def logged(demo):
    access_log_write(
        user=demo.anna, reason="case opened",
        refs=[PatientRef(patient=PIN, case_ref="VML-1", object_type="case", object_id="1")],
    )
    return AccessLogEntry.objects.get()


def test_the_orm_refuses_to_change_or_delete_an_entry(logged):
    logged.reason = "nothing to see"
    with pytest.raises(AppendOnlyError):
        logged.save()
    with pytest.raises(AppendOnlyError):
        logged.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=logged.pk).update(reason="nothing to see")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AccessLogEntry.objects.bulk_update([logged], ["reason"])
    assert AccessLogEntry.objects.get().reason == "case opened"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_accesslogentry SET reason = 'nothing to see'",
        "UPDATE audit_accesslogentry SET username = 'someone' WHERE id = {pk}",
        "DELETE FROM audit_accesslogentry WHERE id = {pk}",
        "DELETE FROM audit_accesslogentry",
    ],
)
def test_the_database_refuses_raw_sql_that_changes_or_deletes(logged, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql.format(pk=logged.pk))
    stored = AccessLogEntry.objects.get()
    assert (stored.pk, stored.username, stored.reason) == (logged.pk, "anna", "case opened")


COLUMNS = "id, at, username, role, patient, case_ref, care_unit, action, object_type, " \
    "object_id, reason"
VALUES = "{pk}, '2026-01-01 00:00:00+00:00', 'someone', '', 'p', '', 'c', 'read', 'case', " \
    "'1', 'nothing to see'"


@pytest.mark.parametrize(("sql", "vendor"), [
    # SQLite resolves the conflict by deleting the old row, which fires no DELETE trigger.
    (f"INSERT OR REPLACE INTO audit_accesslogentry ({COLUMNS}) VALUES ({VALUES})", "sqlite"),
    (f"REPLACE INTO audit_accesslogentry ({COLUMNS}) VALUES ({VALUES})", "sqlite"),
    # An upsert is an UPDATE of the old row in both databases.
    (f"INSERT INTO audit_accesslogentry ({COLUMNS}) VALUES ({VALUES}) ON CONFLICT (id) "
     "DO UPDATE SET username = excluded.username, reason = excluded.reason", None),
], ids=["insert-or-replace", "replace-into", "on-conflict-do-update"])
def test_the_database_refuses_an_insert_that_rewrites_an_entry(logged, sql, vendor):
    if vendor and connection.vendor != vendor:
        pytest.skip(f"{vendor} syntax")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql.format(pk=logged.pk))
    stored = AccessLogEntry.objects.get()
    assert (stored.pk, stored.username, stored.reason) == (logged.pk, "anna", "case opened")


def test_the_database_refuses_to_empty_the_log(logged):
    # PostgreSQL has TRUNCATE (refused by a statement trigger); SQLite empties by DELETE.
    postgres = connection.vendor == "postgresql"
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                # Check the deferred foreign keys first: TRUNCATE refuses to run with
                # trigger events pending, which would hide the trigger under test.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("TRUNCATE audit_accesslogentry")
            else:
                cursor.execute("DELETE FROM audit_accesslogentry")
    assert AccessLogEntry.objects.count() == 1


def test_the_database_still_accepts_new_entries(logged):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_accesslogentry (at, username, role, patient, case_ref, care_unit,"
            " action, object_type, object_id, reason) VALUES (%s, 'x', '', 'p', '', 'c', 'read',"
            " 'case', '2', 'r')", [timezone.now()],
        )
    assert AccessLogEntry.objects.count() == 2
