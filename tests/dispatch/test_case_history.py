"""A case's history (GET /api/cases/{id}/history/): its registration, each change with who,
when, from, to and why (codes and words), its units' alerts and statuses, a dispatch override's
reason, the messages on its assignments, in time order; a recorded read, for the centre only."""

from datetime import timedelta

from django.utils import timezone

from audit.models import AccessLogEntry
from dispatch.models import Assignment, AssignmentMessage

from .helpers import assert_detail


def history(api, user, case):
    response = api(user).get(f"/api/cases/{case.pk}/history/")
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_history_lists_registration_changes_assignments_and_messages_in_order(
        demo, api, dispatched):
    assignment = dispatched("en_route", priority="2A", mbs_priority="2A")
    case = assignment.case
    erik = demo.users["erik"]
    response = api(erik).patch(f"/api/cases/{case.pk}/", {
        "priority": "1A", "priority_change_reason": "Slutat andas", "case_type": "cardiac_arrest",
        "scene_flags": ["unsafe_scene"], "version": 1}, format="json")
    assert response.status_code == 200
    AssignmentMessage.objects.create(assignment=assignment, author=demo.sara, from_crew=True,
                                     text="Framme om två minuter", sent_at=timezone.now())
    Assignment.objects.filter(pk=assignment.pk).update(override_reason="Enda enheten i närheten")

    body = history(api, demo.anna, case)
    assert body["case"] == case.pk and body["version"] == 2
    entries = body["entries"]
    kinds = [e["kind"] for e in entries]
    assert kinds[0] == "registered" and entries[0]["priority"] == "2A"
    assert entries[0]["by"] == "Anna Lindqvist"
    assert kinds.index("dispatched") < kinds.index("status") < kinds.index("change")
    assert kinds[-1] == "message"
    times = [e["at"] for e in entries]
    assert times == sorted(times)

    changes = {e["field"]: e for e in entries if e["kind"] == "change"}
    assert set(changes) == {"priority", "case_type", "scene_flags"}
    priority = changes["priority"]
    assert (priority["old"], priority["new"], priority["reason"], priority["by"]) == (
        "2A", "1A", "Slutat andas", "Erik Holm")
    # Codes and their words, for the screen.
    assert (changes["case_type"]["old"], changes["case_type"]["old_label"]) == ("other", "Other")
    assert changes["case_type"]["new_label"] == "Cardiac arrest"
    assert changes["scene_flags"]["new_label"] == "Unsafe scene (threat, violence)"

    dispatched_entry = next(e for e in entries if e["kind"] == "dispatched")
    assert dispatched_entry["unit"] == "AMB 1010" and dispatched_entry["override"] is True
    assert dispatched_entry["reason"] == "Enda enheten i närheten"
    statuses = [e["status"] for e in entries if e["kind"] == "status"]
    assert statuses == ["acknowledged", "en_route"]
    message = entries[-1]
    assert (message["text"], message["from_crew"], message["unit"], message["by"]) == (
        "Framme om två minuter", True, "AMB 1010", "Sara Nilsson")


def test_the_registration_shows_the_priority_and_reason_it_was_registered_with(
        demo, api, new_case):
    case = new_case(priority="1B", mbs_priority="2A", priority_change_reason="Ringer igen")
    api(demo.anna).patch(f"/api/cases/{case.pk}/", {
        "priority": "1A", "priority_change_reason": "Medvetslös"}, format="json")
    entries = history(api, demo.anna, case)["entries"]
    registered = entries[0]
    assert (registered["priority"], registered["mbs_priority"], registered["reason"]) == (
        "1B", "2A", "Ringer igen")
    change = entries[1]
    assert (change["old"], change["new"], change["reason"]) == ("1B", "1A", "Medvetslös")


def test_a_referral_priority_is_shown_in_words(demo, api, new_case):
    case = new_case(priority="2B", mbs_priority="2B")
    api(demo.anna).patch(f"/api/cases/{case.pk}/", {
        "priority": "referral", "priority_change_reason": "Egenvård räcker"}, format="json")
    change = history(api, demo.anna, case)["entries"][1]
    assert (change["new"], change["new_label"]) == ("referral", "Referral (no ambulance)")


def test_a_closed_case_ends_its_history_with_its_closing(demo, api, new_case):
    from dispatch import services

    case = new_case()
    services.case_close(case=case, by=demo.anna)
    entries = history(api, demo.anna, case)["entries"]
    assert entries[-1]["kind"] == "closed"


def test_reading_the_history_is_logged_for_the_patient(demo, api, new_case):
    case = new_case()
    history(api, demo.admin, case)
    entry = AccessLogEntry.objects.filter(username="admin").latest("id")
    assert entry.patient == "19121212-1212" and entry.reason == "case history"


def test_the_history_is_the_centres_only(demo, api, dispatched):
    assignment = dispatched("acknowledged")
    for user in (demo.sara, demo.johan, demo.lars, demo.karin, demo.ulla):
        response = api(user).get(f"/api/cases/{assignment.case_id}/history/")
        assert response.status_code == 403
        assert_detail(response)
    assert not AccessLogEntry.objects.filter(reason="case history").exists()


def test_an_unknown_case_has_no_history(demo, api):
    response = api(demo.anna).get("/api/cases/999999/history/")
    assert response.status_code == 404
    assert_detail(response)


def test_changes_older_than_the_assignment_are_not_news_to_the_crew(demo, api, new_case):
    from dispatch import services
    from dispatch.models import CaseChange

    case = new_case()
    api(demo.anna).patch(f"/api/cases/{case.pk}/", {"door_code": "1111"}, format="json")
    CaseChange.objects.update(changed_at=timezone.now() - timedelta(minutes=5))
    [assignment] = services.assignment_dispatch(case=case, units=[demo.amb1010], by=demo.anna)
    card = api(demo.sara).get(f"/api/assignments/{assignment.pk}/").json()
    assert card["case_changes"] == [] and card["case"]["door_code"] == "1111"
