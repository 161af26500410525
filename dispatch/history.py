"""A case's history (*ärendets historik*), read from what is stored: its registration, each
change of a field (`CaseChange`), its assignments' alerts, statuses, dispatch overrides and
destinations, the messages on them, and its closing, merged in time order.

Values come with their words for the screen (`old_label`, `new_label`: "Hjärtstopp" beside
`cardiac_arrest`); the fields' own names are the screen's (frontend strings). These are queries:
they record nothing. A view shows them through dispatch/access.py, which writes the log.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext as _

from core.choices import choice_label
from core.times import iso
from crews.models import Capability, Region

from .models import (
    Assignment,
    AssignmentStatus,
    Case,
    CaseChange,
    CaseType,
    MassTriage,
    Priority,
    SceneFlag,
)
from .selectors import assignment_messages_for_case
from .services.case_edit import CREW_FIELDS
from .statemachine import TIMESTAMP_FIELD

_CHOICES = {
    "priority": Priority, "mbs_priority": Priority, "case_type": CaseType,
    "mass_triage": MassTriage,
}
_LISTS = {"scene_flags": SceneFlag, "required_capabilities": Capability}


def value_label(field: str, value, *, regions: dict | None = None) -> str:
    """A stored value in words ("" for none)."""
    if value in (None, "", []):
        return ""
    if field in _CHOICES:
        return choice_label(_CHOICES[field], value)
    if field in _LISTS:
        return ", ".join(choice_label(_LISTS[field], v) for v in value)
    if field == "region":
        region = (regions or {}).get(value) or Region.objects.filter(pk=value).first()
        return region.name if region is not None else str(value)
    if field == "is_prioritised_line":
        return _("Yes") if value else _("No")
    if field == "position" and isinstance(value, list | tuple) and len(value) == 2:
        return f"{value[0]:.5f}, {value[1]:.5f}"
    return str(value)


def _person(user) -> str:
    return str(user) if user is not None else ""


def change_entry(change: CaseChange, *, regions: dict | None = None) -> dict:
    """One change of a field as the history lists it."""
    return {
        "at": iso(change.changed_at), "kind": "change", "id": change.pk,
        "by": _person(change.changed_by), "field": change.field,
        "old": change.old_value, "old_label": value_label(change.field, change.old_value,
                                                          regions=regions),
        "new": change.new_value, "new_label": value_label(change.field, change.new_value,
                                                          regions=regions),
        "reason": change.reason,
    }


def _registration(case: Case, changes: list[CaseChange]) -> dict:
    """The case as registered: a field changed later has its first change's old value."""
    first = {}
    for change in changes:
        first.setdefault(change.field, change.old_value)
    priority = first.get("priority", case.priority)
    mbs = first.get("mbs_priority", case.mbs_priority)
    return {
        "at": iso(case.registered_at), "kind": "registered", "by": _person(case.created_by),
        "priority": priority, "priority_label": value_label("priority", priority),
        "mbs_priority": mbs, "mbs_priority_label": value_label("mbs_priority", mbs),
        "reason": first.get("priority_change_reason", case.priority_change_reason)
        if priority != mbs else "",
    }


def _assignment_entries(assignment: Assignment) -> list[dict]:
    unit = assignment.unit.call_sign
    common = {"assignment": assignment.pk, "unit": unit}
    entries = [{
        "at": iso(assignment.alerted_at), "kind": "dispatched", **common,
        "by": _person(assignment.created_by), "reason": assignment.override_reason,
        "override": bool(assignment.override_reason),
    }]
    for status, stamp in TIMESTAMP_FIELD.items():
        at = getattr(assignment, stamp, None)
        if at is None or status == AssignmentStatus.ALERTED:
            continue
        entries.append({"at": iso(at), "kind": "status", **common, "by": "", "status": status,
                        "status_label": str(AssignmentStatus(status).label)})
    entries += _staging_entries(assignment, common)
    if assignment.destination_set_at and assignment.destination_hospital_id:
        entries.append({
            "at": iso(assignment.destination_set_at), "kind": "destination", **common,
            "by": _person(assignment.destination_set_by),
            "destination": assignment.destination_hospital.label})
    return entries


def _staging_entries(assignment: Assignment, common: dict) -> list[dict]:
    """The staging point (*brytpunkt*) ordered and its release."""
    if assignment.staging_ordered_at is None:
        return []
    entries = [{
        "at": iso(assignment.staging_ordered_at), "kind": "staging", **common,
        "by": _person(assignment.staging_ordered_by), "reason": assignment.staging_reason,
        "latitude": assignment.staging_latitude, "longitude": assignment.staging_longitude}]
    if assignment.staging_released_at is not None:
        entries.append({"at": iso(assignment.staging_released_at), "kind": "staging_released",
                        **common, "by": _person(assignment.staging_released_by)})
    return entries


HistorySource = Callable[[Case], list[dict]]
_sources: list[HistorySource] = []


def register_history_source(source: HistorySource) -> None:
    """A feature app adds its own entries to a case's history (the panic alarm's) without
    dispatch knowing it: source(case) -> entries in the shape above ({"at", "kind", "by",
    ...}), each with its words (`text`, and `reason` when there is one) for the screen."""
    if source not in _sources:
        _sources.append(source)


def case_history(case: Case) -> list[dict]:
    """Everything that happened to `case`, oldest first."""
    regions = {r.pk: r for r in Region.objects.all()}
    changes = list(CaseChange.objects.filter(case=case).select_related("changed_by"))
    entries = [_registration(case, changes)]
    # A new reason that came with a priority change is told on that change.
    with_priority = {(c.changed_at, c.changed_by_id) for c in changes
                     if c.field in ("priority", "mbs_priority")}
    entries += [change_entry(c, regions=regions) for c in changes
                if not (c.field == "priority_change_reason"
                        and (c.changed_at, c.changed_by_id) in with_priority)]
    assignments = (Assignment.objects.filter(case=case)
                   .select_related("unit", "created_by", "destination_hospital",
                                   "destination_set_by", "staging_ordered_by",
                                   "staging_released_by"))
    for assignment in assignments:
        entries += _assignment_entries(assignment)
    for message in assignment_messages_for_case(case):
        entries.append({
            "at": iso(message.sent_at), "kind": "message", "assignment": message.assignment_id,
            "unit": message.assignment.unit.call_sign, "by": _person(message.author),
            "from_crew": message.from_crew, "text": message.text,
            "acknowledged_at": iso(message.acknowledged_at),
            "acknowledged_by": _person(message.acknowledged_by)})
    for source in _sources:
        entries += source(case)
    if case.closed_at:
        entries.append({"at": iso(case.closed_at), "kind": "closed", "by": ""})
    order = {"registered": 0, "change": 1, "dispatched": 2, "staging": 3, "staging_released": 3,
             "status": 4, "destination": 5, "message": 6, "closed": 7}
    entries.sort(key=lambda e: (datetime.fromisoformat(e["at"]), order.get(e["kind"], 6)))
    return entries


def case_changes_for_crew(assignment: Assignment, *, limit: int = 20) -> list[dict]:
    """The changes of the assignment's case a crew sees on its card (its fields only), made
    since the unit was alerted, oldest first: the tablet says in words what changed."""
    changes = (CaseChange.objects.filter(case_id=assignment.case_id, field__in=CREW_FIELDS,
                                         changed_at__gte=assignment.alerted_at)
               .select_related("changed_by").order_by("-changed_at", "-id")[:limit])
    return [change_entry(c) for c in reversed(changes)]
