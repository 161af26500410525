"""The unit records the visit's outcome. 'Needs ambulance' (*behöver ambulans*) registers a
new case back at the dispatch centre carrying the referral's history."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid
from core.times import CLOCK_SKEW
from dispatch.models import Priority
from dispatch.services import case_register

from .. import selectors
from ..events import publish_referral
from ..models import Outcome, Referral
from ..statemachine import MOVES
from .claims import hhmm, referral_claim, staff_check, transition_record
from .deadlines import referral_timers_cancel

AMBULANCE_PRIORITIES = (Priority.P1A, Priority.P1B, Priority.P2A, Priority.P2B, Priority.P3)


def _history(referral: Referral, note: str) -> str:
    """What the new case carries from the referral: the new triage both ways (seed 003)."""
    lines = [
        _("From referral %(id)s to %(unit)s (case %(case)s): the unit asks for an ambulance.")
        % {"id": referral.pk, "unit": referral.unit.call_sign, "case": referral.case.reference},
        _("Sent %(sent)s, accepted %(accepted)s, visited %(visited)s.")
        % {"sent": hhmm(referral.sent_at), "accepted": hhmm(referral.accepted_at),
           "visited": hhmm(referral.visited_at)},
        _("Handover: %(reason)s") % {"reason": referral.reason},
    ]
    if referral.assessment:
        lines.append(_("Assessment: %(text)s") % {"text": referral.assessment})
    if referral.news2_score is not None:
        lines.append(_("NEWS2 at referral: %(score)s%(partial)s")
                     % {"score": referral.news2_score,
                        "partial": "" if referral.news2_complete else _(" (incomplete)")})
    if note:
        lines.append(_("The unit's assessment at the visit: %(note)s") % {"note": note})
    return "\n".join(lines)


@transaction.atomic
def referral_record_outcome(
    *, referral: Referral, by, outcome: str, note: str = "", referred_on_to: str = "",
    priority: str | None = None, complaint: str = "", visited_at: datetime | None = None,
) -> Referral:
    """The unit records the visit. 'Needs ambulance' registers a new case back at the centre
    with the referral's history, and the centre is responsible for it; otherwise the unit,
    the last to handle the patient, stays responsible for what it did."""
    staff_check(referral, by)
    now = timezone.now()
    if outcome not in Outcome.values:
        raise Invalid(_("outcome is one of %(values)s.") % {"values": ", ".join(Outcome.values)},
                      field="outcome")
    note = (note or "").strip()
    referred_on_to = (referred_on_to or "").strip()
    if outcome == Outcome.REFERRED_ON and not referred_on_to:
        raise Invalid(_("Say to whom the patient was referred on (referred_on_to)."),
                      field="referred_on_to")
    priority = priority or settings.REFERRAL_AMBULANCE_DEFAULT_PRIORITY
    if outcome == Outcome.NEEDS_AMBULANCE and priority not in AMBULANCE_PRIORITIES:
        raise Invalid(_("priority is one of %(values)s.")
                      % {"values": ", ".join(AMBULANCE_PRIORITIES)}, field="priority")
    visited_at = visited_at or now
    if visited_at > now + CLOCK_SKEW:
        raise Invalid(_("The visit time is in the future; check the device's clock."),
                      field="visited_at")
    if referral.accepted_at and visited_at < referral.accepted_at:
        raise Invalid(_("The visit time is before the referral was accepted."),
                      field="visited_at")
    referral = referral_claim(referral, "outcome", outcome=outcome, visited_at=visited_at,
                              outcome_note=note[:2000], referred_on_to=referred_on_to[:200],
                              state_changed_at=now)
    transition_note = Outcome(outcome).label
    if outcome == Outcome.NEEDS_AMBULANCE:
        case = referral.case
        new_case = case_register(
            by=by, region=case.region, caller_number=referral.callback_number,
            address=case.address, latitude=case.latitude, longitude=case.longitude,
            municipality=case.municipality,
            complaint=(complaint.strip() or case.complaint)[:200],
            mbs_priority=priority, priority=priority, case_type=case.case_type,
            scene_flags=case.scene_flags or (), door_code=case.door_code,
            safety_warning=case.safety_warning,
            personal_identity_number=case.personal_identity_number,
            patient_name=case.patient_name, notes=_history(referral, note),
            referred_to="",
        )
        Referral.objects.filter(pk=referral.pk).update(new_case=new_case)
        referral.new_case = new_case
        transition_note = _("Needs an ambulance: new case %(case)s at priority %(priority)s") \
            % {"case": new_case.reference, "priority": priority}
    elif outcome == Outcome.REFERRED_ON:
        transition_note = _("Referred on to %(to)s") % {"to": referred_on_to}
    transition_record(referral, from_state=MOVES["outcome"].source, by=by, at=now,
                      note=transition_note)
    referral_timers_cancel(referral)
    referral = selectors.referral_queryset().get(pk=referral.pk)
    publish_referral(referral, "referral.visited")
    return referral
