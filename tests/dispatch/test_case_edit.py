"""Editing a case (PATCH /api/cases/{id}/): the reason a priority change needs, one history
row per change in the same transaction, an edit made on an older version refused with the
current values, values checked, a closed case left alone, and the crews on the case told."""

import pytest
from django.utils import translation

from audit.models import AccessAction, AccessLogEntry
from core.errors import Conflict, Invalid
from dispatch import services
from dispatch.models import Case, CaseChange
from realtime.models import Event

from .helpers import assert_detail, db_state


def url(case) -> str:
    return f"/api/cases/{case.pk}/"


def history_rows(case) -> list[tuple]:
    return list(CaseChange.objects.filter(case=case).order_by("id").values_list(
        "field", "old_value", "new_value", "reason", "changed_by__username"))


def test_a_priority_change_without_a_reason_is_refused_saying_what_to_do(demo, api, new_case):
    case = new_case(priority="2A", mbs_priority="2A")
    before = db_state()
    response = api(demo.users["erik"]).patch(url(case), {"priority": "1A", "version": 1},
                                             format="json")
    assert response.status_code == 400
    assert_detail(response, "2A", "1A", "reason", "priority_change_reason")
    assert db_state() == before and not CaseChange.objects.exists()


def test_a_priority_change_names_the_priorities_in_words(demo, api, new_case):
    case = new_case(priority="2B", mbs_priority="2B")
    response = api(demo.anna).patch(url(case), {"priority": "referral", "version": 1},
                                    format="json")
    assert response.status_code == 400
    detail = assert_detail(response, "The priority changes from 2B to Referral (no ambulance)")
    assert "referral" not in detail.replace("priority_change_reason", "")
    with translation.override("sv"), pytest.raises(Invalid) as refused:
        services.case_update(case=case, by=demo.anna, priority="referral")
    assert refused.value.message.startswith(
        "Prioriteten ändras från 2B till Hänvisning (ingen ambulans): ange orsaken")


def test_a_blank_reason_is_no_reason(demo, api, new_case):
    case = new_case(priority="2A", mbs_priority="2A")
    response = api(demo.anna).patch(url(case), {"priority": "1A",
                                                "priority_change_reason": "   "}, format="json")
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).priority == "2A"


