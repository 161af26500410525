"""Who sees a care plan: dispatchers and administrators the whole plan and the person's
history; the crew assigned to the patient only the crew part (while the assignment runs);
never a volunteer, a mobile care unit, a coordinator or another unit's crew. The Django admin
writes plans through the services and logs every read and write."""

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from careplans import services
from careplans.models import CarePlan
from dispatch.models import AssignmentStatus
from dispatch.services import assignment_dispatch, assignment_status_change
from tests.audit.patient_data import log_mark
from tests.careplans.conftest import PIN, plan_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo, new_case, new_plan):
    plan = new_plan()
    case = new_case()
    [assignment] = assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    return plan, case, assignment


def test_the_assigned_crew_sees_only_the_crew_part(demo, api, world):
    plan, _case, assignment = world
    mark = log_mark()
    response = api(demo.sara).get(f"/api/assignments/{assignment.pk}/care-plan/")
    assert response.status_code == 200
    part = response.json()["care_plan"]
    assert set(part) == {"id", "care_unit", "valid_from", "valid_to", "crew_instructions",
                         "updated_at"}
    assert part["crew_instructions"] == plan.crew_instructions
    text = response.content.decode()
    for secret in (plan.dispatcher_instructions, plan.contact, PIN, "Tolvan", "+4670123"):
        assert secret not in text
    [entry] = AccessLogEntry.objects.filter(id__gt=mark)
    assert (entry.username, entry.patient, entry.object_type) == ("sara", PIN, "care_plan")


def test_another_units_crew_and_an_ended_assignment_get_nothing(demo, api, world):
    _plan, _case, assignment = world
    assert api(demo.johan).get(f"/api/assignments/{assignment.pk}/care-plan/"
                               ).status_code == 404
    assert api(demo.maria).get(f"/api/assignments/{assignment.pk}/care-plan/"
                               ).status_code == 404
    assignment_status_change(assignment=assignment, status=AssignmentStatus.CANCELLED,
                             by=demo.anna)
    mark = log_mark()
    assert api(demo.sara).get(f"/api/assignments/{assignment.pk}/care-plan/"
                              ).status_code == 404
    assert not AccessLogEntry.objects.filter(id__gt=mark).exists()


def test_a_crew_without_a_plan_for_its_patient_gets_none(demo, api, new_case):
    [assignment] = assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)
    response = api(demo.sara).get(f"/api/assignments/{assignment.pk}/care-plan/")
    assert response.json() == {"assignment": assignment.pk, "care_plan": None}


@pytest.mark.parametrize("who", ["sara", "johan", "lars", "karin", "ulla", None])
def test_no_one_outside_the_centre_reads_plans_or_a_persons_history(demo, api, world, who):
    plan, case, _assignment = world
    client = api(getattr(demo, who) if who else None)
    mark = log_mark()
    for path, query in (("/api/care-plans/", {"personal_identity_number": PIN}),
                        (f"/api/care-plans/{plan.pk}/", {}),
                        (f"/api/cases/{case.pk}/person/", {})):
        assert client.get(path, query).status_code == 403, path
    assert client.post("/api/care-plans/", plan_payload(), format="json").status_code == 403
    assert client.patch(f"/api/care-plans/{plan.pk}/", {"contact": "x"},
                        format="json").status_code == 403
    assert not AccessLogEntry.objects.filter(id__gt=mark).exists()


@pytest.mark.parametrize("who", ["lars", "karin", "ulla"])
def test_volunteers_mobile_care_and_coordinators_get_no_crew_part(demo, api, world, who):
    _plan, _case, assignment = world
    assert api(getattr(demo, who)).get(
        f"/api/assignments/{assignment.pk}/care-plan/").status_code == 403


