"""Major incidents on the screens (*särskild händelse*, seed 001): the console's raise form, its
incident panel (banner, regions with their alarm and pledges, the METHANE report, the triage
mode, the log; t('console.incident....'), console-incident*.js) and the crew card's banner while
mass-casualty triage holds (t('crew.incident....'), crew-incident.js). The codes come with the
page's "incident" table (frontend.tables), their words from here: no screen shows a code."""

from django.utils.translation import gettext as _

from dispatch.models import MassTriage
from incidents.methane import field_words
from incidents.models import PledgeKind

from .common import labels, plural


def methane() -> dict:
    """The METHANE report's fields, each letter in words (the raise form and the panel)."""
    return {
        "title": _("Situation report (METHANE)"),
        # The fields' words from the template's one home (incidents.methane).
        **field_words(),
        "optional": _("The first report is optional: fill in what is known now."),
        "version": _("Version {n}, {name} {time}"),
        "none": _("No situation report yet."),
        "new": _("New version of the report"),
        "save": _("Save new version"),
        "saved": _("Situation report version {n} saved."),
        "yes": _("Yes"),
        "no": _("No"),
    }


def console_incident() -> dict:
    return {
        "button": _("Major incident"),
        "open": _("Show the major incident"),
        "raise_title": _("Raise a possible major incident"),
        "title": _("Title"),
        "cases": _("Cases"),
        "no_cases": _("No open cases: the incident starts without a case."),
        "location": _("Location"),
        "region": _("Region"),
        "exercise": _("Exercise"),
        "exercise_hint": _("An exercise: every message says so."),
        "raise": _("Raise major incident"),
        "cancel": _("Cancel"),
        "raised": _("Possible major incident raised: waiting for TiB."),
        "banner_confirmed": _("MAJOR INCIDENT – confirmed by TiB"),
        "banner_raised": _("Possible major incident – waiting for TiB"),
        "banner_rejected": _("Not a major incident – rejected by TiB"),
        "banner_stood_down": _("Major incident stood down"),
        "exercise_prefix": _("EXERCISE"),
        "details_show": _("Show details"),
        "details_hide": _("Hide details"),
        "raised_at": _("Raised {time} by {name}"),
        "confirmed_at": _("Confirmed {time} by {name}"),
        "rejected_at": _("Rejected {time} by {name}: {reason}"),
        "stood_down_at": _("Stood down {time} by {name}"),
        "state": _("State"),
        "regions_title": _("Regions"),
        "col_region": _("Region"),
        "col_alarm": _("Alarm sent"),
        "col_cap": _("CAP delivered"),
        "col_ack": _("Acknowledged"),
        "col_blood": _("Blood centre"),
        "col_pledges": _("Pledged"),
        "own": _("(own region)"),
        "not_sent": _("Not sent"),
        "no_endpoint": _("No CAP endpoint"),
        "cap_retrying": plural("not delivered – retrying ({n} attempt)",
                               "not delivered – retrying ({n} attempts)"),
        "cap_error": _("Error: {error}"),
        "not_acknowledged": _("Not acknowledged"),
        "acknowledged_by": _("{time} by {name} ({via})"),
        "pledge_count": _("{n} of {min}"),
        "rule_met": _("Met"),
        "rule_under": _("Under {min}"),
        "pledges": _("Pledges"),
        "pledge_line": _("{count} × {kind}"),
        "pledge_units": _("Units: {units}"),
        "pledge_available": _("available {time}"),
        "pledge_report_to": _("report to {place}"),
        "pledge_via": _("{via}, {name} {time}"),
        "pledge_withdrawn": _("withdrawn"),
        "no_pledges": _("No pledges yet."),
        "phone_ack": _("Acknowledged by phone…"),
        "phone_pledge": _("Pledge by phone…"),
        "ack_title": _("{region}: acknowledgement heard by phone"),
        "ack_by": _("Who acknowledged"),
        "ack_blood": _("The blood centre acknowledged"),
        "ack_save": _("Record acknowledgement"),
        "ack_saved": _("{region}: acknowledgement recorded."),
        "pledge_title": _("{region}: pledge heard by phone"),
        "pledge_kind": _("Kind"),
        "pledge_count_label": _("Number"),
        "pledge_available_label": _("Available at (time)"),
        "pledge_report_to_label": _("Report to"),
        "pledge_note": _("Note"),
        "pledge_by": _("Who pledged"),
        "pledge_save": _("Record pledge"),
        "pledge_saved": _("{region}: pledge recorded."),
        "pledge_units_label": _("Units pledged by name"),
        "pledge_units_none": _("None of this region's units is on the console."),
        "pledge_units_hint": _("The units ticked are held for the incident: not dispatched "
                               "elsewhere until the pledge is withdrawn or the incident stood "
                               "down."),
        "held_mark": _("Pledged: {title}"),
        "triage_title": _("Mass-casualty triage applies"),
        "triage_off": _("Normal triage"),
        "triage_indicators": _("Indicators: {list}"),
        "triage_decided": _("Decided {time} by {name}"),
        "log_title": _("Log"),
        "log_empty": _("Nothing in the log yet."),
        "report_link": _("Printable report"),
        "mass_triage": _("Mass-casualty triage"),
        "mass_triage_none": _("Not triaged"),
        "mass_triage_hint": _("Mass-casualty triage applies: {title}"),
        "mass_triage_label": labels(MassTriage.choices),
        "pledge_kind_label": labels(PledgeKind.choices),
        "methane": methane(),
    }


def crew_incident() -> dict:
    return {
        "banner": _("Mass-casualty triage applies – {title}"),
        "exercise_prefix": _("EXERCISE"),
    }
