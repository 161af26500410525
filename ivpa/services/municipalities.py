"""Connecting a municipality to first-responder alerting (*ansluta en kommun*) and its
rules: who may be alerted, for which cases, when, how far and how many."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid
from dispatch.models import CaseType, SceneFlag

from ..models import Municipality, ResponderKind


def _check_choices(name: str, values: Iterable[str], allowed: list[str]) -> list[str]:
    values = list(values)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise Invalid(_("%(name)s: unknown value %(value)s; use %(allowed)s.")
                      % {"name": name, "value": unknown[0], "allowed": ", ".join(allowed)})
    return sorted(set(values))


MUNICIPALITY_FIELDS = (
    "auto_alert", "responder_kinds", "case_types", "excluded_flags", "service_start",
    "service_end", "radius_m", "max_radius_m", "wave_size", "wave_interval_s", "needed",
    "aed_runners", "unit_radius_m", "fire_units", "weekly_cap", "share_outcome",
    "debrief_contact",
)


@transaction.atomic
def municipality_update(*, municipality: Municipality, by, **fields) -> Municipality:
    """Change a municipality's rules; refused as a whole when any rule is out of range."""
    unknown = set(fields) - set(MUNICIPALITY_FIELDS)
    if unknown:
        raise Invalid(_("Unknown setting %(name)s.") % {"name": sorted(unknown)[0]})
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if "responder_kinds" in fields:
        fields["responder_kinds"] = _check_choices(
            "responder_kinds", fields["responder_kinds"], ResponderKind.values)
    if "case_types" in fields:
        fields["case_types"] = _check_choices("case_types", fields["case_types"],
                                              CaseType.values)
    if "excluded_flags" in fields:
        fields["excluded_flags"] = _check_choices("excluded_flags", fields["excluded_flags"],
                                                  SceneFlag.values)
    for name, value in fields.items():
        setattr(municipality, name, value)
    if municipality.radius_m > municipality.max_radius_m:
        raise Invalid(_("The first radius (%(radius)s m) is larger than the largest radius "
                        "(%(max)s m).") % {"radius": municipality.radius_m,
                                           "max": municipality.max_radius_m})
    if municipality.aed_runners > municipality.needed:
        raise Invalid(_("More defibrillator runners (%(aed)s) than responders needed "
                        "(%(needed)s).") % {"aed": municipality.aed_runners,
                                            "needed": municipality.needed})
    if (municipality.service_start is None) != (municipality.service_end is None):
        raise Invalid(_("Give both the start and the end of the hours of service, or "
                        "neither (around the clock)."))
    try:
        municipality.full_clean(exclude=["region", "code", "name"])
    except ValidationError as exc:
        raise Invalid("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                      ) from None
    municipality.save()
    return municipality


@transaction.atomic
def municipality_connect(*, municipality: Municipality, by, **fields) -> Municipality:
    """Connect a municipality to IVPA alerting (*ansluta en kommun*), with its rules."""
    municipality = municipality_update(municipality=municipality, by=by, **fields)
    if not municipality.responder_kinds:
        raise Invalid(_("Choose at least one responder group for the municipality."))
    if not municipality.case_types:
        raise Invalid(_("Choose at least one case type responders may be alerted for."))
    if municipality.connected_at is None:
        municipality.connected_at = timezone.now()
        municipality.save(update_fields=["connected_at"])
    return municipality


@transaction.atomic
def municipality_disconnect(*, municipality: Municipality, by) -> Municipality:
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    municipality.connected_at = None
    municipality.save(update_fields=["connected_at"])
    return municipality
