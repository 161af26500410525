"""A responder's answers (accept, decline, arrive, report), the defibrillator runs, the
stand-down, the end, positions and availability; and what a responder's stream never says."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.errors import Conflict, Forbidden, Invalid
from core.hours import DAYS
from ivpa import geo, services
from ivpa.models import (
    Aed,
    AlertReport,
    AlertStatus,
    Callout,
    CalloutEnd,
    Responder,
    ResponderAlert,
    ResponderKind,
    Route,
)
from ivpa.streams import IVPA_STREAM, responder_stream
from places.travel import turnout_seconds
from realtime.models import Event
from timers.models import Timer, TimerState


def alerts_of(case) -> dict[str, ResponderAlert]:
    return {a.responder.user.username: a
            for a in ResponderAlert.objects.filter(callout__case=case)
            .select_related("responder__user", "aed")}


def fresh(alert: ResponderAlert) -> ResponderAlert:
    return ResponderAlert.objects.select_related("aed", "responder__user").get(pk=alert.pk)


def pending(kind: str, callout: Callout):
    return Timer.objects.filter(kind=kind, key=str(callout.pk), state=TimerState.PENDING)


def responder_events(responder: Responder, type_: str | None = None):
    qs = Event.objects.filter(stream=responder_stream(responder.user_id))
    return qs.filter(type=type_) if type_ else qs


def closed_all_day_today() -> str:
    """Opening hours that leave the defibrillator closed all of today (open tomorrow)."""
    tomorrow = DAYS[(timezone.localtime(timezone.now()).weekday() + 1) % 7]
    return f"{tomorrow.title()} 00:00-24:00"


@pytest.fixture
def callout(arrest, ivpa):
    """callout(**municipality_rules) -> (case, callout, alerts by user name)."""

    def make(**rules):
        if rules:
            services.municipality_update(municipality=ivpa.vasteras, by=None, **rules)
        case = arrest()
        return case, Callout.objects.get(case=case), alerts_of(case)

    return make


# --- accepting, and the defibrillator runs -------------------------------------------------


def test_the_first_aed_runners_to_accept_fetch_different_defibrillators_and_the_rest_go_direct(
    callout, ivpa
):
    Aed.objects.update(opening_hours="24/7")
    case, co, alerts = callout(aed_runners=2)
    first = services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    second = services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    third = services.alert_accept(alert=alerts["nils"], by=ivpa.nils.user)
    assert (first.route, second.route, third.route) == (Route.AED, Route.AED, Route.DIRECT)
    assert first.aed is not None and second.aed is not None
    assert first.aed_id != second.aed_id
    assert third.aed is None
    # The run past the defibrillator takes longer than the walk straight there.
    walk = settings.TRAVEL_PROFILES[ResponderKind.VOLUNTEER]
    assert first.eta_s > turnout_seconds(ResponderKind.VOLUNTEER) + (
        first.distance_m * settings.TRAVEL_DETOUR_FACTOR / walk["speed_m_s"])
    assert [(leg["from"], leg["to"]) for leg in first.legs] == [
        ("responder", "aed"), ("aed", "patient")]
    assert [(leg["from"], leg["to"]) for leg in third.legs] == [("responder", "patient")]
    stored = {a.responder.user.username: (a.status, a.route, a.aed_id)
              for a in ResponderAlert.objects.filter(callout=co).select_related(
                  "responder__user")}
    assert stored["lars"] == ("accepted", "aed", first.aed_id)
    assert stored["nils"] == ("accepted", "direct", None)


def test_a_defibrillator_closed_by_its_opening_hours_is_never_chosen(callout, ivpa):
    Aed.objects.filter(external_id="demo-2").update(opening_hours="24/7")
    Aed.objects.exclude(external_id="demo-2").update(opening_hours=closed_all_day_today())
    case, co, alerts = callout(aed_runners=4)
    runs = [services.alert_accept(alert=alerts[name], by=getattr(ivpa, name).user)
            for name in ("lars", "eva", "nils", "olle")]
    fetching = [a for a in runs if a.route == Route.AED]
    assert [a.aed.external_id for a in fetching] == ["demo-2"]
    assert all(a.route == Route.DIRECT and a.aed is None for a in runs if a not in fetching)


def test_an_inactive_defibrillator_is_never_chosen(callout, ivpa):
    Aed.objects.update(active=False)
    case, co, alerts = callout()
    accepted = services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    assert (accepted.route, accepted.aed) == (Route.DIRECT, None)


def test_a_fire_unit_goes_direct_and_does_not_count_towards_the_needed(callout, ivpa):
    case, co, alerts = callout(needed=1, aed_runners=1)
    unit = services.alert_accept(alert=alerts["rtj2110"], by=ivpa.rtj2110.user)
    assert (unit.status, unit.route, unit.aed) == ("accepted", Route.DIRECT, None)
    co.refresh_from_db()
    assert co.satisfied_at is None
    assert fresh(alerts["lars"]).status == AlertStatus.ALERTED


def test_once_enough_have_accepted_the_others_are_not_needed_and_the_next_wave_is_cancelled(
    callout, ivpa
):
    case, co, alerts = callout(needed=2, aed_runners=2)
    assert pending(services.WAVE_TIMER, co).exists()
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    co.refresh_from_db()
    assert co.satisfied_at is None and co.first_accept_at is not None
    services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    co.refresh_from_db()
    assert co.satisfied_at is not None and co.next_wave_at is None
    assert not pending(services.WAVE_TIMER, co).exists()
    for name in ("nils", "olle"):
        alert = fresh(alerts[name])
        assert alert.status == AlertStatus.NOT_NEEDED and alert.ended_at is not None
        [told] = responder_events(getattr(ivpa, name), "alert.not_needed")
        assert told.data["status"] == "not_needed"
    # The fire unit is not a volunteer: it carries on.
    assert fresh(alerts["rtj2110"]).status == AlertStatus.ALERTED
    assert {fresh(alerts[n]).status for n in ("lars", "eva")} == {AlertStatus.ACCEPTED}


def test_accepting_twice_is_a_conflict(callout, ivpa):
    case, co, alerts = callout()
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    with pytest.raises(Conflict, match="already accepted"):
        services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    assert ResponderAlert.objects.filter(callout=co, status=AlertStatus.ACCEPTED).count() == 1


def test_accepting_after_the_callout_ended_is_refused_with_the_reason(callout, ivpa):
    case, co, alerts = callout()
    services.callout_end(callout=co, reason=CalloutEnd.CANCELLED, by=None)
    with pytest.raises(Conflict) as refused:
        services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    assert refused.value.message == "The alert has ended: cancelled by the dispatcher."
    assert refused.value.extra == {"status": AlertStatus.STOOD_DOWN}
    assert fresh(alerts["eva"]).status == AlertStatus.STOOD_DOWN


def test_accepting_when_no_longer_needed_is_refused_with_thanks(callout, ivpa):
    case, co, alerts = callout(needed=1, aed_runners=1)
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    with pytest.raises(Conflict) as refused:
        services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    assert "not needed this time" in refused.value.message
    assert fresh(alerts["eva"]).status == AlertStatus.NOT_NEEDED
    with pytest.raises(Conflict, match="not needed"):
        services.alert_decline(alert=alerts["eva"], by=ivpa.eva.user)


def test_someone_else_cannot_answer_an_alert(callout, ivpa):
    case, co, alerts = callout()
    with pytest.raises(Forbidden):
        services.alert_accept(alert=alerts["lars"], by=ivpa.eva.user)
    with pytest.raises(Forbidden):
        services.alert_decline(alert=alerts["lars"], by=ivpa.eva.user)
    assert fresh(alerts["lars"]).status == AlertStatus.ALERTED


def test_a_volunteer_who_declined_may_accept_after_all(callout, ivpa):
    case, co, alerts = callout()
    declined = services.alert_decline(alert=alerts["eva"], by=ivpa.eva.user)
    assert (declined.status, declined.declined_at is not None) == (AlertStatus.DECLINED, True)
    with pytest.raises(Conflict, match="already declined"):
        services.alert_decline(alert=alerts["eva"], by=ivpa.eva.user)
    accepted = services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    assert (accepted.status, accepted.declined_at) == (AlertStatus.ACCEPTED, None)


def test_declining_after_accepting_reopens_a_satisfied_callout_with_a_wave_at_once(
    callout, ivpa
):
    case, co, alerts = callout(needed=2, aed_runners=2, wave_size=3)
    assert "olle" not in alerts  # beyond the wave size
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_accept(alert=alerts["eva"], by=ivpa.eva.user)
    co.refresh_from_db()
    assert co.satisfied_at is not None
    assert fresh(alerts["nils"]).status == AlertStatus.NOT_NEEDED
    declined = services.alert_decline(alert=alerts["eva"], by=ivpa.eva.user)
    assert (declined.route, declined.aed) == ("", None)
    co.refresh_from_db()
    assert co.satisfied_at is None
    [wave] = pending(services.WAVE_TIMER, co)
    assert abs(wave.due_at - timezone.now()) < timedelta(seconds=2)
    services.callout_next_wave(callout_id=co.pk)
    olle = ResponderAlert.objects.get(callout=co, responder=ivpa.olle)
    assert (olle.wave, olle.status) == (2, AlertStatus.ALERTED)


def test_declining_after_accepting_an_unsatisfied_callout_keeps_its_wave_timer(callout, ivpa):
    case, co, alerts = callout()
    [before] = pending(services.WAVE_TIMER, co)
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_decline(alert=alerts["lars"], by=ivpa.lars.user)
    [after] = pending(services.WAVE_TIMER, co)
    assert after.due_at == before.due_at


# --- arriving ------------------------------------------------------------------------------


def test_arrival_requires_acceptance(callout, ivpa):
    case, co, alerts = callout()
    with pytest.raises(Conflict, match="Accept the alert before you report your arrival"):
        services.alert_arrive(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_decline(alert=alerts["eva"], by=ivpa.eva.user)
    with pytest.raises(Conflict, match="Accept the alert"):
        services.alert_arrive(alert=alerts["eva"], by=ivpa.eva.user)
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    arrived = services.alert_arrive(alert=alerts["lars"], by=ivpa.lars.user)
    assert arrived.status == AlertStatus.ARRIVED
    co.refresh_from_db()
    assert co.first_arrival_at == arrived.arrived_at
    with pytest.raises(Conflict, match="already recorded"):
        services.alert_arrive(alert=alerts["lars"], by=ivpa.lars.user)
    with pytest.raises(Conflict, match="on scene"):
        services.alert_decline(alert=alerts["lars"], by=ivpa.lars.user)


def test_an_arrival_time_before_the_acceptance_or_in_the_future_is_refused(callout, ivpa):
    case, co, alerts = callout()
    accepted = services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    with pytest.raises(Invalid, match="before the alert was answered"):
        services.alert_arrive(alert=alerts["lars"], by=ivpa.lars.user,
                              at=accepted.accepted_at - timedelta(seconds=1))
    with pytest.raises(Invalid, match="future"):
        services.alert_arrive(alert=alerts["lars"], by=ivpa.lars.user,
                              at=timezone.now() + timedelta(minutes=5))
    assert fresh(alerts["lars"]).status == AlertStatus.ACCEPTED


# --- the report after ----------------------------------------------------------------------


def test_only_a_responder_who_accepted_can_report(callout, ivpa):
    case, co, alerts = callout()
    with pytest.raises(Conflict, match="Only a responder who accepted"):
        services.alert_report_submit(alert=alerts["eva"], by=ivpa.eva.user, cpr_started=True)
    with pytest.raises(Forbidden):
        services.alert_report_submit(alert=alerts["lars"], by=ivpa.eva.user, cpr_started=True)
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    report = services.alert_report_submit(
        alert=alerts["lars"], by=ivpa.lars.user, cpr_started=True, aed_attached=True,
        aed_shocks=2, wellbeing=4, wants_debrief=False, notes="HLR startad av anhörig.")
    assert (report.cpr_started, report.aed_shocks, report.wellbeing) == (True, 2, 4)
    # Sent again, it replaces the answers.
    again = services.alert_report_submit(alert=alerts["lars"], by=ivpa.lars.user,
                                         wellbeing=2, wants_debrief=True)
    assert again.pk == report.pk
    again.refresh_from_db()
    assert (again.wellbeing, again.wants_debrief) == (2, True)


def test_a_report_of_shocks_without_the_defibrillator_attached_is_refused(callout, ivpa):
    case, co, alerts = callout()
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    with pytest.raises(Invalid, match="defibrillator was attached"):
        services.alert_report_submit(alert=alerts["lars"], by=ivpa.lars.user,
                                     aed_attached=False, aed_shocks=1)
    assert not AlertReport.objects.filter(alert=alerts["lars"]).exists()
    # Nor in two steps: "not attached" first, shocks in a second sending.
    services.alert_report_submit(alert=alerts["lars"], by=ivpa.lars.user, aed_attached=False)
    with pytest.raises(Invalid, match="defibrillator was attached"):
        services.alert_report_submit(alert=alerts["lars"], by=ivpa.lars.user, aed_shocks=1)
    assert AlertReport.objects.get(alert=alerts["lars"]).aed_shocks is None


def test_a_report_with_an_unknown_field_is_refused(callout, ivpa):
    case, co, alerts = callout()
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    with pytest.raises(Invalid, match="Unknown field"):
        services.alert_report_submit(alert=alerts["lars"], by=ivpa.lars.user, outcome="ok")


@pytest.mark.parametrize("fields", [{"wellbeing": 9}, {"wellbeing": 0}, {"aed_shocks": 31}])
def test_a_report_out_of_range_is_refused(callout, ivpa, fields):
    case, co, alerts = callout()
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    with pytest.raises(Invalid):
        services.alert_report_submit(alert=alerts["lars"], by=ivpa.lars.user, **fields)


def test_a_report_may_come_after_the_callout_ended(callout, ivpa):
    case, co, alerts = callout()
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.callout_end(callout=co, reason=CalloutEnd.AMBULANCE_ARRIVED)
    report = services.alert_report_submit(alert=alerts["lars"], by=ivpa.lars.user,
                                          cpr_started=False)
    assert report.cpr_started is False


# --- positions and availability ------------------------------------------------------------


@pytest.mark.parametrize(("lat", "lon"), [(91, 16.5), (59.6, 181), ("north", 16.5), (None, 1)])
def test_a_position_out_of_range_is_refused(ivpa, lat, lon):
    with pytest.raises(Invalid):
        services.responder_report_position(responder=ivpa.lars, latitude=lat, longitude=lon)
    ivpa.lars.refresh_from_db()
    assert (ivpa.lars.latitude, ivpa.lars.longitude) == (59.6112, 16.5471)


def test_a_position_too_old_is_refused(ivpa):
    old = timezone.now() - timedelta(seconds=settings.IVPA_POSITION_REPORT_MAX_AGE_SECONDS + 1)
    with pytest.raises(Invalid, match="too old"):
        services.responder_report_position(responder=ivpa.lars, latitude=59.6,
                                           longitude=16.5, at=old)
    ivpa.lars.refresh_from_db()
    assert ivpa.lars.latitude == 59.6112


def test_a_position_from_the_future_is_refused(ivpa):
    with pytest.raises(Invalid, match="future"):
        services.responder_report_position(responder=ivpa.lars, latitude=59.6, longitude=16.5,
                                           at=timezone.now() + timedelta(seconds=61))
    ivpa.lars.refresh_from_db()
    assert ivpa.lars.latitude == 59.6112


def test_a_position_while_unavailable_is_refused_and_not_kept(ivpa):
    services.responder_update(responder=ivpa.lars, available=False)
    with pytest.raises(Conflict, match="not available"):
        services.responder_report_position(responder=ivpa.lars, latitude=59.6, longitude=16.5)
    ivpa.lars.refresh_from_db()
    assert (ivpa.lars.latitude, ivpa.lars.longitude, ivpa.lars.cell) == (None, None, None)


def test_a_volunteer_position_is_kept_to_three_decimals_and_indexed(ivpa):
    at = timezone.now()
    responder = services.responder_report_position(
        responder=ivpa.lars, latitude="59.6123456", longitude=16.5478912, at=at)
    responder.refresh_from_db()
    assert (responder.latitude, responder.longitude) == (59.612, 16.548)
    assert responder.position_at == at
    assert responder.cell == geo.cell_of(59.612, 16.548)


def test_a_late_older_position_changes_nothing(ivpa):
    now = timezone.now()
    services.responder_report_position(responder=ivpa.lars, latitude=59.62, longitude=16.55,
                                       at=now)
    services.responder_report_position(responder=ivpa.lars, latitude=59.70, longitude=16.60,
                                       at=now - timedelta(seconds=30))
    ivpa.lars.refresh_from_db()
    assert (ivpa.lars.latitude, ivpa.lars.position_at) == (59.62, now)


def test_a_unit_position_is_kept_as_reported(ivpa):
    unit = services.responder_report_position(responder=ivpa.rtj2110, latitude=59.6123456,
                                              longitude=16.5478912)
    unit.refresh_from_db()
    assert (unit.latitude, unit.longitude) == (59.6123456, 16.5478912)


def test_going_unavailable_forgets_the_position_and_the_cell(ivpa):
    assert ivpa.lars.cell is not None
    responder = services.responder_update(responder=ivpa.lars, available=False)
    responder.refresh_from_db()
    assert responder.available is False
    assert (responder.latitude, responder.longitude, responder.position_at, responder.cell) == (
        None, None, None, None)
    assert responder.available_changed_at is not None


def test_becoming_available_again_needs_a_valid_training(ivpa):
    services.responder_update(responder=ivpa.lars, available=False)
    Responder.objects.filter(pk=ivpa.lars.pk).update(
        training_confirmed_at=timezone.now() - timedelta(days=settings.IVPA_TRAINING_VALID_DAYS
                                                         + 1))
    with pytest.raises(Conflict, match="Confirm your training again"):
        services.responder_update(responder=ivpa.lars, available=True)
    responder = services.responder_update(responder=ivpa.lars, available=True,
                                          training_confirmed=True)
    assert responder.available is True
    assert responder.cell is None  # no position until the phone sends one


def test_own_hours_need_both_ends(ivpa):
    from datetime import time

    with pytest.raises(Invalid, match="both the start and the end"):
        services.responder_update(responder=ivpa.lars, hours_start=time(8))
    ivpa.lars.refresh_from_db()
    assert (ivpa.lars.hours_start, ivpa.lars.hours_end) == (None, None)


# --- the end -------------------------------------------------------------------------------


def test_the_end_stands_down_the_alerted_and_tells_those_on_the_way(callout, ivpa):
    case, co, alerts = callout()
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_decline(alert=alerts["nils"], by=ivpa.nils.user)
    ended = services.callout_end(callout=co, reason=CalloutEnd.CANCELLED)
    assert (ended.end_reason, ended.ended_at is not None) == ("cancelled", True)
    lars, eva, nils = (fresh(alerts[n]) for n in ("lars", "eva", "nils"))
    assert (lars.status, lars.ended_at is not None) == (AlertStatus.ACCEPTED, True)
    assert (eva.status, eva.ended_at is not None) == (AlertStatus.STOOD_DOWN, True)
    assert (nils.status, nils.ended_at) == (AlertStatus.DECLINED, None)
    [to_lars] = responder_events(ivpa.lars, "alert.ended")
    assert (to_lars.data["status"], to_lars.data["reason"]) == ("accepted", "cancelled")
    [to_eva] = responder_events(ivpa.eva, "alert.ended")
    assert (to_eva.data["status"], to_eva.data["reason"]) == ("stood_down", "cancelled")
    assert not responder_events(ivpa.nils, "alert.ended").exists()
    [summary] = Event.objects.filter(stream=IVPA_STREAM, type="callout.ended")
    assert summary.data["end_reason"] == "cancelled"
    assert summary.data["counts"]["stood_down"] == 3  # eva, olle and the fire unit
    assert not pending(services.WAVE_TIMER, co).exists()
    assert not pending(services.END_TIMER, co).exists()


def test_ending_twice_is_a_conflict(callout, ivpa):
    case, co, alerts = callout()
    services.callout_end(callout=co, reason=CalloutEnd.AMBULANCE_ARRIVED)
    with pytest.raises(Conflict, match="already ended"):
        services.callout_end(callout=co, reason=CalloutEnd.CANCELLED)
    co.refresh_from_db()
    assert co.end_reason == "ambulance_arrived"


def test_a_new_callout_may_start_for_the_case_after_the_end(callout, ivpa):
    case, co, alerts = callout()
    services.callout_end(callout=co, reason=CalloutEnd.CANCELLED)
    again = services.callout_start(case=case, by=None)
    assert again.pk != co.pk and again.is_active


# --- what a responder is told --------------------------------------------------------------

SECRETS = ("Tolvan", "19121212-1212", "Stora torget", "K4711#")


def test_a_responder_stream_never_carries_the_patient_or_the_address(arrest, ivpa):
    case = arrest(door_code="K4711#", notes="Tolvan har hjärtfel",
                  safety_warning="")
    co = Callout.objects.get(case=case)
    alerts = alerts_of(case)
    services.alert_seen(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_arrive(alert=alerts["lars"], by=ivpa.lars.user)
    services.alert_decline(alert=alerts["eva"], by=ivpa.eva.user)
    services.responder_test_alarm(responder=ivpa.nils)
    services.callout_end(callout=co, reason=CalloutEnd.AMBULANCE_ARRIVED)
    streams = [responder_stream(r.user_id) for r in ivpa.responders.values()]
    events = list(Event.objects.filter(stream__in=streams))
    assert {e.type for e in events} >= {"alert.created", "alert.updated", "alert.ended",
                                        "alert.test"}
    for event in events:
        text = json.dumps(event.data, ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in text, f"{event.stream} {event.type} carries {secret!r}"
        assert not {"patient_name", "personal_identity_number", "address", "door_code",
                    "latitude", "longitude", "notes"} & set(event.data)
    # The case's facts are on the case, so the check above is not vacuous.
    assert case.patient_name.startswith("Tolvan") and "Stora torget" in case.address


def test_the_dispatchers_stream_says_who_is_coming_but_not_where_they_are(callout, ivpa):
    case, co, alerts = callout()
    services.alert_accept(alert=alerts["lars"], by=ivpa.lars.user)
    [started] = Event.objects.filter(stream=IVPA_STREAM, type="callout.started")
    names = {a["name"] for a in started.data["alerts"]}
    assert "Lars Frivillig" in names
    for event in Event.objects.filter(stream=IVPA_STREAM):
        alerts_data = event.data.get("alerts", [event.data])
        for item in alerts_data:
            assert not {"latitude", "longitude"} & set(item)



def test_the_coverage_served_to_the_console_is_the_rule_eligibility_applies(ivpa, arrest):
    # The console shows its IVPA panel for what selectors.coverage() says (frontend/tables.py);
    # the same rule (ALERT_PRIORITIES, the connected municipalities' case types) decides.
    from ivpa.selectors import coverage
    assert coverage() == {"priorities": ["1A", "1B"],
                          "case_types": sorted(ivpa.vasteras.case_types)}
    now = timezone.now()
    for priority, case_type in (("2A", "cardiac_arrest"), ("1A", "chest_pain")):
        case = arrest(priority=priority, mbs_priority=priority, case_type=case_type)
        assert services.callout_eligibility(case, now=now)[0] is None
    # A municipality that is not connected adds nothing; a connected one adds its types.
    ivpa.sala.case_types = ["trauma"]
    ivpa.sala.save(update_fields=["case_types"])
    assert "trauma" not in coverage()["case_types"]
    ivpa.vasteras.case_types = [*ivpa.vasteras.case_types, "drowning"]
    ivpa.vasteras.save(update_fields=["case_types"])
    assert "drowning" in coverage()["case_types"]
