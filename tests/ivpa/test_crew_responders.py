"""The first responders on the ambulance crew's card (GET /api/ivpa/assignments/{id}/responders/
and `responders.updated` on the unit's stream): how many are on their way or have arrived,
with a defibrillator or not; never who they are or where; only the assignment's own crew and
the dispatchers."""

import pytest

from dispatch import services as dispatch_services
from ivpa import services
from ivpa.models import Aed, CalloutEnd, ResponderAlert
from realtime.models import Event


def url(assignment):
    return f"/api/ivpa/assignments/{assignment.pk}/responders/"


@pytest.fixture
def scene(arrest, ivpa, demo):
    """A cardiac arrest at Stora torget with responders alerted and AMB 1010 (sara) sent."""
    Aed.objects.update(opening_hours="24/7")
    services.municipality_update(municipality=ivpa.vasteras, by=None, aed_runners=1)
    case = arrest()
    [assignment] = dispatch_services.assignment_dispatch(case=case, units=[demo.amb1010],
                                                         by=demo.anna)
    alerts = {a.responder.user.username: a
              for a in ResponderAlert.objects.filter(callout__case=case)
              .select_related("responder__user")}
    return case, assignment, alerts


def crew_events(assignment):
    return list(Event.objects.filter(type="responders.updated",
                                     stream=f"unit.{assignment.unit_id}").order_by("pk"))


def test_the_crew_sees_how_many_are_on_their_way_and_who_brings_a_defibrillator(
        scene, ivpa, api, demo):
    case, assignment, alerts = scene
    before = api(demo.sara).get(url(assignment))
    assert before.status_code == 200
    assert (before.json()["on_the_way"], before.json()["arrived"]) == (0, 0)

    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    body = api(demo.sara).get(url(assignment)).json()
    assert body["assignment"] == assignment.pk
    assert (body["on_the_way"], body["arrived"], body["with_aed"]) == (2, 0, 1)
    assert [r["with_aed"] for r in body["responders"]] == [True, False]
    assert all(r["expected_at"] for r in body["responders"])

    services.alert_arrive(alert=alerts["eva"], by=ivpa.eva.user)
    body = api(demo.sara).get(url(assignment)).json()
    assert (body["on_the_way"], body["arrived"]) == (1, 1)
    # Nothing that says who or where a responder is.
    text = str(body)
    for secret in ("Lars", "Eva", ivpa.lars.user.phone_number, "latitude", "position"):
        assert secret and secret not in text


def test_each_change_reaches_the_crew_live_without_names(scene, ivpa):
    case, assignment, alerts = scene
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    events = crew_events(assignment)
    assert events, "the crew hears nothing when a responder accepts"
    last = events[-1].data
    assert last["assignment"] == assignment.pk and last["on_the_way"] == 1
    assert "Lars" not in str(last)

    services.alert_decline(alert=alerts["lars"], by=ivpa.lars.user)
    assert crew_events(assignment)[-1].data["on_the_way"] == 0


def test_a_responder_who_arrived_stays_on_the_card_after_the_callout_ends(scene, ivpa, api,
                                                                         demo):
    case, assignment, alerts = scene
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    services.alert_arrive(alert=alerts["lars"], by=ivpa.lars.user)
    services.callout_end(callout=alerts["lars"].callout, reason=CalloutEnd.AMBULANCE_ARRIVED)
    body = api(demo.sara).get(url(assignment)).json()
    assert (body["on_the_way"], body["arrived"]) == (0, 1)
    assert crew_events(assignment)[-1].data["on_the_way"] == 0


def test_only_the_assigned_crew_and_the_dispatchers_see_them(scene, api, demo):
    _case, assignment, _alerts = scene
    assert api(demo.anna).get(url(assignment)).status_code == 200
    assert api(demo.johan).get(url(assignment)).status_code == 404
    assert api(demo.lars).get(url(assignment)).status_code == 403
    assert api(demo.karin).get(url(assignment)).status_code == 403
    assert api(None).get(url(assignment)).status_code == 403


def test_a_position_report_or_a_receipt_on_the_way_tells_the_crew_nothing(scene, ivpa):
    """The crew's card shows status, defibrillator and expected time, not where a responder
    is: a volunteer's GPS fixes on the way (every few seconds) send no `responders.updated`."""
    case, assignment, alerts = scene
    services.alert_seen(alert=alerts["eva"], by=ivpa.eva.user)
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    heard = len(crew_events(assignment))
    dispatchers = Event.objects.filter(type="alert.updated", stream="ivpa").count()
    for step in range(3):
        services.responder_report_position(responder=ivpa.lars, latitude=59.61 + step / 1000,
                                           longitude=16.54)
    assert len(crew_events(assignment)) == heard
    # The dispatchers' map still follows them.
    assert Event.objects.filter(type="alert.updated", stream="ivpa").count() == dispatchers + 3
    services.alert_arrive(alert=alerts["lars"], by=ivpa.lars.user)
    assert crew_events(assignment)[-1].data["arrived"] == 1
