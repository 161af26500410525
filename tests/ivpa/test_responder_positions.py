"""The case's responders on the dispatchers' map: an accepted responder's position reaches the
console roles' callout payload and events, coarse (about 100 m), only while the alert is
accepted and the callout runs; a responder never sees another's."""

import pytest

from ivpa import services
from ivpa.models import Callout, CalloutEnd, Responder
from ivpa.streams import IVPA_STREAM, responder_stream
from realtime.models import Event


@pytest.fixture
def accepted(arrest, ivpa):
    """A cardiac arrest's callout with lars on the way (eva and the others only alerted)."""
    callout = Callout.objects.get(case=arrest())
    services.alert_accept(alert=callout.alerts.get(responder=ivpa.lars), by=ivpa.lars.user)
    return callout


def _alerts_seen_by(client, callout) -> dict[str, dict]:
    answer = client.get(f"/api/ivpa/callouts/?case={callout.case_id}")
    assert answer.status_code == 200, answer.content
    (summary,) = answer.json()
    return {a["name"]: a for a in summary["alerts"]}


def test_the_dispatcher_sees_only_the_accepted_responders_position_and_coarse(
        accepted, ivpa, api, demo):
    Responder.objects.filter(pk=ivpa.lars.pk).update(latitude=59.612345, longitude=16.548765)
    seen = _alerts_seen_by(api(demo.anna), accepted)
    lars = seen[str(ivpa.lars.user)]
    assert lars["position"]["latitude"] == 59.612 and lars["position"]["longitude"] == 16.549
    others = [a for name, a in seen.items() if name != str(ivpa.lars.user)]
    assert others and all(a["position"] is None for a in others)


def test_a_volunteer_never_sees_another_responders_position(accepted, ivpa, api):
    eva = api(ivpa.eva.user)
    assert eva.get(f"/api/ivpa/callouts/?case={accepted.case_id}").status_code == 403
    alert = accepted.alerts.get(responder=ivpa.eva)
    answer = eva.get(f"/api/ivpa/alerts/{alert.pk}/").json()
    assert "position" not in answer and "lars" not in str(answer).lower()
    streams = {responder_stream(r.user_id) for r in ivpa.responders.values()}
    assert not any("position" in e.data for e in Event.objects.filter(stream__in=streams))


def test_a_position_on_the_way_reaches_the_dispatchers_only(accepted, ivpa, api):
    mine = Event.objects.filter(stream=responder_stream(ivpa.lars.user_id)).count()
    answer = api(ivpa.lars.user).post("/api/ivpa/me/position/",
                                      {"latitude": 59.60123, "longitude": 16.54987},
                                      format="json")
    assert answer.status_code == 200
    last = Event.objects.filter(stream=IVPA_STREAM, type="alert.updated").order_by("seq").last()
    assert last.data["name"] == str(ivpa.lars.user)
    assert last.data["position"]["latitude"] == 59.601
    assert last.data["position"]["longitude"] == 16.55
    assert Event.objects.filter(stream=responder_stream(ivpa.lars.user_id)).count() == mine
    # Eva, only alerted, reports too: the dispatchers are told nothing.
    events = Event.objects.filter(stream=IVPA_STREAM).count()
    api(ivpa.eva.user).post("/api/ivpa/me/position/", {"latitude": 59.6, "longitude": 16.5},
                            format="json")
    assert Event.objects.filter(stream=IVPA_STREAM).count() == events


@pytest.mark.parametrize("after", ["arrived", "declined", "callout_ended"])
def test_no_position_once_the_alert_is_no_longer_on_the_way(after, accepted, ivpa, api, demo):
    alert = accepted.alerts.get(responder=ivpa.lars)
    if after == "arrived":
        services.alert_arrive(alert=alert, by=ivpa.lars.user)
    elif after == "declined":
        services.alert_decline(alert=alert, by=ivpa.lars.user)
    else:
        services.callout_end(callout=accepted, reason=CalloutEnd.CANCELLED)
    assert _alerts_seen_by(api(demo.anna), accepted)[str(ivpa.lars.user)]["position"] is None
    last = Event.objects.filter(stream=IVPA_STREAM).order_by("seq").last().data
    told = [a for a in last.get("alerts", [last]) if a["name"] == str(ivpa.lars.user)]
    assert told and told[0]["position"] is None
