"""The dispatch console's own strings (t('console....')): the case list, dispatching, and the
case's IVPA, images and referral panels."""

from django.utils.translation import gettext as _

from referrals.models import Consciousness

from .common import labels, plural


def console() -> dict:
    """The case list and the assignment rows."""
    return {
        "registered": _("Case {ref} registered."),
        "closed": _("Case {ref} closed."),
        "dispatch": _("Dispatch selected ({n})"),
        "dispatch_none": _("Select one or more available units in the unit list first."),
        "dispatched": _("{units} dispatched to {ref}."),
        "cancel": _("Cancel"),
        "cancel_confirm": _("Confirm cancel"),
        "cancelled": _("{unit} cancelled."),
        "redirect": _("Redirect…"),
        "redirect_go": _("Redirect"),
        "redirect_choose": _("Priority 1 case"),
        "redirect_none": _("No open priority 1 case with a higher priority."),
        "redirected": _("{unit} redirected to {ref}."),
        "destination": _("Destination…"),
        "destination_choose": _("Hospital"),
        "destination_pick": _("Choose a hospital…"),
        "destination_inactive": _("(no longer offered)"),
        "destination_set": _("Set destination"),
        "destination_loading": _("Loading the hospitals…"),
        "destination_minutes": _("{n} min"),
        "destination_estimated": _("(estimated)"),
        "destination_no_ed": _("(no emergency department)"),
        "destination_by": _("(chosen by {name} {time})"),
        "close_case": _("Close case"),
        "close_confirm": _("Confirm close"),
        "no_cases": _("No open cases."),
        "ack_overdue": _("Not acknowledged within {s} s, re-sent {n}×"),
        "status_overdue": _("Too long in status “{status}”"),
        "warnings": plural("{n} warning", "{n} warnings"),
        "mbs": _("MBS priority {mbs}, changed to {priority}: {reason}"),
        "caller": _("Caller"),
        "pin": _("Personal identity number"),
        "prioritised_line": _("Prioritised line"),
        "on_case": _("On {ref}"),
        "selected_units": _("Selected: {units}"),
    }


def ivpa() -> dict:
    """The case's first-responder panel (console-ivpa.js)."""
    return {
        "title": _("IVPA – first responders"),
        "connected": plural("IVPA: {n} connected municipality",
                            "IVPA: {n} connected municipalities"),
        "eligible": _("Responders may be alerted in {municipality}."),
        "not_eligible": _("No IVPA: {reason}"),
        "ambulance_eta": _("Ambulance"),
        "fire_eta": _("Fire and rescue"),
        "volunteers": _("Volunteers nearby"),
        "start": _("Alert IVPA"),
        "cancel": _("Cancel IVPA"),
        "cancel_confirm": _("Confirm cancel IVPA"),
        "started": _("IVPA alerted for {ref}."),
        "cancelled": _("IVPA cancelled for {ref}."),
        "running": _("Alerting: wave {waves}, radius {radius}"),
        "ended": _("Ended: {reason}"),
        "automatic": _("started automatically"),
        "excluded": _("Volunteers kept away: {flag}"),
        "exhausted": _("No more responders within the largest radius."),
        # The summary counts the rows of the panel's table by the same statuses.
        "accepted": _("Volunteers on the way or there: {accepted} of {needed}"),
        "units_engaged": _("Units on the way or there: {n}"),
        "waiting": _("No answer yet: {n}"),
        "none_alerted": _("No responder alerted yet."),
        "col_name": _("Responder"),
        "col_distance": _("Distance, ETA"),
        "col_status": _("Status"),
        "col_route": _("Route"),
        "col_arrived": _("Arrived"),
        "badge": _("IVPA: {accepted} on the way"),
    }


