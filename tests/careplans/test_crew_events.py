"""A changed care plan reaches the crews on the person's cases: `care_plan.changed` (the plan's
id only) on the unit stream of every active assignment whose case is the person's (by identity
number, or by the caller's number when the case or the plan names none), so the tablet asks for
the crew part again; never another unit's stream, nor the stream of an ended assignment."""

import pytest

from crews.streams import unit_stream
from dispatch.models import AssignmentStatus
from dispatch.services import assignment_dispatch, assignment_status_change
from realtime.models import Event
from tests.careplans.conftest import PIN

pytestmark = pytest.mark.django_db

OTHER_PIN = "19900101-0017"
OTHER_PHONE = "+46709876543"


def plan_events(unit) -> list[dict]:
    return list(Event.objects.filter(stream=unit_stream(unit.pk), type="care_plan.changed")
                .values_list("data", flat=True))


def change_plan(api, demo, plan, **fields):
    response = api(demo.anna).patch(f"/api/care-plans/{plan.pk}/", fields, format="json")
    assert response.status_code == 200, response.json()


def test_a_changed_plan_reaches_the_assigned_crew_and_not_another_unit(demo, api, new_case,
                                                                        new_plan):
    plan = new_plan()
    assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)
    someone_else = new_case(personal_identity_number=OTHER_PIN, caller_number=OTHER_PHONE,
                            patient_name="Anna Annorlunda")
    assignment_dispatch(case=someone_else, units=[demo.amb3010], by=demo.anna)

    change_plan(api, demo, plan, crew_instructions="Hemsyrgas 3 l/min.")

    assert plan_events(demo.amb1010) == [{"id": plan.pk}]
    assert plan_events(demo.amb3010) == []
    assert Event.objects.filter(stream="dispatch", type="care_plan.changed",
                                data={"id": plan.pk}).count() == 2  # written, then changed
    # The crew's tablet asks again and gets the new part.
    [assignment] = demo.amb1010.assignments.filter(status=AssignmentStatus.ALERTED)
    part = api(demo.sara).get(f"/api/assignments/{assignment.pk}/care-plan/").json()
    assert part["care_plan"]["crew_instructions"] == "Hemsyrgas 3 l/min."


def test_a_case_without_an_identity_number_is_the_persons_by_the_callers_number(
        demo, api, new_case, new_plan):
    plan = new_plan()
    assignment_dispatch(case=new_case(personal_identity_number="", patient_name=""),
                        units=[demo.amb1010], by=demo.anna)
    # Another person calling from the same number: the plan names an identity number, and
    # it is not theirs (careplans.selectors.care_plan_for_case), so their crew is not told.
    assignment_dispatch(case=new_case(personal_identity_number=OTHER_PIN),
                        units=[demo.amb1020], by=demo.anna)

    change_plan(api, demo, plan, contact="Mobila teamet 070-174 06 79")

    assert plan_events(demo.amb1010) == [{"id": plan.pk}]
    assert plan_events(demo.amb1020) == []


def test_a_plan_moved_to_another_person_tells_the_first_persons_crew_too(
        demo, api, new_case, new_plan):
    plan = new_plan(phones=[])
    assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)
    assignment_dispatch(case=new_case(personal_identity_number=OTHER_PIN,
                                      caller_number=OTHER_PHONE),
                        units=[demo.amb3010], by=demo.anna)

    change_plan(api, demo, plan, personal_identity_number=OTHER_PIN)

    # The first crew's part is gone (asked again, none); the second's is new.
    assert plan_events(demo.amb1010) == [{"id": plan.pk}]
    assert plan_events(demo.amb3010) == [{"id": plan.pk}]
    assert PIN not in str(plan_events(demo.amb1010))


def test_an_ended_assignment_is_not_told(demo, api, new_case, new_plan):
    plan = new_plan()
    [assignment] = assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)
    assignment_status_change(assignment=assignment, status=AssignmentStatus.CANCELLED,
                             by=demo.anna)

    change_plan(api, demo, plan, crew_instructions="Hemsyrgas 3 l/min.")

    assert plan_events(demo.amb1010) == []


def test_a_new_plan_reaches_the_crew_already_on_the_persons_case(demo, new_case, new_plan):
    assignment_dispatch(case=new_case(), units=[demo.amb1010], by=demo.anna)

    plan = new_plan()

    assert plan_events(demo.amb1010) == [{"id": plan.pk}]
