"""Editing a registered case (*ändra ärendet*).

Each edit is one new version of the case (`Case.version`): an edit made on an older version is
refused with `CaseEditConflict` (409 with the current values, so nothing typed is lost), every
field it changes is a row of the case's history (`CaseChange`: who, when, from, to, and the
reason of a priority change) in the same transaction, and the crews on the case are told live
which of what they see changed (`assignment.case_changed` on their unit's stream; the tablet
fetches the card, a recorded read, and says what changed).

A priority change needs its reason (seed 000's measure 7, *orsak ändrad prio*): whenever the
chosen priority moves, and whenever the MBS priority moves so that the two differ.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Invalid
from crews.services import validate_position

from .. import signals
from ..events import publish_case_updated
from ..models import ACTIVE_STATUSES, Case, CaseChange, CaseStatus
from .case_fields import (
    case_place,
    field_label,
    priority_reason_missing,
    priority_words,
    valid_capabilities,
    valid_case_type,
    valid_mass_triage,
    valid_priority,
    valid_scene_flags,
)

EDITABLE = frozenset({
    "region", "caller_number", "address", "municipality", "municipality_code", "latitude",
    "longitude", "complaint", "case_type", "scene_flags", "door_code", "notes", "safety_warning",
    "mbs_priority", "priority", "priority_change_reason", "is_prioritised_line",
    "personal_identity_number", "patient_name", "referred_to", "required_capabilities",
    "mass_triage",
})
# Derived from others (the region rule), not a change of its own in the history.
DERIVED = frozenset({"region_set_by_hand"})
# The fields of the crew card: a change of one of them is sent live to the crews on the case.
CREW_FIELDS = frozenset({
    "priority", "address", "municipality", "position", "complaint", "case_type", "scene_flags",
    "door_code", "notes", "safety_warning", "caller_number", "patient_name",
    "personal_identity_number",
})


class CaseEditConflict(Conflict):
    """The edit was made on an older version of the case: someone else changed it meanwhile.
    `case` is the case as it is now (the view answers with its values)."""

    def __init__(self, *, case: Case):
        super().__init__(
            _("Someone else changed the case while you were editing it. Its current values "
              "are shown: check them and make your change again."),
            version=case.version)
        self.case = case


def _reason_required(case: Case, *, priority: str, mbs_priority: str) -> str | None:
    """Why this edit must give a reason for the priority, or None."""
    if priority != case.priority:
        return _("The priority changes from %(old)s to %(new)s: give the reason for the change "
                 "(priority_change_reason).") % {"old": priority_words(case.priority),
                                                 "new": priority_words(priority)}
    if mbs_priority != case.mbs_priority and priority != mbs_priority:
        return priority_reason_missing()
    return None


def _checked(case: Case, fields: dict) -> dict:
    """The edit's fields checked and completed (the region rule), as the model stores them."""
    unknown = sorted(set(fields) - EDITABLE)
    if unknown:
        label = field_label(unknown[0])
        if not label:  # not a field of the case at all: the name the request gave, quoted
            raise Invalid(_("The field “%(field)s” cannot be changed.") % {"field": unknown[0]})
        raise Invalid(_("%(field)s cannot be changed.") % {"field": label})
    if "latitude" in fields or "longitude" in fields:
        fields["latitude"], fields["longitude"] = validate_position(
            latitude=fields.get("latitude", case.latitude),
            longitude=fields.get("longitude", case.longitude))
    for name in ("priority", "mbs_priority"):
        if name in fields:
            valid_priority(name, fields[name])
    if "case_type" in fields:
        valid_case_type(fields["case_type"])
    if "scene_flags" in fields:
        fields["scene_flags"] = valid_scene_flags(fields["scene_flags"])
    if "required_capabilities" in fields:
        fields["required_capabilities"] = valid_capabilities(fields["required_capabilities"])
    if "mass_triage" in fields:
        fields["mass_triage"] = valid_mass_triage(fields["mass_triage"])
    for name in ("address", "complaint"):
        if name in fields and not str(fields[name]).strip():
            raise Invalid(_("%(field)s cannot be empty.") % {"field": field_label(name)})
    if fields.keys() & {"municipality", "municipality_code", "region"}:
        # A new municipality moves the case to its region, unless the dispatcher sets the
        # region in the same change; a name alone drops the old code (it is another place).
        renamed = "municipality" in fields or "municipality_code" in fields
        fields["region"], fields["municipality"], fields["municipality_code"], \
            fields["region_set_by_hand"] = case_place(
                region=fields.get("region"), kept=case.region,
                municipality=fields.get("municipality", case.municipality),
                municipality_code=fields.get(
                    "municipality_code", "" if renamed else case.municipality_code))
    reason = fields.pop("priority_change_reason", None)
    reason = reason.strip() if isinstance(reason, str) else None
    required = _reason_required(case, priority=fields.get("priority", case.priority),
                                mbs_priority=fields.get("mbs_priority", case.mbs_priority))
    if required and not reason:
        raise Invalid(required)
    if reason is not None:
        fields["priority_change_reason"] = reason
    priority = fields.get("priority", case.priority)
    mbs_priority = fields.get("mbs_priority", case.mbs_priority)
    if priority != mbs_priority and not fields.get(
            "priority_change_reason", case.priority_change_reason).strip():
        raise Invalid(priority_reason_missing())
    return fields