def test_the_admin_writes_a_plan_through_the_services_and_logs_it(demo, client):
    client.force_login(demo.admin)
    data = plan_payload(phones="070-123 45 67, 021-10 20 30")
    mark = log_mark()
    response = client.post(reverse("admin:careplans_careplan_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan = CarePlan.objects.get()
    assert (plan.author, plan.phone_list(), plan.pin_key) == (
        demo.admin, ["+46701234567", "+4621102030"], "1212121212")
    assert AccessLogEntry.objects.filter(id__gt=mark, action="create",
                                         object_id=str(plan.pk)).count() == 1
    # A refusal is shown on the form with what was typed, nothing stored.
    bad = client.post(reverse("admin:careplans_careplan_change", args=[plan.pk]),
                      {**data, "valid_to": "2020-01-01"})
    assert bad.status_code == 200
    assert "valid_to" in str(bad.context["adminform"].form.errors)
    plan.refresh_from_db()
    assert plan.version == 1
    assert client.post(reverse("admin:careplans_careplan_delete", args=[plan.pk]),
                       {"post": "yes"}).status_code == 403
    assert CarePlan.objects.filter(pk=plan.pk).exists()


def test_the_admin_refuses_a_save_made_on_an_older_version_on_the_form(demo, client,
                                                                       new_plan):
    plan = new_plan()
    client.force_login(demo.admin)
    url = reverse("admin:careplans_careplan_change", args=[plan.pk])
    opened = client.get(url)
    assert opened.context["adminform"].form["seen_version"].value() == 1
    # Another administrator saves the plan while this one types.
    services.care_plan_update(plan=plan, by=demo.admin, contact="Ring 070-111 11 11")
    typed = plan_payload(phones="070-123 45 67", contact="Mitt nya telefonnummer")
    stale = client.post(url, {**typed, "seen_version": "1"})
    assert stale.status_code == 200
    assert "Someone else changed this care plan" in str(
        stale.context["adminform"].form.non_field_errors())
    assert 'value="Mitt nya telefonnummer"' in stale.content.decode()  # what was typed stays
    plan.refresh_from_db()
    assert (plan.version, plan.contact) == (2, "Ring 070-111 11 11")
    fresh = client.post(url, {**typed, "seen_version": "2"})
    assert fresh.status_code == 302, fresh.context["adminform"].form.errors
    plan.refresh_from_db()
    assert (plan.version, plan.contact) == (3, "Mitt nya telefonnummer")


def test_a_plan_saved_by_someone_else_after_the_form_was_checked_is_shown_on_the_form(
        demo, client, monkeypatch):
    """The service refuses the save (another plan for the person won in between): no 500, the
    form is checked again and shows why, with what was typed; only the winner is stored."""
    client.force_login(demo.admin)
    create = services.care_plan_create

    def another_wins_first(**kwargs):
        if not CarePlan.objects.exists():
            create(**{**kwargs, "care_unit": "Köpings hemsjukvård"})
        return create(**kwargs)

    monkeypatch.setattr(services, "care_plan_create", another_wins_first)
    response = client.post(reverse("admin:careplans_careplan_add"),
                           plan_payload(phones="070-123 45 67"))
    assert response.status_code == 200
    assert "already has a care plan" in str(response.context["adminform"].form.errors)
    assert 'value="Västerås mobila team"' in response.content.decode()
    # (The winner here was written in the refused save's own transaction, so it went too.)
    assert not CarePlan.objects.filter(care_unit="Västerås mobila team").exists()


def test_the_admin_lists_the_plans_due_for_review_and_logs_each_row(demo, client, new_plan):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    due = new_plan(review_date=str(today + timedelta(days=10)))
    new_plan(personal_identity_number="19400101-0001", phones=[],
             review_date=str(today + timedelta(days=60)))
    client.force_login(demo.admin)
    mark = log_mark()
    response = client.get(reverse("admin:careplans_careplan_changelist"), {"review": "due"})
    assert [p.pk for p in response.context["cl"].result_list] == [due.pk]
    assert [(e.object_id, e.reason) for e in AccessLogEntry.objects.filter(id__gt=mark)] == [
        (str(due.pk), "listed in the admin")]


def test_a_dispatcher_cannot_use_the_admin(demo, client):
    client.force_login(demo.anna)
    response = client.get(reverse("admin:careplans_careplan_changelist"))
    assert response.status_code == 302  # to the admin's sign-in
