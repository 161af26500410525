"""Pledges (*utlovade resurser*): what a region provides for a confirmed incident, against the
rule that every region provides at least INCIDENT_PLEDGE_MINIMUM secondary transports. Named
units of this centre's own regions are held (incidents.selectors.pledges.units_held, through
dispatch/holds.py) until the pledge is withdrawn or the incident stood down."""

import re
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.roles import follows_incidents
from core.errors import Conflict, Forbidden, Invalid
from core.ids import id_valid
from core.text import text_clean
from crews.models import Unit

from ..models import (
    SECONDARY_TRANSPORT_KINDS,
    AlarmRegion,
    IncidentLogEntry,
    IncidentState,
    MajorIncident,
    Pledge,
    PledgeKind,
)
from ..selectors.pledges import secondary_pledged, units_held
from .events import incident_event_publish
from .log import log_label, log_write

PLEDGE_LOG = "pledge"
PLEDGE_WITHDRAWN_LOG = "pledge_withdrawn"
# A region's secondary transports first reached the rule (the timeline's "fifth pledge").
RULE_MET_LOG = "pledge_rule_met"
COUNT_MAX = 500
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _not_open(incident: MajorIncident) -> Conflict:
    if incident.state == IncidentState.RAISED:
        return Conflict(_("The incident is not confirmed yet: pledges are recorded once TiB "
                          "has confirmed it."))
    if incident.state == IncidentState.REJECTED:
        return Conflict(_("TiB did not confirm this as a major incident: it takes no "
                          "pledges."))
    return Conflict(_("The incident has been stood down: it takes no more pledges, and the "
                      "units pledged to it are released."))


def _alarm_region(value) -> AlarmRegion:
    pk = value.pk if isinstance(value, AlarmRegion) else value
    if isinstance(pk, str) and pk.strip().isdigit():
        pk = int(pk)
    found = None
    if isinstance(pk, int) and not isinstance(pk, bool):
        found = AlarmRegion.objects.filter(pk=pk, active=True).first()
    if found is None:
        names = ", ".join(AlarmRegion.objects.filter(active=True).values_list("name", flat=True))
        raise Invalid(_("Unknown region (%(region)s): choose one of the healthcare region's "
                        "regions: %(regions)s.") % {"region": value, "regions": names})
    return found


def _kind(value) -> str:
    if value not in PledgeKind.values:
        raise Invalid(_("Unknown kind of resource (%(kind)s): choose one of %(kinds)s.") % {
            "kind": value,
            "kinds": ", ".join(f"{str(label).lower()} ({code})"
                               for code, label in PledgeKind.choices)})
    return value


def _count(value, units: Sequence[Unit]) -> int:
    if value is None or value == "":
        if units:
            return len(units)
        raise Invalid(_("Say how many (count), or name the units pledged."))
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(_("The count must be a whole number of at least 1."))
    if value < 1:
        raise Invalid(_("The count must be at least 1; withdraw a pledge instead of "
                        "pledging none."))
    if value > COUNT_MAX:
        raise Invalid(_("The count is at most %(n)s.") % {"n": COUNT_MAX})
    if value < len(units):
        raise Invalid(_("The count (%(count)s) is less than the units named (%(units)s).")
                      % {"count": value, "units": len(units)})
    return value


def _units(values, alarm_region: AlarmRegion) -> list[Unit]:
    """The named units: this centre's own, of the pledging region, not already held."""
    values = list(values or ())
    if not values:
        return []
    ids = [v.pk if isinstance(v, Unit) else v for v in values]
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise Invalid(_("Name the units by their ids."))
    if not all(id_valid(i) for i in ids):
        raise Invalid(_("Unknown unit: name units of this centre's registry."))
    if len(set(ids)) != len(ids):
        raise Invalid(_("The same unit is named twice."))
    if alarm_region.region_id is None:
        raise Invalid(_("%(region)s is not one of this centre's regions: pledge a count of "
                        "its resources, not units.") % {"region": alarm_region.name})
    # Locked (in one order) before the held check: two pledges of the same unit to two
    # incidents at once lock different incidents, so the units' rows decide which is first.
    locked = list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    units = sorted(locked, key=lambda u: u.call_sign)
    if len(units) != len(ids):
        raise Invalid(_("Unknown unit: name units of this centre's registry."))
    foreign = [u.call_sign for u in units if u.region_id != alarm_region.region_id]
    if foreign:
        raise Invalid(_("%(units)s: not a unit of %(region)s; a region pledges only its own "
                        "units.") % {"units": ", ".join(foreign), "region": alarm_region.name})
    held = units_held([u.pk for u in units])
    if held:
        taken = "; ".join(f"{u.call_sign}: {held[u.pk]}" for u in units if u.pk in held)
        raise Invalid(_("Already pledged (%(units)s): withdraw that pledge first.")
                      % {"units": taken})
    return units


def _text(value, name: str, limit: int) -> str:
    value = text_clean(value or "").strip()
    if len(value) > limit:
        raise Invalid(_("%(field)s is at most %(n)s characters.") % {"field": name, "n": limit})
    return value


