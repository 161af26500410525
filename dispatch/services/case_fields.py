"""Checks of a case's fields shared by registering a case and editing it: the place (the
region follows the municipality), the priorities, the scene flags, the capabilities required."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from core.errors import Invalid
from crews.models import Capability, Region
from places.selectors import municipality_find

from ..models import CaseType, Priority, SceneFlag


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