def images() -> dict:
    """The caller's images and the viewer (console-images.js, console-image-viewer.js)."""
    return {
        "title": _("Images from the caller"),
        "phone": _("Caller's mobile number"),
        "send": _("Send image link"),
        "sent": _("Image link sent to {phone}."),
        "link": _("Link to {phone}"),
        "count": _("{n} of {max} images"),
        "until": _("valid until {time}"),
        "revoke": _("Withdraw"),
        "revoke_confirm": _("Confirm withdraw"),
        "state": {
            "queued": _("Waiting to be sent"),
            "sent": _("Sent"),
            "delivered": _("Delivered"),
            "failed": _("SMS not delivered"),
            "opened": _("Opened"),
            "expired": _("Expired"),
            "revoked": _("Withdrawn"),
            "used": _("All images received"),
        },
        "none": _("No images yet."),
        "received": _("Processing…"),
        "rejected": _("Rejected: {reason}"),
        "deleted": _("Deleted after the retention time"),
        "assessed": _("Assessed"),
        "forwarded": _("Sent to the crew"),
        "image_n": _("Image {n}, received {time}"),
        "badge": _("Images: {n}"),
        "new": _("New image in case {ref}."),
        "viewer": _("Image {n}, case {ref}"),
        "zoom": _("{n} %"),
        "assessed_at": _("Assessed at {time}."),
        "forwarded_to": _("Sent to {unit} at {time}."),
        "forward_none": _("No unit on the case yet: dispatch a unit first."),
        "saved": _("Assessment saved."),
        "forwarded_ok": _("Image sent to {unit}."),
    }


def referrals() -> dict:
    """The referral form, the list and the statistics (console-referrals.js,
    console-referral-form.js, console-referral-stats.js)."""
    return {
        "title": _("Referral to a mobile care unit"),
        "list_title": _("Referrals"),
        "refer": _("Refer…"),
        "skills": _("Skills needed"),
        "units": _("Proposed units"),
        "no_units": _("No mobile care unit is registered."),
        "load": _("{open} of {capacity} open"),
        "pick_unit": _("Choose a unit that can take the referral."),
        "reason": _("Reason for the referral"),
        "assessment": _("Assessment"),
        "vitals": _("Vital signs (if known)"),
        "range": _("normal {normal} (accepted {min}–{max})"),
        "v": {
            "respiratory_rate": _("Respiratory rate /min"),
            "spo2": _("SpO₂ %"),
            "spo2_scale": _("SpO₂ scale"),
            "scale1": _("Scale 1"),
            "scale2": _("Scale 2 (target 88–92 %)"),
            "on_oxygen": _("Air or oxygen"),
            "air": _("Air"),
            "oxygen": _("Oxygen"),
            "systolic_bp": _("Systolic BP mmHg"),
            "pulse": _("Pulse /min"),
            "consciousness": _("Consciousness (ACVPU)"),
            "temperature": _("Temperature °C"),
        },
        # The levels' words are the model's (referrals.models.Consciousness), as on the card.
        "acvpu": labels(Consciousness.choices),
        "single3": _("a single parameter scores 3"),
        "callback": _("Callback number"),
        "deadline": _("To be seen by"),
        "line": _("Handover"),
        "send": _("Send referral"),
        "cancel": _("Cancel"),
        "sent": _("Referral of {ref} sent to {unit}."),
        "badge": _("Referred to {unit}: {state}"),
        "responsible": _("Responsible: {who}"),
        "centre": _("the dispatch centre"),
        "state_overdue": _("Not accepted in time"),
        "overdue": _("{unit} has not accepted the referral of {ref} in time: act now."),
        "overdue_hint": _(
            "Not accepted in time: withdraw it and refer to another unit, or send "
            "an ambulance."),
        "accepted": _("{unit} accepted the referral of {ref}."),
        "declined": _("{unit} declined the referral of {ref}."),
        "declined_reason": _("Declined: {reason}"),
        "visited": _("{unit} visited the patient of {ref}: {outcome}."),
        "visit": _("expected visit {time}"),
        "by": _("by {time}"),
        "outcome": _("Outcome: {outcome}"),
        "new_case": _("New case {ref}"),
        "withdraw": _("Withdraw"),
        "withdraw_confirm": _("Confirm withdraw"),
        "withdrawn": _("Referral to {unit} withdrawn."),
        "withdrawn_reason": _("Withdrawn: {reason}"),
        "deadline_passed": _(
            "The latest time to see the patient of {ref} has passed and the referral "
            "to {unit} is still open: act now."),
        "withdraw_reason": _("Reason (optional)"),
        "withdraw_reason_required": _("Reason (the unit is told)"),
        "stats": {
            "open": _("Statistics"),
            "title": _("Referrals: statistics"),
            "from": _("From"),
            "to": _("To"),
            "show": _("Show"),
            "none": _("No referrals in the period."),
            "outcomes": _("Outcomes of the visits"),
            "col": {
                "unit": _("Unit"),
                "referrals": _("Referrals"),
                "accepted": _("Accepted"),
                "declined": _("Declined"),
                "withdrawn": _("Withdrawn"),
                "overdue": _("Late answer"),
                "open": _("Open"),
                "acceptance_rate": _("Acceptance rate"),
                "to_accept": _("Median time to acceptance"),
                "to_visit": _("Median time to visit"),
            },
            "m5": _(
                "Measure 5: {share} of referred patients had a priority 1 dispatch within "
                "24 h ({n} of {of})."),
        },
    }