def _rule_check(incident: MajorIncident, alarm_region: AlarmRegion, at: datetime) -> None:
    """Log the first time the region's secondary transports reach the rule (once: the
    timeline reads when)."""
    minimum = settings.INCIDENT_PLEDGE_MINIMUM
    pledged = secondary_pledged(list(Pledge.objects.filter(incident=incident,
                                                           alarm_region=alarm_region)))
    if pledged < minimum or IncidentLogEntry.objects.filter(
            incident=incident, alarm_region=alarm_region, kind=RULE_MET_LOG).exists():
        return
    log_write(incident=incident, kind=RULE_MET_LOG, alarm_region=alarm_region, at=at,
              text=gettext_noop("%(region)s has reached at least %(n)s secondary transports"),
              params={"region": alarm_region.name, "n": minimum},
              data={"reached": True, "pledged": pledged, "minimum": minimum})


def _replayed(key: str, incident: MajorIncident) -> Pledge | None:
    pledge = Pledge.objects.filter(idempotency_key=key).first()
    if pledge is not None and pledge.incident_id != incident.pk:
        raise Conflict(_("This idempotency key was used for a pledge to another incident."))
    return pledge


@transaction.atomic
def pledge_record(*, incident: MajorIncident, alarm_region, kind: str, count,
                  units: Sequence = (), available_at: datetime | None = None,
                  report_to: str = "", note: str = "", via: str, by=None, by_name: str = "",
                  idempotency_key: str | None = None) -> tuple[Pledge, bool]:
    """Record what a region pledges (*utlovar*): a count of one kind, or named units of this
    centre's own regions (held from other cases), when available and where they report. A
    replay with the same idempotency key answers the first pledge. -> (pledge, created)."""
    if by is not None and not follows_incidents(by):
        raise Forbidden(_("Only a dispatcher or TiB records a region's pledge."))
    if idempotency_key is not None and not IDEMPOTENCY_KEY.match(str(idempotency_key)):
        raise Invalid(_("Use 8 to 64 letters, digits, '-', '_', '.' or ':' for the "
                        "idempotency key."))
    if idempotency_key and (pledge := _replayed(idempotency_key, incident)) is not None:
        return pledge, False
    # One pledge of an incident at a time: the rule's first "reached" is logged once.
    incident = MajorIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.state != IncidentState.CONFIRMED:
        raise _not_open(incident)
    alarm_region = _alarm_region(alarm_region)
    kind = _kind(kind)
    if via not in Pledge.Via.values:
        raise Invalid(_("Unknown way the pledge came (%(via)s).") % {"via": via})
    named = _units(units, alarm_region)
    count = _count(count, named)
    if by is not None and not by_name:
        by_name = str(by)
    now = timezone.now()
    try:
        with transaction.atomic():
            pledge = Pledge.objects.create(
                incident=incident, alarm_region=alarm_region, kind=kind, count=count,
                available_at=available_at, report_to=_text(report_to, "report_to", 200),
                note=_text(note, "note", 300), via=via, pledged_by=by,
                pledged_by_name=text_clean(by_name or "")[:120],
                idempotency_key=idempotency_key or None,
                created_at=now)
    except IntegrityError:
        # The same key recorded by a concurrent copy of this request, committed first.
        if idempotency_key and (pledge := _replayed(idempotency_key, incident)) is not None:
            return pledge, False
        raise
    if named:
        pledge.units.set(named)
    what = log_label(PledgeKind, kind, lower=True)
    if named:
        what = {"list": [what, f"({', '.join(u.call_sign for u in named)})"], "sep": " "}
    log_write(incident=incident, kind=PLEDGE_LOG, by=by, by_name=by_name,
              alarm_region=alarm_region, at=now,
              text=gettext_noop("%(region)s pledged %(count)s × %(what)s"),
              params={"region": alarm_region.name, "count": count, "what": what},
              data={"pledge": pledge.pk, "kind": kind, "count": count,
                    "secondary": kind in SECONDARY_TRANSPORT_KINDS,
                    "units": [u.call_sign for u in named]})
    if kind in SECONDARY_TRANSPORT_KINDS:
        _rule_check(incident, alarm_region, now)
    incident_event_publish(incident=incident, type_="incident.pledge",
                           data={"pledge": pledge.pk, "alarm_region": alarm_region.pk})
    return pledge, True


@transaction.atomic
def pledge_withdraw(*, pledge: Pledge, by) -> Pledge:
    """Withdraw a pledge (*återkalla*): kept, with when and by whom; its units are released
    and it no longer counts toward the rule. Withdrawing it again changes nothing."""
    if not follows_incidents(by):
        raise Forbidden(_("Only a dispatcher or TiB withdraws a region's pledge."))
    incident = MajorIncident.objects.select_for_update().get(pk=pledge.incident_id)
    pledge = Pledge.objects.select_for_update().select_related("alarm_region").get(pk=pledge.pk)
    if pledge.withdrawn_at is not None:
        return pledge
    if incident.state != IncidentState.CONFIRMED:
        raise _not_open(incident)
    pledge.withdrawn_at, pledge.withdrawn_by = timezone.now(), by
    pledge.save(update_fields=["withdrawn_at", "withdrawn_by"])
    log_write(incident=incident, kind=PLEDGE_WITHDRAWN_LOG, by=by,
              alarm_region=pledge.alarm_region, at=pledge.withdrawn_at,
              text=gettext_noop("Pledge withdrawn: %(region)s, %(count)s × %(kind)s"),
              params={"region": pledge.alarm_region.name, "count": pledge.count,
                      "kind": log_label(PledgeKind, pledge.kind, lower=True)},
              data={"pledge": pledge.pk})
    incident_event_publish(incident=incident, type_="incident.pledge",
                           data={"pledge": pledge.pk, "alarm_region": pledge.alarm_region_id,
                                 "withdrawn": True})
    return pledge
