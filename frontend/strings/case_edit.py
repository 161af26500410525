"""Editing a case and its history on the console (t('console.edit....'),
t('console.history....')), and what the crew tablet says when the centre changed its case
(t('crew.changes....'))."""

from django.utils.translation import gettext as _


def fields() -> dict:
    """A case's fields by name, as the edit form and the history name them."""
    return {
        "priority": _("Chosen priority"),
        "mbs_priority": _("MBS priority"),
        "priority_change_reason": _("Reason for changed priority"),
        "address": _("Address"),
        "municipality": _("Municipality"),
        "municipality_code": _("Municipality code"),
        "region": _("Region"),
        "position": _("Position"),
        "complaint": _("Complaint"),
        "case_type": _("Case type"),
        "scene_flags": _("At the scene"),
        "required_capabilities": _("The unit must have"),
        "safety_warning": _("Safety warning"),
        "door_code": _("Door code"),
        "notes": _("Notes"),
        "caller_number": _("Caller's number"),
        "patient_name": _("Patient name"),
        "personal_identity_number": _("Personal identity number"),
        "referred_to": _("Referred to"),
        "is_prioritised_line": _("Prioritised line"),
        "mass_triage": _("Mass-casualty triage"),
    }


def console_edit() -> dict:
    """The edit form of a case (console-case-edit.js)."""
    return {
        "edit": _("Edit"),
        "history": _("History"),
        "title": _("Edit case {ref}"),
        "save": _("Save changes"),
        "cancel": _("Cancel"),
        "saved": _("Case {ref} changed."),
        "nothing": _("Nothing was changed."),
        "conflict": _("Someone else changed the case while you were editing it. Their values "
                      "are loaded and yours are kept on top, marked: check them and save "
                      "again."),
        "mine": _("Your value — was {value} when someone else changed it"),
        "empty": _("(empty)"),
        "changed_elsewhere": _("Someone else has just changed this case: saving will show "
                               "you their change first."),
        "reason_hint": _("Required when the chosen priority differs from the MBS priority or "
                         "changes."),
        "latitude": _("Latitude"),
        "longitude": _("Longitude"),
        "field": fields(),
    }


def console_history() -> dict:
    """The case's history (console-history.js)."""
    return {
        "title": _("History of {ref}"),
        "loading": _("Loading…"),
        "empty": _("(empty)"),
        "registered": _("Registered at priority {priority} (MBS {mbs})"),
        "reason": _("Reason: {reason}"),
        "by": _("by {name}"),
        "dispatched": _("{unit} alerted"),
        "override": _("Sent although not dispatchable: {reason}"),
        "destination": _("{unit}: destination {name}"),
        "message_crew": _("{unit} to the dispatch centre: {text}"),
        "message_centre": _("Dispatch centre to {unit}: {text}"),
        "acknowledged": _("acknowledged {time}"),
        "closed": _("Case closed"),
        "field": fields(),
    }


def crew_changes() -> dict:
    """The notice on the tablet when the centre changed the crew's case (crew-changes.js)."""
    return {
        "title": _("The dispatch centre changed the case"),
        "priority": _("Priority changed to {priority}: {reason}"),
        "priority_plain": _("Priority changed to {priority}"),
        "door_code": _("New door code: {code}"),
        "door_code_removed": _("Door code removed"),
        "warning": _("Warning: {text}"),
        "warning_removed": _("Safety warning removed"),
        "address": _("New address: {address}"),
        "position": _("New position on the map"),
        "case_type": _("Case type: {type}"),
        "scene_flags": _("At the scene: {flags}"),
        "scene_flags_none": _("No special circumstances at the scene"),
        "notes": _("New notes: {text}"),
        "complaint": _("Complaint: {text}"),
        "caller": _("New number to call the caller back"),
        "patient": _("Patient details changed"),
    }
