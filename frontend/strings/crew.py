"""The crew tablet (t('crew....'))."""

from django.utils.translation import gettext as _

from .common import plural


def crew() -> dict:
    """The assignment card, the status steps and the outbox."""
    return {
        "acknowledge": _("Acknowledge"),
        # Each step's button names the status it sets (the status's own label).
        "step": {
            "en_route": _("En route"),
            "at_staging": _("At staging point"),
            "on_scene": _("On scene"),
            "transporting": _("Transporting"),
            "at_hospital": _("At hospital"),
            "available": _("Available"),
        },
        "available_no_transport": _("Available without transport"),
        "sending": _("Sending…"),
        "sending_n": plural("Sending {n} change…", "Sending {n} changes…"),
        "queued": _("Waiting to send ({n}): sent when the network is back."),
        "waiting": _("Waiting to send"),
        "refused": _("Refused: {detail}"),
        "depends": _("Not sent: an earlier change to this assignment was refused."),
        "seen": _("OK"),
        "position": _("Position"),
        "positions": _("Positions ({n})"),
        "cancelled": _("Assignment {ref} was cancelled by the dispatch centre."),
        "redirected": _("You were redirected from {ref} to a new assignment."),
        "joined": _("{name} joined the unit."),
        "left": _("{name} left the unit."),
        "you_left": _("You are no longer on a unit."),
        "leave_confirm": _("Tap again to leave"),
        "image_open": _("Show image {n} in full size"),
        "image_alt": _("Image {n} from the caller"),
        "image_note": _("Dispatch centre's note: {note}"),
        "image_new": _("New image from the dispatch centre."),
        # The assignment's map and "Navigera" (crew-map.js).
        "map": {
            "scene": _("Scene"),
            "own": _("Our unit"),
            "destination": _("Destination"),
            "navigate_scene": _("Navigate to the scene"),
            "navigate_destination": _("Navigate to the destination"),
            "destination_unplaced": _(
                "Destination: {name} (no position: navigate in the map app)."),
            "no_destination": _("No destination with a position yet: navigate in the map app."),
        },
        # The destination on the card (crew-destination.js).
        "destination": {
            "choose": _("Choose a hospital…"),
            "emergency": _("Emergency departments"),
            "other": _("Other hospitals (no emergency department)"),
            "minutes": _("{n} min"),
            "estimated": _("(estimated)"),
            "loading": _("Loading the hospitals…"),
            "unavailable": _(
                "The hospitals cannot be loaded now (no network?): choose the destination "
                "later."),
            "change": _("Destination: {name}"),
            "changed_centre": _("New destination: {name}, chosen by the dispatch centre."),
            "changed_by": _("New destination: {name}, chosen by {by}."),
        },
    }
