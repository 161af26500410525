"""The dispatch's check of each unit sent (*larmbarhet*): a unit that is not manned, out of
service, lacks a capability the case needs, does not drive to emergencies, or is held for a
major incident (dispatch/holds.py) is refused with a 400 that says what to do, unless the
dispatcher gives the reason for sending it anyway (*åsidosättande*); the reason is stored on
the assignment (Assignment.override_reason). The rule is dispatch/dispatchable.py's, the same
the recommended units show.

A busy unit is not checked here: claiming it refuses it (409), with or without a reason.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from core.errors import Invalid
from crews.models import Unit

from ..dispatchable import OVERRIDABLE, unit_reasons
from ..holds import units_held
from ..models import Case

OVERRIDE_REASON_MAX = 200


def dispatch_overrides(*, case: Case, units: Sequence[Unit],
                       override_reason: str = "") -> dict[int, str]:
    """The override reason each unit needs ({unit id: reason}, only those that need one), or
    Invalid naming every unit that may not be sent and why, when no reason is given. `units`
    as read in the dispatch's transaction, each with `is_manned` (the claim returns them so:
    crews.services.units_claim_for_dispatch)."""
    reason = (override_reason or "").strip()
    if len(reason) > OVERRIDE_REASON_MAX:
        raise Invalid(_("The override reason is at most %(n)s characters.")
                      % {"n": OVERRIDE_REASON_MAX})
    held = units_held(unit_ids=[u.pk for u in units], case_id=case.pk)
    required = list(case.required_capabilities or [])
    refused = []
    needs = {}
    for fresh in units:
        why = [r for r in unit_reasons(unit=fresh, manned=fresh.is_manned, required=required,
                                       held=held.get(fresh.pk, ""))
               if r.code in OVERRIDABLE]
        if not why:
            continue
        if reason:
            needs[fresh.pk] = reason
        else:
            refused.append((fresh, why))
    if refused:
        names = "; ".join(f"{u.call_sign}: {', '.join(r.text for r in why)}"
                          for u, why in refused)
        raise Invalid(
            _("%(units)s. Send another unit (see the recommended units), or give the reason "
              "for sending it anyway (override_reason).") % {"units": names},
            units=[{"id": u.pk, "call_sign": u.call_sign, "why_not": [r.as_dict() for r in why]}
                   for u, why in refused])
    return needs
