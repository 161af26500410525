"""Whether a unit may be sent to a case (*larmbar*): the one home of the rule the recommended
units (dispatch/recommendations.py) show and the dispatch (services/override.py) enforces.

A unit is dispatchable when it is manned (a crew has joined it on a tablet), in service, free,
of a kind that drives to emergencies, has every capability the case needs
(Case.required_capabilities, seed 004) and is not held for something else (dispatch/holds.py:
pledged to a major incident whose cases this one is not). Each reason it is not is a code and
words; all but "busy" may be overridden by the dispatcher with a reason, which the assignment
records (a busy unit is redirected, never sent twice).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from crews.models import Capability, Unit, UnitKind, UnitStatus
from crews.selectors import UnitRow

# Kinds that do not drive to emergencies: a mobile care unit takes referrals (referrals/).
NOT_FOR_EMERGENCIES: tuple[str, ...] = (UnitKind.MOBILE_CARE,)

NOT_MANNED = "not_manned"
OUT_OF_SERVICE = "out_of_service"
BUSY = "busy"
ON_THIS_CASE = "on_this_case"
LACKS_CAPABILITY = "lacks_capability"
NOT_FOR_EMERGENCY = "not_for_emergencies"
HELD = "held"
# What an override reason may set aside; a busy unit (or one already on the case) never.
OVERRIDABLE = frozenset({NOT_MANNED, OUT_OF_SERVICE, LACKS_CAPABILITY, NOT_FOR_EMERGENCY,
                         HELD})


@dataclass(frozen=True)
class Reason:
    """Why a unit is not dispatchable: `code` for integrations, `text` for the screen."""

    code: str
    text: str

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text}


def capability_label(code: str, labels: dict[str, str] | None = None) -> str:
    labels = labels if labels is not None else {c: str(label) for c, label in Capability.choices}
    return labels.get(code, code.replace("_", " "))


def reason_texts() -> dict:
    """The reasons' words in the active language, translated once per ranking rather than
    once per unit (200 units in a few ms: bench/recommendations.py)."""
    return {NOT_MANNED: _("not manned: no crew has joined it"),
            OUT_OF_SERVICE: _("out of service"), ON_THIS_CASE: _("already on this case"),
            "out_of_service_note": _("out of service: %(note)s"),
            "busy_on": _("busy on %(ref)s"), "busy_status": _("busy (%(status)s)"),
            "not_for": _("%(kind)s: does not drive to emergencies"),
            "lacks": _("lacks %(what)s"),
            "capabilities": {c: str(label) for c, label in Capability.choices}}


def unit_reasons(*, unit: Unit | UnitRow, manned: bool, required: Sequence[str] = (),
                 busy_case: tuple[int, str] | None = None, case_id: int | None = None,
                 texts: dict[str, str] | None = None, held: str = "") -> list[Reason]:
    """Why `unit` may not be sent to the case, in the order a dispatcher reads them (empty:
    it may). `busy_case` is (case id, reference) of its active assignment, if any; `held`
    why it is held for something else (dispatch/holds.py), if it is; `texts` reason_texts()
    when the caller asks for many units."""
    texts = texts or reason_texts()
    reasons = []
    if not manned:
        reasons.append(Reason(NOT_MANNED, texts[NOT_MANNED]))
    if not unit.in_service:
        text = texts[OUT_OF_SERVICE]
        if unit.service_note:
            text = texts["out_of_service_note"] % {"note": unit.service_note}
        reasons.append(Reason(OUT_OF_SERVICE, text))
    if busy_case is not None and busy_case[0] == case_id:
        reasons.append(Reason(ON_THIS_CASE, texts[ON_THIS_CASE]))
    elif busy_case is not None:
        reasons.append(Reason(BUSY, texts["busy_on"] % {"ref": busy_case[1]}))
    elif unit.status != UnitStatus.AVAILABLE:
        reasons.append(Reason(BUSY, texts["busy_status"]
                              % {"status": unit.get_status_display().lower()}))
    if held:
        reasons.append(Reason(HELD, held))
    if unit.kind in NOT_FOR_EMERGENCIES:
        reasons.append(Reason(NOT_FOR_EMERGENCY, texts["not_for"]
                              % {"kind": unit.get_kind_display()}))
    if required:
        have = unit.capabilities or ()
        missing = [c for c in required if c not in have]
        if missing:
            labels = texts["capabilities"]
            reasons.append(Reason(LACKS_CAPABILITY, texts["lacks"] % {
                "what": ", ".join(capability_label(c, labels) for c in missing)}))
    return reasons
