"""Event payloads of first-responder alerting. A responder's events say what kind of case
and how far, never the address, the door code or the patient: those come over HTTP after
accepting, where the read is logged. The dispatchers' events carry who is coming."""

from datetime import timedelta

from core.times import iso
from crews.streams import unit_stream
from dispatch.selectors import units_on_case
from realtime.services import event_publish, events_publish

from .geo import coarse
from .models import AlertStatus, Callout, ResponderAlert
from .selectors import responders_at_case
from .streams import IVPA_STREAM, responder_stream

# The event a unit's crew hears when the first responders on their way to or at its case
# change (crew_responders()): the card's "IVPA" part.
CREW_RESPONDERS_EVENT = "responders.updated"


def alert_for_responder(alert: ResponderAlert) -> dict:
    callout = alert.callout
    return {
        "id": alert.pk,
        "callout": alert.callout_id,
        "case_type": callout.case.case_type,
        "kind": alert.kind,
        "status": alert.status,
        "route": alert.route,
        "distance_m": alert.distance_m,
        "eta_s": alert.eta_s,
        "eta_source": alert.eta_source,
        "wave": alert.wave,
        "alerted_at": iso(alert.alerted_at),
        "accepted_at": iso(alert.accepted_at),
        "arrived_at": iso(alert.arrived_at),
        "ended_at": iso(alert.ended_at),
        "reason": callout.end_reason,
    }


def alert_for_dispatcher(alert: ResponderAlert) -> dict:
    responder = alert.responder
    return {
        "id": alert.pk,
        "callout": alert.callout_id,
        "case": alert.callout.case_id,
        "responder": alert.responder_id,
        "name": str(responder.user),
        "phone_number": responder.user.phone_number,
        "kind": alert.kind,
        "wave": alert.wave,
        "distance_m": alert.distance_m,
        "eta_s": alert.eta_s,
        "eta_source": alert.eta_source,
        "status": alert.status,
        "route": alert.route,
        "aed": alert.aed.name if alert.aed_id else "",
        "alerted_at": iso(alert.alerted_at),
        "seen_at": iso(alert.seen_at),
        "accepted_at": iso(alert.accepted_at),
        "declined_at": iso(alert.declined_at),
        "arrived_at": iso(alert.arrived_at),
        "ended_at": iso(alert.ended_at),
        "position": responder_position(alert),
    }


def responder_position(alert: ResponderAlert) -> dict | None:
    """Where an accepted responder is on the way, for the dispatchers' map (*på väg*): coarse
    (about 100 m, whatever the kind), and only while the alert is accepted and its callout
    runs; nothing once they arrived, declined or were stood down, or the callout ended. The
    dispatchers' payload only: a responder never sees another's position."""
    responder = alert.responder
    if (alert.status != AlertStatus.ACCEPTED or alert.ended_at is not None
            or alert.callout.ended_at is not None or responder.latitude is None
            or responder.longitude is None):
        return None
    return {"latitude": coarse(responder.latitude), "longitude": coarse(responder.longitude),
            "at": iso(responder.position_at)}


def callout_summary(callout: Callout, alerts: list[ResponderAlert] | None = None) -> dict:
    alerts = alerts if alerts is not None else list(callout.alerts.all())
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.status] = counts.get(alert.status, 0) + 1
    return {
        "id": callout.pk,
        "case": callout.case_id,
        "case_reference": callout.case.reference,
        "municipality": callout.municipality.name,
        "started_at": iso(callout.started_at),
        "automatic": callout.started_by_id is None,
        "waves": callout.waves,
        "radius_m": callout.radius_m,
        "next_wave_at": iso(callout.next_wave_at),
        "exhausted": callout.exhausted,
        "volunteers_excluded": callout.volunteers_excluded,
        "needed": callout.municipality.needed,
        "ambulance_eta_s": callout.ambulance_eta_s,
        "ambulance_eta_source": callout.ambulance_eta_source,
        "first_alert_at": iso(callout.first_alert_at),
        "first_accept_at": iso(callout.first_accept_at),
        "first_arrival_at": iso(callout.first_arrival_at),
        "satisfied_at": iso(callout.satisfied_at),
        "ended_at": iso(callout.ended_at),
        "end_reason": callout.end_reason,
        "outcome": callout.outcome,
        "counts": counts,
        "alerts": [alert_for_dispatcher(a) for a in alerts],
    }