def test_a_priority_change_with_its_reason_is_stored_with_who_and_when(demo, api, new_case):
    case = new_case(priority="2A", mbs_priority="2A")
    erik = demo.users["erik"]
    response = api(erik).patch(url(case), {
        "priority": "1A", "priority_change_reason": "Medvetslös enligt ny uppringare",
        "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["priority"], body["version"]) == ("1A", 2)
    assert body["priority_change_reason"] == "Medvetslös enligt ny uppringare"
    # The priority's change carries its reason; the reason's own row keeps the one replaced.
    assert history_rows(case) == [
        ("priority", "2A", "1A", "Medvetslös enligt ny uppringare", "erik"),
        ("priority_change_reason", "", "Medvetslös enligt ny uppringare", "", "erik")]
    # The answer is a recorded change of the patient's case.
    entry = AccessLogEntry.objects.filter(username="erik").latest("id")
    assert entry.action == AccessAction.UPDATE and entry.patient == "19121212-1212"


def test_a_priority_set_back_to_the_mbs_priority_still_needs_a_reason(demo, api, new_case):
    case = new_case(priority="1A", mbs_priority="2A", priority_change_reason="Andas ytligt")
    response = api(demo.anna).patch(url(case), {"priority": "2A"}, format="json")
    assert response.status_code == 400
    assert_detail(response, "priority_change_reason")
    response = api(demo.anna).patch(url(case), {
        "priority": "2A", "priority_change_reason": "Andas normalt igen"}, format="json")
    assert response.status_code == 200


def test_an_mbs_priority_corrected_away_from_the_chosen_one_needs_a_reason(
        demo, api, new_case):
    case = new_case(priority="2A", mbs_priority="2A")
    response = api(demo.anna).patch(url(case), {"mbs_priority": "1B"}, format="json")
    assert response.status_code == 400
    assert_detail(response, "priority_change_reason")


def test_each_changed_field_is_one_history_row_and_one_version(demo, api, new_case):
    case = new_case()
    response = api(demo.anna).patch(url(case), {
        "door_code": "1234", "safety_warning": "Hund i lägenheten", "notes": "Tredje våningen",
        "case_type": "stroke", "scene_flags": ["infection", "child_under_8"],
        "required_capabilities": ["infection"], "latitude": 59.62, "longitude": 16.55,
        "address": "Stora torget 1, Västerås", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    rows = {row[0]: row[1:3] for row in history_rows(case)}
    assert rows == {
        "door_code": ("", "1234"), "safety_warning": ("", "Hund i lägenheten"),
        "notes": ("", "Tredje våningen"), "case_type": ("other", "stroke"),
        "scene_flags": ([], ["child_under_8", "infection"]),
        "required_capabilities": ([], ["infection"]),
        "position": ([59.6099, 16.5448], [59.62, 16.55]),
    }  # the address did not change: no row
    case.refresh_from_db()
    assert (case.door_code, case.case_type, case.required_capabilities) == (
        "1234", "stroke", ["infection"])


def test_an_edit_that_changes_nothing_keeps_the_version_and_writes_no_history(
        demo, api, new_case):
    case = new_case(door_code="1234")
    response = api(demo.anna).patch(url(case), {"door_code": "1234", "version": 1},
                                    format="json")
    assert response.status_code == 200
    assert response.json()["version"] == 1 and not CaseChange.objects.exists()


def test_an_edit_made_on_an_older_version_is_409_with_the_current_values(demo, api, new_case):
    case = new_case(priority="2A", mbs_priority="2A")
    anna, erik = api(demo.anna), api(demo.users["erik"])
    assert anna.patch(url(case), {"door_code": "1111", "version": 1},
                      format="json").status_code == 200
    before = db_state()
    response = erik.patch(url(case), {"door_code": "2222", "priority": "1A",
                                      "priority_change_reason": "Sämre", "version": 1},
                          format="json")
    assert response.status_code == 409
    body = response.json()
    assert_detail(response, "someone else changed the case")
    assert body["version"] == 2
    assert body["current"]["door_code"] == "1111" and body["current"]["version"] == 2
    assert body["current"]["priority"] == "2A"
    # Nothing of the refused edit is stored, and the first one stays.
    assert db_state() == before
    assert [r[0] for r in history_rows(case)] == ["door_code"]
    # The current values erik was shown are a recorded read.
    assert AccessLogEntry.objects.filter(username="erik", patient="19121212-1212").exists()
    # Made again on the version he now has, it goes through.
    again = erik.patch(url(case), {"door_code": "2222", "version": 2}, format="json")
    assert again.status_code == 200 and again.json()["version"] == 3


def test_an_edit_without_a_version_applies_to_the_case_as_it_is(demo, api, new_case):
    """Integrations send only what they change, without a version (README)."""
    case = new_case()
    api(demo.anna).patch(url(case), {"notes": "Ett", "version": 1}, format="json")
    response = api(demo.anna).patch(url(case), {"door_code": "9"}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 3


def test_two_edits_racing_on_one_version_the_second_loses(demo, new_case, monkeypatch):
    """The version is claimed with a conditional UPDATE: an edit that read version 1 just
    before another edit committed version 2 (no row lock, as in SQLite) is refused."""
    case = new_case()
    stale = Case.objects.get(pk=case.pk)

    class StaleRead:
        def select_related(self, *args):
            return self

        def get(self, **kwargs):
            return stale

    Case.objects.filter(pk=case.pk).update(version=2, door_code="1111")
    monkeypatch.setattr(Case.objects, "select_for_update", lambda: StaleRead())
    with pytest.raises(services.CaseEditConflict) as refused:
        services.case_update(case=case, by=demo.anna, version=1, door_code="2222")
    monkeypatch.undo()
    assert refused.value.case.version == 2
    case.refresh_from_db()
    assert case.door_code == "1111" and not CaseChange.objects.exists()


def test_an_edit_racing_the_closing_of_the_case_is_refused(demo, new_case, monkeypatch):
    """The case was read open, then closed by another request before the edit's write (no row
    lock, as in SQLite): the conditional UPDATE finds no open case."""
    case = new_case()
    stale = Case.objects.get(pk=case.pk)

    class StaleRead:
        def select_related(self, *args):
            return self

        def get(self, **kwargs):
            return stale

    Case.objects.filter(pk=case.pk).update(status="closed")
    monkeypatch.setattr(Case.objects, "select_for_update", lambda: StaleRead())
    with pytest.raises(Conflict) as refused:
        services.case_update(case=case, by=demo.anna, version=1, notes="För sent")
    monkeypatch.undo()
    assert "closed" in refused.value.message
    assert Case.objects.get(pk=case.pk).notes == "" and not CaseChange.objects.exists()


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"priority": "1C", "priority_change_reason": "x"}, "priority"),
        ({"case_type": "heart"}, "case_type"),
        ({"scene_flags": ["drunk"]}, "scene_flags"),
        ({"required_capabilities": ["x_ray"]}, "required_capabilities"),
        ({"latitude": 91}, "latitude"),
        ({"address": ""}, "address"),
        ({"door_code": "x" * 41}, "door_code"),
        ({"version": 0}, "version"),
        ({"version": "senaste"}, "version"),
        ({"municipality_code": "9999"}, "municipality code"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(demo, api, new_case,
                                                   change, fragment):
    case = new_case()
    before = db_state()
    response = api(demo.anna).patch(url(case), change, format="json")
    assert response.status_code == 400, response.json()
    assert_detail(response, fragment)
    assert db_state() == before and not CaseChange.objects.exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"address": ""}, "Adress får inte vara tomt."),
    ({"complaint": " "}, "Sökorsak får inte vara tomt."),
    ({"reference": "X-1"}, "Ärendenummer kan inte ändras."),
    ({"colour": "red"}, "Fältet ”colour” kan inte ändras."),
])
def test_the_services_refusals_name_the_field_in_words(demo, new_case, change, message):
    """An integration calling the service (past the API's serializer) is told the field by
    its label, in the dispatcher's language, never by its code."""
    case = new_case()
    with translation.override("sv"), pytest.raises(Invalid) as refused:
        services.case_update(case=case, by=demo.anna, **change)
    assert refused.value.message == message
    assert not CaseChange.objects.exists()


