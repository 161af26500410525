"""The official on duty's phone (t('tib....')): the incidents, the decision, the regions'
alarm and pledges, triage, the METHANE report and the stand-down."""

from django.utils.translation import gettext as _

from incidents.methane import field_words

from .common import plural


def tib() -> dict:
    """TiB's screen (frontend/src/js/tib*.js)."""
    return {
        "exercise": _("EXERCISE"),
        "region": _("Region"),
        "location": _("Location"),
        "raised": _("Raised"),
        "confirmed": _("Confirmed"),
        "at_by": _("{time} by {by}"),
        "no_address": _("No address yet"),
        "decide": _("Decision"),
        "decide_lead": _(
            "A dispatcher has raised a possible major incident. Confirm it, and the "
            "mass-casualty alarm goes to every region of the healthcare region."),
        "confirm": _("Confirm major incident"),
        "confirm_again": _("Tap again: alarm every region"),
        "reject": _("Not a major incident"),
        "reject_reason": _("Why is it not a major incident?"),
        "reject_reason_needed": _("Write the reason first: the dispatcher and the log need it."),
        "reject_send": _("Send: not a major incident"),
        "rejected_by": _("Not a major incident: decided {when}."),
        "stood_down_by": _("Stood down {when}."),
        "waiting_tib": _("Waiting for TiB's decision."),
        "log": _("The incident's log ({n})"),
        "offline": _("No network: nothing was sent. Try again when the network is back."),
        "raised_notice": _("Possible major incident: {title}"),
        "triage_on": _("Mass-casualty triage"),
        "acknowledged_n": _("{n} of {of} regions have acknowledged"),
        "not_alarmed": _("Not alarmed"),
        "delivery": _("CAP message: {state}"),
        "no_endpoint": _("No CAP receiver: reached by text message"),
        "alarm_sent": _("Alarm sent {time}"),
        "acknowledged": _("Acknowledged {when} ({via})"),
        "not_acknowledged": _("Not acknowledged yet"),
        "blood_acknowledged": _("Blood centre acknowledged {when}"),
        "blood_not_acknowledged": _("Blood centre: not acknowledged yet"),
        "rule_met": _("{n} secondary transports pledged: at least {min}, the rule is met"),
        "rule_below": _(
            "Below the minimum: {n} of at least {min} secondary transports pledged, "
            "{short} missing"),
        "report_to": _("report to {place}"),
        "available_at": _("from {time}"),
        "ack_by": _("Who acknowledged (name, role)"),
        "ack_blood": _("This is the blood centre's acknowledgement"),
        "ack_send": _("Record the acknowledgement"),
        "ack_open": _("Acknowledged by phone"),
        "pledge_open": _("Pledge by phone"),
        "pledge_kind": _("What"),
        "pledge_count": _("How many"),
        "pledge_report_to": _("Where they report (optional)"),
        "pledge_by": _("Who pledged (name)"),
        "pledge_send": _("Record the pledge"),
        "own": _("own region"),
        "regions": _("The regions' alarm and pledges"),
        "regions_below": _("{n} below the minimum of {min}: {names}"),
        "regions_all_met": _("Every region has pledged at least {min}."),
        "triage": _("Mass-casualty triage"),
        "triage_active": _("Mass-casualty triage applies, since {when}."),
        "triage_ended": _("Ordinary triage again, since {when}."),
        "triage_normal": _("Ordinary triage applies."),
        "triage_switch": _("Switch to mass-casualty triage"),
        "triage_indicators": _("On which indicators?"),
        "triage_note": _("Note (optional)"),
        "triage_send": _("Switch now"),
        "triage_needs_indicator": _("Tick at least one indicator."),
        "triage_off": _("Back to ordinary triage"),
        "triage_off_again": _("Tap again: ordinary triage"),
        "first_report": _("First report"),
        "report": _("Situation report (METHANE)"),
        "report_none": _("No report yet."),
        "report_new": _("New version of the report"),
        "report_send": _("Save the new version"),
        "version": _("version {n}, {when}"),
        "yes": _("Yes"),
        "no": _("No"),
        "stand_down_title": _("Stand down"),
        "stand_down_note": _("Note to the regions (optional)"),
        "stand_down": _("Stand down"),
        "stand_down_again": _("Tap again: stand down in every region"),
        "attempts": plural("{n} attempt", "{n} attempts"),
        "cases": plural("{n} case", "{n} cases"),
        # The METHANE report's fields (t(`tib.methane.${name}`)), in the template's order.
        # Their words from the template's one home (incidents.methane).
        "methane": field_words(),
    }
