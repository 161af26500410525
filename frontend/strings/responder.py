"""The first responder's phone (t('responder....'))."""

from django.utils.translation import gettext as _

from .common import plural


def responder() -> dict:
    """Availability, the alert and its answers, the report."""
    return {
        "available": _("Available for alerts"),
        "unavailable": _("Not available"),
        "available_on": _("You are available: alerts near you reach this phone."),
        "available_off": _("You are not available: no alerts reach you."),
        "position_at": _("Position shared at {time}."),
        "position_none": _("No position shared yet."),
        "position_denied": _(
            "The phone does not give its position. Allow location for this app, or no "
            "alert can reach you."),
        "saved": _("Saved."),
        "test_sent": _("Test alarm sent, waiting for it…"),
        "test_received": _("Test alarm received after {s} s"),
        "distance": _("{distance} from you"),
        "eta": _("About {eta} to get there"),
        "accepted_at": _("You accepted at {time}."),
        "declined": _("You declined. Thank you for answering."),
        "arrived_at": _("Arrived at {time}."),
        "not_needed": _("You are no longer needed – thank you!"),
        "not_needed_more": _("Enough responders are on their way."),
        "stood_down": _("You have been stood down from this alert."),
        "ended": _("The alert has ended: {reason}."),
        "thanks": _("Thank you for your help."),
        "aed_first": _("Fetch the defibrillator first"),
        "direct": _("Go straight to the patient"),
        "report_sent": _("Thank you! Your report has been sent."),
        "debrief": _("Debrief and support: {contact}"),
        "outcome": _("Outcome: {outcome}"),
        "refused": _("Refused: {detail}"),
        "queued": _("No network: your answer is sent when the network is back."),
        "sending": _("Sending…"),
        "valid_until": _("Valid until {date}"),
        "not_confirmed": _("Not confirmed"),
        "alerts_week": plural("{n} alert in the last 7 days", "{n} alerts in the last 7 days"),
        # The vetting of a volunteer's training (ivpa.selectors.approval_state).
        "approval_pending": _(
            "Waiting for approval: a coordinator checks your training before any alert can "
            "reach you. You can already make yourself available."),
        "approval_expired": _(
            "Your approved training is no longer valid: no alerts reach you until a "
            "coordinator approves it again."),
        "approval_revoked": _(
            "Your approval has been withdrawn: no alerts reach you. Ask your municipality's "
            "IVPA coordinator why."),
        "approval_approved": _("Training approved until {date}."),
        "available_waiting": _(
            "You are available, but no alerts reach you until your training is approved."),
        # The map after accepting (responder-map.js): the legs' walking times come from the
        # server (places.travel); "estimated" when no router made them.
        "map": {
            "self": _("You"),
            "aed": _("Defibrillator"),
            "patient": _("Patient"),
            "leg_aed": _("To the defibrillator: {time}"),
            "leg_patient": _("To the patient: {time}"),
            "estimated": _("estimated"),
            "navigate_aed": _("Navigate to the defibrillator"),
            "navigate_patient": _("Navigate to the patient"),
        },
    }
