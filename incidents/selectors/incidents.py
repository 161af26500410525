"""Reads of incidents: the list (newest first) and the detail every console and TiB's phone
fetches again on each event of the incidents stream, so it is loaded in a fixed, small number
of queries whatever the number of regions, contacts, pledges and log entries."""

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.roles import is_tib
from core.choices import choice_label
from core.times import iso
from dispatch.models import Case

from ..endpoints import CAP_NOT_HTTPS_ERROR, CAP_WAITING_ERROR
from ..models import (
    AlarmRegion,
    CapDeliveryState,
    ContactAlarm,
    ContactKind,
    IncidentLogEntry,
    IncidentState,
    MajorIncident,
    RegionAlarm,
    SituationReport,
    TriageDecision,
)
from ..triage_indicators import indicator_items
from .log import log_text
from .pledges import pledges_by_region

ACTIVE_STATES = (IncidentState.RAISED, IncidentState.CONFIRMED)
LIST_LIMIT = 200
CAP_STATE_TEXT = {"none": lambda: _("No CAP endpoint"),
                  "pending": lambda: _("Not delivered yet"),
                  "delivered": lambda: str(CapDeliveryState.DELIVERED.label),
                  "stopped": lambda: str(CapDeliveryState.STOPPED.label)}


def _name(user) -> str | None:
    if user is None:
        return None
    return user.display_name or user.username


def _region(region) -> dict:
    return {"id": region.pk, "code": region.code, "name": region.name}


def incident_list(*, state: str | None = None) -> QuerySet[MajorIncident]:
    """Newest first; `state` "active" for raised and confirmed, or one state's code. The
    triage mode and the alarm's counts come as subqueries (one query for the list)."""
    latest_triage = (TriageDecision.objects.filter(incident=OuterRef("pk"))
                     .order_by("-decided_at", "-pk").values("active")[:1])
    alarmed = (RegionAlarm.objects.filter(incident=OuterRef("pk")).order_by()
               .values("incident").annotate(n=Count("pk")).values("n"))
    acknowledged = (RegionAlarm.objects.filter(incident=OuterRef("pk"),
                                               acknowledged_at__isnull=False).order_by()
                    .values("incident").annotate(n=Count("pk")).values("n"))
    qs = MajorIncident.objects.select_related("region").annotate(
        triage_active=Subquery(latest_triage), regions_alarmed=Subquery(alarmed),
        regions_acknowledged=Subquery(acknowledged))
    if state == "active":
        qs = qs.filter(state__in=ACTIVE_STATES)
    elif state:
        qs = qs.filter(state=state)
    return qs


def incident_row(incident: MajorIncident) -> dict:
    """A list row (no case data: the list shows no patient)."""
    return {
        "id": incident.pk, "title": incident.title, "state": incident.state,
        "state_text": choice_label(IncidentState, incident.state),
        "exercise": incident.exercise, "region": _region(incident.region),
        "location": incident.location, "raised_at": iso(incident.raised_at),
        "confirmed_at": iso(incident.confirmed_at), "stood_down_at": iso(incident.stood_down_at),
        "triage_active": bool(getattr(incident, "triage_active", False)),
        "regions_acknowledged": getattr(incident, "regions_acknowledged", None) or 0,
        "regions_alarmed": getattr(incident, "regions_alarmed", None) or 0,
    }


def incident_queryset() -> QuerySet[MajorIncident]:
    """Everything incident_detail reads, prefetched."""
    return MajorIncident.objects.select_related(
        "region", "raised_by", "confirmed_by", "rejected_by", "stood_down_by",
    ).prefetch_related(
        Prefetch("cases", queryset=Case.objects.only(
            "pk", "reference", "address", "complaint", "priority", "personal_identity_number"
        ).order_by("registered_at", "pk")),
        Prefetch("region_alarms", queryset=RegionAlarm.objects.prefetch_related(
            Prefetch("contact_alarms", queryset=ContactAlarm.objects.select_related("contact")
                     .order_by("contact__kind", "contact__name", "pk")),
            "cap_deliveries")),
        Prefetch("triage_decisions", queryset=TriageDecision.objects.select_related(
            "decided_by").order_by("-decided_at", "-pk")[:1], to_attr="latest_triage"),
        Prefetch("reports", queryset=SituationReport.objects.select_related(
            "written_by").order_by("-version")[:1], to_attr="latest_report"),
        Prefetch("log", queryset=IncidentLogEntry.objects.select_related(
            "alarm_region").order_by("at", "pk")),
    )


