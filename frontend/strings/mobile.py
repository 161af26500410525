"""The mobile care unit's screen (t('mobile....'))."""

from django.utils.translation import gettext as _


def mobile() -> dict:
    """The unit's availability and the answers to a referral."""
    return {
        "available_on": _(
            "The unit is available: the dispatch centre can refer patients to it."),
        "available_off": _("The unit is not available: no referrals are proposed to it."),
        "badge_on": _("Available"),
        "badge_off": _("Not available"),
        "load": _("Open referrals: {load} of {capacity}"),
        "saved": _("Saved."),
        "new": _("New referral from the dispatch centre."),
        "open_n": _("{n} waiting for an answer"),
        "yours": _("The responsibility is yours"),
        "visit_at": _("expected visit {time}"),
        "until_sent": _("until your acceptance has been sent"),
        "withdrawn": _("Withdrawn by the dispatch centre: the dispatch centre is responsible."),
        "withdrawn_notice": _("The dispatch centre withdrew referral {ref}."),
        "declined": _("You declined ({reason}): the dispatch centre is responsible."),
        "patient_withheld": _(
            "The patient's details are no longer shown: "
            "the dispatch centre holds the patient."),
        "accept": _("Accept"),
        "visit_label": _("Expected visit time"),
        "decline": _("Decline"),
        "decline_label": _("Reason for declining"),
        "decline_reason_needed": _("Give a reason for declining."),
        "outcome_title": _("Outcome of the visit"),
        "outcome_note": _("Note (optional)"),
        "outcome_confirm": _("Confirm: {outcome}"),
        "outcome_sent": _("Outcome recorded."),
        "outcome_case": _("Outcome recorded. New case at the dispatch centre: {ref}."),
        "change": {
            "accept": _("Acceptance"),
            "decline": _("Decline"),
            "outcome": _("Outcome"),
        },
        "waiting_change": _("{what} waiting to be sent…"),
        "sending": _("Sending…"),
        "queued": _("Waiting to send: sent when the network is back."),
        "refused": _("Refused: {detail}"),
        "depends": _("Not sent: an earlier answer to this referral was refused."),
        "seen": _("OK"),
        "leave_confirm": _("Tap again to leave"),
        "you_left": _("You are no longer on a unit."),
        "patient": _("Patient"),
        "safety": _("Safety warning"),
        "door_code": _("Door code"),
        "navigate": _("Navigate"),
        "referred_to": _("Referred on to (for “Referred on”)"),
        "referred_to_needed": _("Say to whom the patient was referred on."),
        "ambulance_priority": _("Priority if an ambulance is needed"),
        "ambulance_complaint": _("What the ambulance is for (if needed)"),
        "ambulance_hint": _(
            "“Needs an ambulance” registers a new case at the dispatch centre with this "
            "referral's history; the dispatch centre is then responsible."),
        "withdrawn_reason": _("Reason: {reason}"),
        "overdue": _("Referral {ref} is still waiting for your answer."),
        "deadline_passed": _("The latest time to see the patient of {ref} has passed."),
    }