def test_a_closed_case_is_not_edited(demo, api, new_case):
    case = new_case()
    services.case_close(case=case, by=demo.anna)
    response = api(demo.anna).patch(url(case), {"notes": "För sent", "version": 1},
                                    format="json")
    assert response.status_code == 409
    assert_detail(response, "closed")
    assert Case.objects.get(pk=case.pk).notes == "" and not CaseChange.objects.exists()


def test_a_change_reaches_the_crews_on_the_case_by_name_only(demo, api, dispatched):
    assignment = dispatched("en_route", priority="2A", mbs_priority="2A")
    case = assignment.case
    response = api(demo.anna).patch(url(case), {
        "priority": "1A", "priority_change_reason": "Slutat andas", "door_code": "4711",
        "referred_to": "", "version": 1}, format="json")
    assert response.status_code == 200
    event = Event.objects.filter(stream=f"unit.{demo.amb1010.pk}",
                                 type="assignment.case_changed").get()
    assert event.data["id"] == assignment.pk and event.data["priority"] == "1A"
    assert event.data["fields"] == ["door_code", "priority"]
    assert sorted(event.data["changes"]) == sorted(CaseChange.objects.filter(
        case=case, field__in=["priority", "door_code"]).values_list("id", flat=True))
    # No patient data in the event: not the door code, nor the reason.
    assert "4711" not in str(event.data) and "andas" not in str(event.data)
    # The console's stream says the case changed, with its new version.
    console = Event.objects.filter(stream="dispatch", type="case.updated").latest("seq")
    assert console.data["version"] == 2


def test_the_crew_card_lists_the_changes_in_words_in_a_recorded_read(demo, api, dispatched):
    assignment = dispatched("acknowledged", priority="2A", mbs_priority="2A")
    api(demo.anna).patch(url(assignment.case), {
        "priority": "1A", "priority_change_reason": "Slutat andas", "case_type": "cardiac_arrest",
        "required_capabilities": ["cbrne"]}, format="json")
    response = api(demo.sara).get(f"/api/assignments/{assignment.pk}/")
    assert response.status_code == 200
    changes = {c["field"]: c for c in response.json()["case_changes"]}
    # What the crew card does not show (the capabilities the unit needs) is not listed.
    assert set(changes) == {"priority", "case_type"}
    assert changes["priority"]["new_label"] == "1A"
    assert changes["priority"]["reason"] == "Slutat andas"
    assert changes["case_type"]["new_label"] == "Cardiac arrest"
    assert changes["priority"]["by"] == "Anna Lindqvist"
    assert AccessLogEntry.objects.filter(username="sara", reason="assignment opened").exists()


def test_a_change_the_crew_does_not_see_is_not_sent_to_it(demo, api, dispatched):
    assignment = dispatched("en_route")
    api(demo.anna).patch(url(assignment.case), {"referred_to": "Vårdcentralen",
                                                "required_capabilities": ["bariatric"]},
                         format="json")
    assert not Event.objects.filter(type="assignment.case_changed").exists()


def test_case_update_stays_importable_from_the_services_package():
    from dispatch.services import case_update
    from dispatch.services.case_edit import case_update as edit

    assert case_update is edit
