"""The person behind a case: their earlier cases of the last 12 months (by identity number,
else by the caller's number), each with how it ended, and the care plan in force; every case
and plan shown is in the access log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry
from dispatch.models import AssignmentStatus, Case
from dispatch.services import (
    assignment_acknowledge,
    assignment_dispatch,
    assignment_status_change,
    case_close,
)
from tests.audit.patient_data import log_mark
from tests.careplans.conftest import PIN

pytestmark = pytest.mark.django_db


def registered_days_ago(case: Case, days: int) -> Case:
    Case.objects.filter(pk=case.pk).update(
        registered_at=timezone.now() - timedelta(days=days))
    case.refresh_from_db()
    return case


def run_to(case, unit, demo, *statuses):
    [assignment] = assignment_dispatch(case=case, units=[unit], by=demo.anna)
    assignment_acknowledge(assignment=assignment, by=demo.anna)
    for status in statuses:
        assignment_status_change(assignment=assignment, status=status, by=demo.anna)
    case_close(case=case, by=demo.anna)
    return case


def test_earlier_cases_by_identity_number_with_their_outcomes(demo, api, new_case):
    transported = run_to(new_case(personal_identity_number="121212-1212",
                                  case_type="breathing_difficulty", priority="2A",
                                  priority_change_reason="Stabil"), demo.amb1010, demo,
                         AssignmentStatus.EN_ROUTE, AssignmentStatus.ON_SCENE,
                         AssignmentStatus.TRANSPORTING, AssignmentStatus.AT_HOSPITAL,
                         AssignmentStatus.AVAILABLE)
    left_home = run_to(new_case(personal_identity_number="191212121212"), demo.amb1020, demo,
                       AssignmentStatus.EN_ROUTE, AssignmentStatus.ON_SCENE,
                       AssignmentStatus.AVAILABLE)
    cancelled = run_to(new_case(), demo.amb1010, demo, AssignmentStatus.CANCELLED)
    referred = new_case(priority="referral", mbs_priority="referral")
    case_close(case=referred, by=demo.anna)
    registered_days_ago(transported, 300)
    too_old = registered_days_ago(new_case(), 400)
    someone_else = new_case(personal_identity_number="19400101-0001")
    now = new_case(caller_number="0709999999")
    mark = log_mark()
    body = api(demo.anna).get(f"/api/cases/{now.pk}/person/").json()
    assert body["matched_by"] == "personal_identity_number"
    rows = {r["id"]: r for r in body["earlier_cases"]}
    assert list(rows) == [referred.pk, cancelled.pk, left_home.pk, transported.pk]  # newest first
    assert {r["id"]: r["outcome"] for r in rows.values()} == {
        transported.pk: "transported", left_home.pk: "not_transported",
        cancelled.pk: "cancelled", referred.pk: "referred"}
    first = rows[transported.pk]
    assert (first["priority"], first["case_type"], first["case_type_label"],
            first["outcome_label"]) == ("2A", "breathing_difficulty", "Breathing difficulty",
                                        "Transported")
    assert too_old.pk not in rows and someone_else.pk not in rows and now.pk not in rows
    assert body["care_plan"] is None
    logged = AccessLogEntry.objects.filter(id__gt=mark)
    assert sorted(int(e.object_id) for e in logged) == sorted([now.pk, *rows])
    assert {(e.username, e.patient, e.object_type) for e in logged} == {
        ("anna", PIN, "case"), ("anna", "121212-1212", "case"),
        ("anna", "191212121212", "case")}


def test_without_an_identity_number_the_callers_number_finds_the_earlier_cases(
        demo, api, new_case):
    typed_so = new_case(personal_identity_number="", caller_number="070-123 45 67")
    with_pin = new_case(caller_number="0046701234567")
    other_number = new_case(personal_identity_number="", caller_number="070-123 45 68")
    now = new_case(personal_identity_number="", caller_number="+46 70 123 45 67")
    body = api(demo.anna).get(f"/api/cases/{now.pk}/person/").json()
    assert body["matched_by"] == "phone"
    assert [r["id"] for r in body["earlier_cases"]] == [with_pin.pk, typed_so.pk]
    assert other_number.pk not in [r["id"] for r in body["earlier_cases"]]
    assert body["earlier_cases"][0]["outcome"] == "ongoing"


def test_the_care_plan_in_force_comes_with_the_person_and_its_read_is_logged(
        demo, api, new_case, new_plan):
    plan = new_plan()
    now = new_case()
    mark = log_mark()
    body = api(demo.admin).get(f"/api/cases/{now.pk}/person/").json()
    assert body["care_plan"]["id"] == plan.pk
    assert body["care_plan"]["dispatcher_instructions"].startswith("Ring mobila teamet")
    assert AccessLogEntry.objects.filter(id__gt=mark, object_type="care_plan",
                                         object_id=str(plan.pk), username="admin").exists()


def test_a_plan_for_another_identity_number_is_not_matched_by_a_shared_phone(
        demo, api, new_case, new_plan):
    new_plan(personal_identity_number="19400101-0001", phones=["070-123 45 67"])
    assert api(demo.anna).get(f"/api/cases/{new_case().pk}/person/").json()[
        "care_plan"] is None
    # Without an identity number on the case, the number the person calls from finds it.
    unknown = new_case(personal_identity_number="")
    assert api(demo.anna).get(f"/api/cases/{unknown.pk}/person/").json()[
        "care_plan"]["personal_identity_number"] == "19400101-0001"


def test_an_expired_plan_is_not_shown_with_the_person(demo, api, new_case, new_plan):
    today = timezone.localdate()
    new_plan(valid_from=str(today - timedelta(days=100)),
             review_date=str(today - timedelta(days=50)),
             valid_to=str(today - timedelta(days=1)),
             consent_recorded_at=str(today - timedelta(days=101)))
    assert api(demo.anna).get(f"/api/cases/{new_case().pk}/person/").json()[
        "care_plan"] is None


def test_an_unknown_case_is_a_404(demo, api):
    response = api(demo.anna).get("/api/cases/999999/person/")
    assert response.status_code == 404 and response.json()["detail"]


def test_a_callers_number_changed_on_the_case_is_found_by_the_new_number(demo, api, new_case):
    earlier = new_case(personal_identity_number="", caller_number="070-111 22 33")
    response = api(demo.anna).patch(f"/api/cases/{earlier.pk}/", {
        "caller_number": "070-123 45 67"}, format="json")
    assert response.status_code == 200, response.json()
    now = new_case(personal_identity_number="")
    assert [r["id"] for r in api(demo.anna).get(f"/api/cases/{now.pk}/person/").json()[
        "earlier_cases"]] == [earlier.pk]


def test_the_migration_indexes_the_callers_of_the_cases_already_there(demo, new_case):
    import importlib

    from django.apps import apps

    from careplans.models import CaseCaller

    typed = new_case(caller_number="070-123 45 67")
    odd = new_case(caller_number="112")
    CaseCaller.objects.all().delete()
    migration = importlib.import_module("careplans.migrations.0002_case_caller")
    migration.index_the_callers(apps, None)
    assert list(CaseCaller.objects.values_list("case_id", "number")) == [
        (typed.pk, "+46701234567")]
    assert not CaseCaller.objects.filter(case=odd).exists()
