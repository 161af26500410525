"""Crew safety on the screens: the console's risk notices (*skyddsinformation*: the new-case
form's matches, the case's matches with "Applies"/"Does not apply", the notice form, the review
queue; t('console.safety....'), console-notices.js and console-notice-form.js) and the crew's
(the applied notices on the card, the acknowledgement, the report of a threat or violence;
t('crew.safety....'), crew-notices.js). The codes come with the page's "safety" table
(frontend.tables), their words from here: no screen shows a code."""

from django.utils.translation import gettext as _

from safety.models import NoticeAction, NoticeCategory

from .common import labels, plural


def console_safety() -> dict:
    return {
        "title": _("Risk notices"),
        "category": labels(NoticeCategory.choices),
        "action": labels(NoticeAction.choices),
        "form_found": _("Risk notices for this place or person:"),
        "reason": {
            "address": _("Same address"),
            "person": _("Same person"),
        },
        "within": _("Within {m} m"),
        "recommended": _("Recommended: {action}"),
        "applies": _("Applies"),
        "not_applies": _("Does not apply"),
        "decided": _("{decision} ({name} {time})"),
        "applied_title": _("Risk notice applies to this case"),
        "pending_title": plural("{n} risk notice matches: does it apply?",
                                "{n} risk notices match: do they apply?"),
        "badge": plural("{n} risk notice", "{n} risk notices"),
        "acknowledged": _("Acknowledged by {unit} {time}"),
        "acknowledged_unit": _("{unit} acknowledged the risk notice on {ref}."),
        "not_acknowledged": _("Not acknowledged by the crew yet"),
        "found": plural("{ref}: {n} risk notice matches.", "{ref}: {n} risk notices match."),
        "person": _("Person: {pin}"),
        "background": _("Background (dispatchers only)"),
        "source": _("Source: {source}"),
        "entered": _("Entered by {name} {time}"),
        "valid_until": _("Valid until {date}"),
        "expired": _("Expired"),
        "new": _("New risk notice"),
        "new_for_case": _("New risk notice for this case"),
        "open": _("Risk notices"),
        "open_n": _("Risk notices ({n} to review)"),
        "queue": _("Proposed notices to review"),
        "queue_none": _("No proposed notices."),
        "approve": _("Approve"),
        "reject": _("Reject"),
        "reject_note": _("Reason (optional)"),
        "approved": _("The risk notice is active."),
        "rejected": _("The risk notice was rejected."),
        "proposed": _("New proposed risk notice: {category}, {address}."),
        "saved": _("Risk notice saved."),
        # The notice form (console-notice-form.js).
        "form": {
            "title": _("New risk notice"),
            "address": _("Address"),
            "latitude": _("Latitude"),
            "longitude": _("Longitude"),
            "position_hint": _("The case's position, or the last place clicked on the map."),
            "radius": _("Radius (m)"),
            "radius_hint": _("0: the address only. At most {max} m."),
            "pin": _("Personal identity number (optional)"),
            "category": _("What is the risk?"),
            "action": _("Recommended action"),
            "choose": _("Choose…"),
            "valid_until": _("Valid until"),
            "review_at": _("Review on"),
            "background": _("Background: what is known and from whom (dispatchers only)"),
            "shareable": _("Partners of the region may read it (police, SOS Alarm)"),
            "save": _("Save risk notice"),
            "cancel": _("Cancel"),
            "no_position": _("Set a position: pick a case or click the map first."),
            "required": _("Choose one."),
        },
    }


def crew_safety() -> dict:
    return {
        "title": _("Risk notice"),
        "category": labels(NoticeCategory.choices),
        "recommended": _("Recommended: {action}"),
        "acknowledge": _("Acknowledge"),
        "acknowledged": _("Acknowledged {time}"),
        "acknowledging": _("Acknowledged: waiting to send"),
        "new": _("Risk notice on your assignment: {category}. {action}."),
        "report": _("Report threat/violence"),
        "report_last": _("Report threat/violence on {ref}"),
        "report_title": _("Report threat or violence"),
        "report_what": _("What happened?"),
        "violence": _("Violence happened"),
        "description": _("More about what happened (optional)"),
        "send": _("Send report"),
        "cancel": _("Cancel"),
        "choose": _("Choose what happened first."),
        "sent": _("Report sent. The dispatch centre reviews it."),
        "queued": _("Report saved: it is sent when the network is back."),
        "outbox_report": _("Report of threat/violence"),
        "outbox_ack": _("Acknowledgement of a risk notice"),
        "withdrawn": _("{category}: the risk notice no longer applies."),
    }