def incident_get(*, pk: int) -> MajorIncident | None:
    return incident_queryset().filter(pk=pk).first()


def _cap_state(alarm: RegionAlarm, deliveries: list) -> str:
    """Delivered once its Alert was (delivered_at); stopped when nothing is on its way any
    more (the incident stood down before the alarm got through)."""
    if alarm.delivered_at is not None:
        return "delivered"
    if not deliveries:
        return "none"
    if any(d.state == CapDeliveryState.PENDING for d in deliveries):
        return "pending"
    return "stopped"


def cap_error_text(delivery) -> str:
    """Why a delivery is not through yet, in the viewer's words (the endpoint's own answer,
    an exception's text, an identifier stay in CapDelivery.last_error: the admin's and the
    log's)."""
    if delivery is None or delivery.state == CapDeliveryState.DELIVERED:
        return ""
    if delivery.state == CapDeliveryState.STOPPED:
        return _("Stopped: the incident was stood down before the alarm got through")
    error, status = delivery.last_error, delivery.last_status
    if error.startswith(CAP_WAITING_ERROR):
        return _("Waiting for the alarm to be delivered first")
    if status is not None and not 200 <= status < 300:
        if status >= 500 or status == 429:
            return _("The region's receiver answered %(status)s (a temporary fault)") % {
                "status": status}
        return _("The region's receiver refused the message (%(status)s)") % {
            "status": status}
    if error.startswith(CAP_NOT_HTTPS_ERROR):
        return _("The region's receiver address is not https: an administrator must "
                 "correct it")
    if error:
        return _("Could not reach the region's receiver")
    return ""


def region_alarm_data(alarm: RegionAlarm) -> dict:
    """A region's alarm: sent, CAP delivered (the latest delivery's attempts and error),
    acknowledged (by whom, how), the blood centre's acknowledgement, each contact's."""
    deliveries = sorted(alarm.cap_deliveries.all(), key=lambda d: (d.created_at, d.pk))
    latest = deliveries[-1] if deliveries else None
    cap_state = _cap_state(alarm, deliveries)
    return {
        "sent_at": iso(alarm.sent_at), "delivered_at": iso(alarm.delivered_at),
        "cap_state": cap_state, "cap_state_text": CAP_STATE_TEXT[cap_state](),
        "cap_attempts": latest.attempts if latest else 0,
        "cap_error": cap_error_text(latest),
        "acknowledged_at": iso(alarm.acknowledged_at),
        "acknowledged_by": alarm.acknowledged_by,
        "acknowledged_via": alarm.acknowledged_via,
        "acknowledged_via_text": (choice_label(RegionAlarm.Via, alarm.acknowledged_via)
                                  if alarm.acknowledged_via else ""),
        "blood_centre_acknowledged_at": iso(alarm.blood_centre_acknowledged_at),
        "blood_centre_acknowledged_by": alarm.blood_centre_acknowledged_by,
        "contacts": _contacts_data(alarm),
    }


def _contacts_data(alarm: RegionAlarm) -> list[dict]:
    """Each contact once (a reminder is a new link of the same contact): when first texted,
    and when acknowledged through any of their links."""
    contacts = {}
    for c in alarm.contact_alarms.all():
        row = contacts.setdefault(c.contact_id, {
            "name": c.contact.name, "kind": c.contact.kind,
            "kind_text": choice_label(ContactKind, c.contact.kind), "sent_at": c.sent_at,
            "acknowledged_at": None})
        row["sent_at"] = min(row["sent_at"], c.sent_at)
        if c.acknowledged_at is not None:
            row["acknowledged_at"] = min(filter(None, (row["acknowledged_at"],
                                                       c.acknowledged_at)))
    return [{**row, "sent_at": iso(row["sent_at"]), "acknowledged_at": iso(row["acknowledged_at"])}
            for row in contacts.values()]


