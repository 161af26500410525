"""IVPA follow-up per municipality and month (ivpa/measures.py), on a hand-made history."""

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.models import Case
from ivpa.measures import ivpa_measures, month_bounds
from ivpa.models import Callout, Municipality, ResponderAlert


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def history(ivpa, new_case):
    """March 2025 (Stockholm time; CET until 30 March, CEST after):

    Västerås, three callouts, registration -> first alert 10 / 20 / 60 s, -> first accept
    40 / 90 / none, -> first arrival 300 / none / none. Alerts: 3 (2 ever accepted, one of
    them declined afterwards), 2 (1), 1 (0). One more Västerås callout just outside the month
    on each side. Sala (not connected now) had one callout without any alert.
    """
    Municipality.objects.update(connected_at=None)
    Municipality.objects.filter(pk=ivpa.vasteras.pk).update(connected_at=at(2025, 1, 1))
    Municipality.objects.filter(name="Uppsala").update(connected_at=at(2025, 3, 15))
    # 1 April 00:00 in Stockholm: connected after the month, not at its end.
    Municipality.objects.filter(name="Eskilstuna").update(connected_at=at(2025, 3, 31, 22))

    def callout(municipality, registered, alert_s=None, accept_s=None, arrival_s=None,
                alerts=()):
        case = new_case()
        Case.objects.filter(pk=case.pk).update(registered_at=registered)

        def after(seconds):
            return registered + timedelta(seconds=seconds) if seconds is not None else None

        made = Callout.objects.create(
            case=case, municipality=municipality, started_at=registered + timedelta(seconds=2),
            first_alert_at=after(alert_s), first_accept_at=after(accept_s),
            first_arrival_at=after(arrival_s), ended_at=registered + timedelta(hours=1))
        for responder, status, accepted in alerts:
            ResponderAlert.objects.create(
                callout=made, responder=responder, kind=responder.kind, wave=1,
                distance_m=500, eta_s=300, status=status, alerted_at=after(alert_s),
                accepted_at=after(accepted))
        return made

    v = ivpa.vasteras
    # 00:30 on 1 March in Stockholm (23:30 UTC the day before): in March.
    callout(v, at(2025, 2, 28, 23, 30), 10, 40, 300, alerts=[
        (ivpa.lars, "arrived", 40), (ivpa.eva, "declined", None),
        (ivpa.nils, "declined", 55)])
    callout(v, at(2025, 3, 12, 14, 0), 20, 90, alerts=[
        (ivpa.lars, "accepted", 90), (ivpa.olle, "stood_down", None)])
    callout(v, at(2025, 3, 31, 21, 0), 60, alerts=[(ivpa.eva, "not_needed", None)])
    # 22:59 UTC on 28 February is 23:59 in Stockholm: still February.
    callout(v, at(2025, 2, 28, 22, 59), 1, 1, 1, alerts=[(ivpa.lars, "accepted", 1)])
    # 22:30 UTC on 31 March is 00:30 on 1 April (CEST): April.
    callout(v, at(2025, 3, 31, 22, 30), 1, 1, 1, alerts=[(ivpa.lars, "accepted", 1)])
    callout(ivpa.sala, at(2025, 3, 20, 8, 0))
    return ivpa


def test_medians_counts_and_acceptance_per_municipality(history):
    result = ivpa_measures(year=2025, month=3)
    assert (result["year"], result["month"]) == (2025, 3)
    rows = {r["municipality"]: r for r in result["municipalities"]}
    assert list(rows) == ["Sala", "Uppsala", "Västerås"]  # by name; Eskilstuna joined later
    assert rows["Västerås"] == {
        "municipality": "Västerås", "code": "1980", "callouts": 3, "alerts": 6,
        "accepted": 3, "acceptance_rate": 0.5,
        "median_s_to_first_alert": 20.0, "median_s_to_first_accept": 65.0,
        "median_s_to_first_arrival": 300.0,
    }
    assert rows["Uppsala"] == {
        "municipality": "Uppsala", "code": "0380", "callouts": 0, "alerts": 0,
        "accepted": 0, "acceptance_rate": None, "median_s_to_first_alert": None,
        "median_s_to_first_accept": None, "median_s_to_first_arrival": None,
    }
    assert rows["Sala"]["callouts"] == 1 and rows["Sala"]["alerts"] == 0
    assert rows["Sala"]["acceptance_rate"] is None


def test_connected_municipalities_now_and_at_the_end_of_the_month(history):
    result = ivpa_measures(year=2025, month=3)
    assert result["connected_at_month_end"] == 2      # Västerås, Uppsala
    assert result["connected_municipalities"] == 3    # and Eskilstuna since 1 April


def test_neighbouring_months_get_the_callouts_just_outside(history):
    february = {r["municipality"]: r for r in ivpa_measures(year=2025, month=2)
                ["municipalities"]}
    april = {r["municipality"]: r for r in ivpa_measures(year=2025, month=4)["municipalities"]}
    assert february["Västerås"]["callouts"] == 1
    assert february["Västerås"]["median_s_to_first_alert"] == 1.0
    assert april["Västerås"]["callouts"] == 1 and april["Västerås"]["acceptance_rate"] == 1.0
    assert "Uppsala" not in february  # connected on 15 March
    assert ivpa_measures(year=2025, month=2)["connected_at_month_end"] == 1


def test_month_bounds_follow_the_centres_time_zone():
    start, end = month_bounds(2025, 12)
    assert start.isoformat() == "2025-12-01T00:00:00+01:00"
    assert end.isoformat() == "2026-01-01T00:00:00+01:00"
    assert month_bounds(2025, 4)[0].utcoffset() == timedelta(hours=2)
    with pytest.raises(ValueError):
        month_bounds(2025, 13)
