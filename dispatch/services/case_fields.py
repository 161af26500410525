"""Checks of a case's fields shared by registering a case and editing it: the place (the
region follows the municipality), the priorities, the scene flags, the capabilities required."""

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from core.errors import Invalid
from crews.models import Capability, Region
from places.selectors import municipality_find

from ..models import CaseType, MassTriage, Priority, SceneFlag

# A field as the dispatcher knows it (the console's labels): a message names the field in words.
FIELD_LABELS = {
    "region": _l("Region"), "caller_number": _l("Caller's number"),
    "address": _l("Address"), "municipality": _l("Municipality"),
    "municipality_code": _l("Municipality code"), "latitude": _l("Latitude"),
    "longitude": _l("Longitude"), "complaint": _l("Complaint"), "case_type": _l("Case type"),
    "scene_flags": _l("At the scene"), "door_code": _l("Door code"), "notes": _l("Notes"),
    "safety_warning": _l("Safety warning"), "mbs_priority": _l("MBS priority"),
    "priority": _l("Chosen priority"), "priority_change_reason": _l("Reason for changed priority"),
    "is_prioritised_line": _l("Prioritised line"),
    "personal_identity_number": _l("Personal identity number"),
    "patient_name": _l("Patient name"), "referred_to": _l("Referred to"),
    "required_capabilities": _l("The unit must have"), "reference": _l("Case number"),
    "mass_triage": _l("Mass-casualty triage"),
    "status": _l("Status"), "registered_at": _l("Registered"), "closed_at": _l("Closed"),
}


def field_label(name: str) -> str:
    """The field's name in words (the console's label), for a message a person reads."""
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else ""


def priority_words(value: str) -> str:
    """A priority as the console shows it ("1A", "Hänvisning (ingen ambulans)")."""
    return str(Priority(value).label) if value in Priority.values else value


def priority_reason_missing() -> str:
    return _(
        "The chosen priority differs from the MBS priority: give the reason "
        "(priority_change_reason)."
    )


def case_place(*, region: Region | None, municipality: str, municipality_code: str,
               kept: Region | None = None) -> tuple[Region, str, str, bool]:
    """The region of a case follows its municipality (*kommun*): the region, the
    municipality's name and code, and whether the dispatcher set the region by hand to another.
    Without a matching municipality the region is the one chosen, else `kept` (a registered
    case's), and one must be."""
    found = municipality_find(code=municipality_code, name=municipality)
    if municipality_code.strip() and found is None:
        raise Invalid(_("Unknown municipality code %(code)s: pick the address again or leave "
                        "the code out and choose the region.") % {"code": municipality_code})
    if found is None:
        region = region or kept
        if region is None:
            raise Invalid(_("Choose the region: the municipality is not known."))
        return region, municipality, "", False
    if region is None:
        return found.region, found.name, found.code, False
    return region, found.name, found.code, region.pk != found.region_id


def valid_priority(name: str, value: str) -> str:
    if value not in Priority.values:
        raise Invalid(_("%(name)s must be one of %(values)s.")
                      % {"name": name, "values": ", ".join(Priority.values)})
    return value


def valid_case_type(value: str) -> str:
    if value not in CaseType.values:
        raise Invalid(_("case_type must be one of %(values)s.")
                      % {"values": ", ".join(CaseType.values)})
    return value


def valid_mass_triage(value: str) -> str:
    """A mass-casualty triage category (*masskadetriage*), or "" for none."""
    value = (value or "").strip() if isinstance(value, str) else value
    if value not in ("", *MassTriage.values):
        raise Invalid(_("Unknown triage category %(value)s; use %(values)s, or leave it empty.")
                      % {"value": value, "values": ", ".join(MassTriage.values)})
    return value


def valid_scene_flags(flags: Sequence[str]) -> list[str]:
    unknown = [f for f in flags if f not in SceneFlag.values]
    if unknown:
        raise Invalid(_("Unknown scene flag %(flag)s; use %(values)s.")
                      % {"flag": unknown[0], "values": ", ".join(SceneFlag.values)})
    return sorted(set(flags))


def valid_capabilities(capabilities: Sequence[str]) -> list[str]:
    """What the case requires of a unit (seed 004), each known, in a stable order."""
    if isinstance(capabilities, str):
        capabilities = [capabilities]
    unknown = [c for c in capabilities if c not in Capability.values]
    if unknown:
        raise Invalid(_("Unknown capability %(capability)s; a case may require %(values)s.")
                      % {"capability": unknown[0], "values": ", ".join(Capability.values)})
    return [c for c in Capability.values if c in set(capabilities)]