def _regions_data(incident: MajorIncident) -> list[dict]:
    """Every active region (and any other the alarm reached) with its alarm and pledges."""
    alarms = {a.alarm_region_id: a for a in incident.region_alarms.all()}
    regions = list(AlarmRegion.objects.filter(Q(active=True) | Q(pk__in=list(alarms))))
    pledged = pledges_by_region(incident=incident)
    empty = {"pledged": 0, "rule_met": False, "pledges": []}
    answer = []
    for region in regions:
        alarm = alarms.get(region.pk)
        pledges = pledged.get(region.pk, empty)
        answer.append({
            "id": region.pk, "code": region.code, "name": region.name,
            "own": region.region_id is not None, "has_endpoint": bool(region.cap_endpoint),
            "alarm": region_alarm_data(alarm) if alarm is not None else None,
            "pledged": pledges["pledged"], "rule_met": pledges["rule_met"],
            "pledges": pledges["pledges"],
        })
    return answer


def triage_data(decision: TriageDecision | None) -> dict | None:
    if decision is None:
        return None
    return {"active": decision.active, "indicators": indicator_items(decision.indicators),
            "note": decision.note, "decided_by": _name(decision.decided_by),
            "decided_at": iso(decision.decided_at)}


def report_data(report: SituationReport | None) -> dict | None:
    if report is None:
        return None
    return {
        "version": report.version, "major_incident_declared": report.major_incident_declared,
        "exact_location": report.exact_location, "incident_type": report.incident_type,
        "hazards": report.hazards, "access": report.access,
        "casualties_total": report.casualties_total, "casualties_red": report.casualties_red,
        "casualties_yellow": report.casualties_yellow,
        "casualties_green": report.casualties_green, "casualties_dead": report.casualties_dead,
        "services_present": report.services_present,
        "services_required": report.services_required,
        "written_by": _name(report.written_by), "written_at": iso(report.written_at),
    }


def log_data(entry: IncidentLogEntry) -> dict:
    return {"at": iso(entry.at), "kind": entry.kind, "text": log_text(entry), "by": entry.by_name,
            "region": entry.alarm_region.name if entry.alarm_region_id else None}


def incident_detail(incident: MajorIncident, *, viewer) -> dict:
    """The incident as the console and TiB's phone show it (the shared contract, PREAMBLE).
    Its cases carry patient data (address, complaint): answer it only through
    incidents.access, which records the read."""
    triage = incident.latest_triage[0] if incident.latest_triage else None
    report = incident.latest_report[0] if incident.latest_report else None
    return {
        "id": incident.pk, "title": incident.title, "state": incident.state,
        "state_text": choice_label(IncidentState, incident.state),
        "exercise": incident.exercise, "region": _region(incident.region),
        "location": incident.location, "latitude": incident.latitude,
        "longitude": incident.longitude,
        "cases": [{"id": c.pk, "reference": c.reference, "address": c.address,
                   "complaint": c.complaint, "priority": c.priority}
                  for c in incident.cases.all()],
        "raised_by": _name(incident.raised_by), "raised_at": iso(incident.raised_at),
        "confirmed_by": _name(incident.confirmed_by),
        "confirmed_at": iso(incident.confirmed_at),
        "rejected_by": _name(incident.rejected_by), "rejected_at": iso(incident.rejected_at),
        "reject_reason": incident.reject_reason,
        "stood_down_by": _name(incident.stood_down_by),
        "stood_down_at": iso(incident.stood_down_at),
        "stand_down_note": incident.stand_down_note,
        "may_decide": is_tib(viewer),
        "pledge_minimum": settings.INCIDENT_PLEDGE_MINIMUM,
        "regions": _regions_data(incident),
        "triage": triage_data(triage),
        "report": report_data(report),
        "log": [log_data(e) for e in incident.log.all()],
    }


def alarm_regions() -> QuerySet[AlarmRegion]:
    """The configured regions of the healthcare region, active first in their order."""
    return AlarmRegion.objects.select_related("region").order_by("-active", "sort_order",
                                                                 "name")


def alarm_region_data(region: AlarmRegion) -> dict:
    return {"id": region.pk, "code": region.code, "name": region.name,
            "active": region.active, "own": region.region_id is not None,
            "region": region.region_id, "has_endpoint": bool(region.cap_endpoint)}