def map_() -> dict:
    """The new case's address search, the region rule and the console's map (console-address.js,
    console-map.js)."""
    return {
        "suggestions": plural("{n} address found; arrow keys to choose, Enter to pick.",
                              "{n} addresses found; arrow keys to choose, Enter to pick."),
        "suggestion_one": _("1 address found; Enter picks it."),
        "no_address": _("No address found — click the map or type the position."),
        "geocoder": _("from the geocoder"),
        "picked": _("Address picked: {label}."),
        "nearest": _("Nearest address: {label}"),
        "nearest_use": _("Use"),
        "nearest_keep": _("Keep the position only"),
        "nearest_none": _("No known address near this point; the position is set."),
        "region_follows": _("The region follows the municipality ({municipality})."),
        "region_by_hand": _("Region chosen by hand; {municipality} belongs to {region}."),
        "municipality_unknown": _("Unknown municipality: choose the region."),
        "region_hand": _("region chosen by hand"),
        "stale": _("The address was changed: pick a suggestion or click the map for its "
                   "position."),
        "stale_clicked": _("The street was changed: the position clicked on the map is kept; "
                           "check the municipality."),
        "kept": _("Still {street}: its position and municipality are kept."),
        "choose": _("Choose a suggestion with the arrow keys, or keep typing."),
        "aed": _("Defibrillator: {name}, {distance}"),
        "aed_target": _("Defibrillator: {name}, {distance}; fetched by {responders}"),
        "responder": _("{kind} {n} · on the way"),
        "responder_title": _("{label}: {name}, position to about 100 m"),
        "cluster": _("{n} on the map here; zoom in to see them"),
        "case": _("Case {ref}: {complaint}"),
    }


def panels() -> dict:
    """The selected case's panels that do not apply to it, a click away (console-panels.js)."""
    return {
        "more": _("More actions:"),
        "ivpa": _("IVPA"),
        "referral": _("Referral"),
    }


def recommend() -> dict:
    """The selected case's recommended units, the one-click dispatch, the override reason, and
    the unit list's crew and service marks (console-recommend.js, console-units.js)."""
    return {
        "title": _("Recommended units"),
        "loading": _("Ranking the units…"),
        "dispatch_best": _("Dispatch {unit}"),
        "fastest": _("fastest"),
        "minutes": _("{n} min"),
        "estimated": _("estimated"),
        "no_position": _("no position"),
        "fit": _("Units that fit, fastest first"),
        "unfit": _("Do not fit ({n})"),
        "none_fit": _("No unit fits: send one below with the reason."),
        "none_more": _("No further unit fits: to send another, choose one below and give the "
                       "reason."),
        "send": _("Dispatch"),
        "anyway": _("Dispatch anyway…"),
        "all": _("Show all ({n})"),
        "fewer": _("Show fewer"),
        "reason_for": _("Why send {units} anyway?"),
        "reason_example": _("E.g. the crew was alerted by phone"),
        "confirm": _("Dispatch with the reason"),
        "cancel": _("Cancel"),
        "overridden": _("sent anyway: {reason}"),
        "unmanned": _("Not manned"),
        "out_of_service": _("Out of service"),
        "take_out": _("Out of service…"),
        "take_out_why": _("Why is {unit} out of service?"),
        "put_in": _("In service"),
        "put_in_confirm": _("Confirm in service"),
    }