def publish_to_responder(alert: ResponderAlert, type: str) -> None:
    event_publish(stream=responder_stream(alert.responder.user_id), type=type,
                  data=alert_for_responder(alert))


def publish_wave(callout: Callout, alerts: list[ResponderAlert],
                 every: list[ResponderAlert]) -> None:
    """A wave (*larmvåg*): each new responder's alert first, then the callout with `every`
    alert for the dispatchers, stored and sent as one batch."""
    events_publish(events=[
        *((responder_stream(a.responder.user_id), "alert.created", alert_for_responder(a))
          for a in alerts),
        (IVPA_STREAM, "callout.wave" if callout.waves > 1 else "callout.started",
         callout_summary(callout, every)),
    ])


def publish_alert(alert: ResponderAlert, type: str, *, to_responder: bool = True,
                  to_crews: bool = True) -> None:
    """One alert changed: its responder's devices and the dispatchers are told, and the crews
    on the case unless nothing their card shows changed (`to_crews=False`: a position report
    on the way, the device's receipt: crew_responders() shows neither)."""
    # The responder's event first: it is the one a person waits for.
    if to_responder:
        publish_to_responder(alert, type)
    event_publish(stream=IVPA_STREAM, type="alert.updated", data=alert_for_dispatcher(alert))
    if to_crews:
        publish_to_crews(alert.callout.case_id)


def publish_alerts(alerts: list[ResponderAlert], type: str) -> None:
    """publish_alert() for many alerts in one batch: the responders' events first."""
    events_publish(events=[
        *((responder_stream(a.responder.user_id), type, alert_for_responder(a)) for a in alerts),
        *((IVPA_STREAM, "alert.updated", alert_for_dispatcher(a)) for a in alerts),
    ])
    for case_id in sorted({a.callout.case_id for a in alerts}):
        publish_to_crews(case_id)


def publish_callout(callout: Callout, type: str,
                    alerts: list[ResponderAlert] | None = None) -> None:
    """The callout as a whole, with every alert (one event for a whole wave)."""
    event_publish(stream=IVPA_STREAM, type=type, data=callout_summary(callout, alerts))


def crew_responders(case_id: int, alerts: list[ResponderAlert]) -> dict:
    """The first responders at a case as its ambulance crew sees them (*IVPA på väg*): how many
    are on their way and how many have arrived, how many bring a defibrillator, and each one's
    kind, status and expected arrival; never a name, a phone number or a position."""
    on_the_way = [a for a in alerts if a.status == AlertStatus.ACCEPTED]
    arrived = [a for a in alerts if a.status == AlertStatus.ARRIVED]
    return {
        "case": case_id,
        "on_the_way": len(on_the_way),
        "arrived": len(arrived),
        "with_aed": sum(1 for a in alerts if a.aed_id),
        "responders": [{
            "id": a.pk,
            "kind": a.kind,
            "status": a.status,
            "with_aed": a.aed_id is not None,
            "expected_at": (iso(a.accepted_at + timedelta(seconds=a.eta_s))
                            if a.status == AlertStatus.ACCEPTED and a.accepted_at else None),
            "arrived_at": iso(a.arrived_at),
        } for a in alerts],
    }


def publish_to_crews(case_id: int) -> None:
    """The crews of the units on `case_id` hear who of the first responders is coming (one
    event per unit, `assignment` naming theirs)."""
    units = units_on_case(case_id)
    if not units:
        return
    summary = crew_responders(case_id, responders_at_case(case_id))
    events_publish(events=[(unit_stream(unit_id), CREW_RESPONDERS_EVENT,
                            {**summary, "assignment": assignment_id})
                           for assignment_id, unit_id in units])
