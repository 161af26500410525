"""Reads of the pledges (*utlovade resurser*): each region's pledges against the rule (at least
INCIDENT_PLEDGE_MINIMUM secondary transports per region), and the units of this centre's own
regions held for a confirmed incident (dispatch/holds.py asks on every ranking)."""

from collections.abc import Collection

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.choices import choice_label
from core.times import iso
from crews.models import Unit

from ..models import (
    SECONDARY_TRANSPORT_KINDS,
    AlarmRegion,
    IncidentState,
    MajorIncident,
    Pledge,
    PledgeKind,
)


def pledge_data(pledge: Pledge) -> dict:
    """A pledge as the incident's detail shows it (the shared contract, PREAMBLE)."""
    by = pledge.pledged_by
    return {
        "id": pledge.pk, "kind": pledge.kind, "kind_text": choice_label(PledgeKind, pledge.kind),
        "count": pledge.count,
        "units": [{"id": u.pk, "call_sign": u.call_sign} for u in pledge.units.all()],
        "available_at": iso(pledge.available_at), "report_to": pledge.report_to,
        "note": pledge.note, "via": pledge.via, "via_text": choice_label(Pledge.Via, pledge.via),
        "pledged_by": pledge.pledged_by_name or (str(by) if by is not None else ""),
        "created_at": iso(pledge.created_at), "withdrawn_at": iso(pledge.withdrawn_at),
    }


def pledges_loaded(queryset):
    """What pledge_data reads, in two queries for any number of pledges."""
    return queryset.select_related("pledged_by").prefetch_related(
        Prefetch("units", queryset=Unit.objects.only("pk", "call_sign").order_by("call_sign")))


def secondary_pledged(pledges: Collection[Pledge]) -> int:
    """The secondary transports that count toward the rule: not withdrawn, of those kinds."""
    return sum(p.count for p in pledges
               if p.withdrawn_at is None and p.kind in SECONDARY_TRANSPORT_KINDS)


def pledges_by_region(*, incident: MajorIncident) -> dict[int, dict]:
    """{alarm region id: {"pledged", "rule_met", "pledges"}} for every active region and any
    other that pledged, in three queries. `pledged` counts the secondary transports not
    withdrawn; `rule_met` whether they reach INCIDENT_PLEDGE_MINIMUM."""
    minimum = settings.INCIDENT_PLEDGE_MINIMUM
    pledges = list(pledges_loaded(Pledge.objects.filter(incident=incident)))
    found: dict[int, list[Pledge]] = {
        pk: [] for pk in AlarmRegion.objects.filter(active=True).values_list("pk", flat=True)}
    for pledge in pledges:
        found.setdefault(pledge.alarm_region_id, []).append(pledge)
    answer = {}
    for region_id, these in found.items():
        pledged = secondary_pledged(these)
        answer[region_id] = {"pledged": pledged, "rule_met": pledged >= minimum,
                             "pledges": [pledge_data(p) for p in these]}
    return answer


def regions_pledged(*, incident: MajorIncident, also: Collection[int] = ()) -> list[dict]:
    """Each region (every active one, any other that pledged, and those of `also`) in the
    regions' order with its pledges and the rule: {id, code, name, own, pledged, rule_met,
    pledges}. The pledges' API and the printable report read this."""
    by_region = pledges_by_region(incident=incident)
    empty = {"pledged": 0, "rule_met": False, "pledges": []}
    regions = AlarmRegion.objects.filter(pk__in=set(by_region) | set(also)).order_by(
        "sort_order", "name")
    return [{"id": r.pk, "code": r.code, "name": r.name, "own": r.region_id is not None,
             **by_region.get(r.pk, empty)} for r in regions]


def units_held(unit_ids: Collection[int] | None = None,
               case_id: int | None = None) -> dict[int, str]:
    """The units pledged (not withdrawn) to a confirmed incident that has not been stood down:
    {unit id: why, in words}. `unit_ids` None: of every unit; `case_id`: leave out the units
    held for an incident that case belongs to (they may go to its own cases). One query (the
    recommended units ask on every ranking: dispatch/holds.py)."""
    rows = Pledge.units.through.objects.filter(pledge__withdrawn_at__isnull=True,
                                               pledge__incident__state=IncidentState.CONFIRMED)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    if case_id is not None:
        rows = rows.exclude(pledge__incident__cases=case_id)
    held: dict[int, str] = {}
    for unit_id, title, exercise in rows.order_by("pledge__incident__confirmed_at").values_list(
            "unit_id", "pledge__incident__title", "pledge__incident__exercise"):
        if exercise:
            title = _("%(title)s (exercise)") % {"title": title}
        held.setdefault(unit_id, _("Pledged to the major incident: %(title)s") % {"title": title})
    return held
