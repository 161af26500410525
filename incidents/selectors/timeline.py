"""The incident's timeline for the follow-up (*tidslinje*): every step of its log with its
time, and the times that matter counted from the first case (its registration; the raise when
it came first or there is no case): to the raise, to TiB's confirmation, to the alarm reaching
each region (its CAP message delivered or its acknowledgement, whichever came first), to each
region's acknowledgement and to the pledge that met the rule (INCIDENT_PLEDGE_MINIMUM secondary
transports, withdrawn ones taken off from their withdrawal), and to the stand-down. No patient
data: the cases give only their times."""

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from core.times import iso

from ..models import SECONDARY_TRANSPORT_KINDS, MajorIncident, Pledge, RegionAlarm
from .log import log_text


def duration_text(seconds: float | None) -> str:
    """A duration in words: "42 s", "4 min 12 s", "1 h 3 min 5 s"; "" when there is none."""
    if seconds is None:
        return ""
    sign, whole = ("−", -round(seconds)) if seconds < 0 else ("", round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        text = _("%(h)s h %(m)s min %(s)s s") % {"h": hours, "m": minutes, "s": secs}
    elif minutes:
        text = _("%(m)s min %(s)s s") % {"m": minutes, "s": secs}
    else:
        text = _("%(s)s s") % {"s": secs}
    return sign + text


def _span(start: datetime, at: datetime | None) -> dict:
    seconds = None if at is None else (at - start).total_seconds()
    return {"at": iso(at), "seconds": seconds, "text": duration_text(seconds)}


def rule_met_at(pledges, *, minimum: int) -> datetime | None:
    """When a region's secondary transports first reached `minimum`: the pledges added in the
    order they came, a withdrawn one taken off at its withdrawal."""
    moves = []
    for pledge in pledges:
        if pledge.kind not in SECONDARY_TRANSPORT_KINDS:
            continue
        moves.append((pledge.created_at, 0, pledge.count))
        if pledge.withdrawn_at is not None:
            moves.append((pledge.withdrawn_at, 1, -pledge.count))
    total = 0
    for at, _order, change in sorted(moves, key=lambda m: (m[0], m[1])):
        total += change
        if total >= minimum:
            return at
    return None


def _start(incident: MajorIncident) -> tuple[datetime, str]:
    first = min((case.registered_at for case in incident.cases.all()), default=None)
    if first is None or first > incident.raised_at:
        return incident.raised_at, "raised"
    return first, "case"


def _regions(incident: MajorIncident, start: datetime) -> list[dict]:
    minimum = settings.INCIDENT_PLEDGE_MINIMUM
    alarms = {a.alarm_region_id: a for a in RegionAlarm.objects.filter(
        incident=incident).select_related("alarm_region")}
    pledges: dict[int, list[Pledge]] = {}
    regions = {a.alarm_region_id: a.alarm_region for a in alarms.values()}
    for pledge in Pledge.objects.filter(incident=incident).select_related(
            "alarm_region").order_by("created_at", "pk"):
        pledges.setdefault(pledge.alarm_region_id, []).append(pledge)
        regions.setdefault(pledge.alarm_region_id, pledge.alarm_region)
    rows = []
    for region in sorted(regions.values(), key=lambda r: (r.sort_order, r.name)):
        alarm = alarms.get(region.pk)
        reached = None
        if alarm is not None:
            reached = min((t for t in (alarm.delivered_at, alarm.acknowledged_at) if t),
                          default=None)
        rows.append({
            "id": region.pk, "code": region.code, "name": region.name,
            "alarm_sent": _span(start, alarm.sent_at if alarm else None),
            "alarm_reached": _span(start, reached),
            "acknowledged": _span(start, alarm.acknowledged_at if alarm else None),
            "rule_met": _span(start, rule_met_at(pledges.get(region.pk, []), minimum=minimum)),
        })
    return rows


def incident_timeline(*, incident: MajorIncident) -> dict:
    """The timeline as the API answers it (and the exports and the printable page list it)."""
    start, start_kind = _start(incident)
    steps = [{"at": iso(entry.at), "kind": entry.kind, "text": log_text(entry),
              "by": entry.by_name, "region": entry.alarm_region.name if entry.alarm_region
              else "", "after": _span(start, entry.at)}
             for entry in incident.log.select_related("alarm_region").order_by("at", "pk")]
    return {
        "incident": incident.pk, "title": incident.title, "state": incident.state,
        "state_text": str(incident.get_state_display()), "exercise": incident.exercise,
        "start": {"at": iso(start), "kind": start_kind,
                  "text": _("First case registered") if start_kind == "case"
                  else _("Raised as a possible major incident")},
        "pledge_minimum": settings.INCIDENT_PLEDGE_MINIMUM,
        "raised": _span(start, incident.raised_at),
        "confirmed": _span(start, incident.confirmed_at),
        "stood_down": _span(start, incident.stood_down_at),
        "regions": _regions(incident, start),
        "steps": steps,
    }


def timeline_headers() -> list[str]:
    return [_("Part"), _("Time"), _("Step"), _("By"), _("Region"),
            _("Seconds from the first case"), _("From the first case")]


def timeline_rows(timeline: dict) -> list[list]:
    """The export's rows: the times that matter first, then every step of the log."""
    measured = _("Time to")
    rows = [[measured, timeline["start"]["at"], timeline["start"]["text"], "", "", 0,
             duration_text(0)]]

    def add(label: str, span: dict, region: str = "") -> None:
        if span["at"] is not None:
            rows.append([measured, span["at"], label, "", region,
                         round(span["seconds"]), span["text"]])

    add(_("Raised"), timeline["raised"])
    add(_("Confirmed by TiB"), timeline["confirmed"])
    for region in timeline["regions"]:
        add(_("Alarm reached the region"), region["alarm_reached"], region["name"])
        add(_("The region acknowledged"), region["acknowledged"], region["name"])
        add(_("The pledges met the rule (%(n)s secondary transports)")
            % {"n": timeline["pledge_minimum"]}, region["rule_met"], region["name"])
    add(_("Stood down"), timeline["stood_down"])
    log = _("Log")
    rows.extend([log, step["at"], step["text"], step["by"], step["region"],
                 round(step["after"]["seconds"]), step["after"]["text"]]
                for step in timeline["steps"])
    return rows