def _stored(value):
    """A value as the history keeps it (JSON): a region by its id."""
    return getattr(value, "pk", value)


def _history_rows(case: Case, before: dict, after: dict, *, reason: str, by,
                  at) -> list[CaseChange]:
    """One row per field changed; latitude and longitude are one change of the position. The
    reason of a priority change is on that change too (the reason's own row keeps the reason
    it replaced)."""
    changed = [name for name in after if name not in DERIVED]
    rows = []
    if "latitude" in changed or "longitude" in changed:
        rows.append(CaseChange(
            case=case, field="position", changed_at=at, changed_by=by,
            old_value=[before["latitude"], before["longitude"]],
            new_value=[after.get("latitude", before["latitude"]),
                       after.get("longitude", before["longitude"])]))
    for name in changed:
        if name in ("latitude", "longitude"):
            continue
        rows.append(CaseChange(
            case=case, field=name, changed_at=at, changed_by=by,
            old_value=_stored(before[name]), new_value=_stored(after[name]),
            reason=reason if name in ("priority", "mbs_priority") else ""))
    return CaseChange.objects.bulk_create(rows)


@transaction.atomic
def case_update(*, case: Case, by, version: int | None = None, **fields) -> Case:
    """Edit a registered case (*ändra ärendet*) and record each change in its history.

    `version` is the version the edit was made on (what the editor showed); an older one is
    refused with `CaseEditConflict`. Without it (an integration that sends only what it
    changes) the edit applies to the case as it is now. An edit that changes nothing changes
    no version and records nothing.
    """
    case = Case.objects.select_for_update().select_related("region").get(pk=case.pk)
    if version is not None and version != case.version:
        raise CaseEditConflict(case=case)
    if case.status == CaseStatus.CLOSED:
        raise Conflict(_("The case is closed: it can no longer be changed."))
    fields = _checked(case, dict(fields))
    before = {name: getattr(case, name) for name in fields}
    after = {name: value for name, value in fields.items()
             if _stored(before[name]) != _stored(value)}
    if not after:
        return case
    # The version is claimed with a conditional UPDATE: of two edits made on one version, the
    # second finds it gone (also where SELECT ... FOR UPDATE locks nothing, as in SQLite), and
    # an edit never lands on a case closed meanwhile.
    claimed = Case.objects.filter(pk=case.pk, version=case.version,
                                  status=CaseStatus.OPEN).update(**after,
                                                                 version=F("version") + 1)
    if not claimed:
        now = Case.objects.get(pk=case.pk)
        if now.status == CaseStatus.CLOSED:
            raise Conflict(_("The case is closed: it can no longer be changed."))
        raise CaseEditConflict(case=now)
    for name, value in after.items():
        setattr(case, name, value)
    case.version += 1
    rows = _history_rows(case, before, after, reason=case.priority_change_reason, by=by,
                         at=timezone.now())
    crew_changes = [row for row in rows if row.field in CREW_FIELDS]
    crews = []
    if crew_changes:
        crews = list(case.assignments.filter(status__in=ACTIVE_STATUSES).select_related("unit"))
        for assignment in crews:
            assignment.case = case
    publish_case_updated(case, crews=crews, changes=crew_changes)
    signals.case_updated.send(sender=Case, case=case, changed=set(after))
    return case
