"""The staging point (*brytpunkt*) on the screens: the crew tablet's banner and its release
notice (t('crew.staging....'), crew-staging.js) and the console's order and release on an
assignment (t('console.staging....'), console-staging.js)."""

from django.utils.translation import gettext as _


def crew_staging() -> dict:
    """What the crew sees while told to wait for the police, and when let in."""
    return {
        "wait": _("Wait for the police at the staging point"),
        "reason": _("Reason: {reason}"),
        "waiting": _("Waiting for the dispatch centre to let you in."),
        "ordered": _("Staging point ordered: wait for the police before going in."),
        "released": _("Police on scene – go in"),
        "released_by": _("Released by {name} at {time}"),
        "map": _("Staging point"),
        "navigate": _("Navigate to the staging point"),
    }


def console_staging() -> dict:
    """The dispatcher's staging point on an assignment: place it on the case map, say why,
    order it; the unit waits; release it."""
    return {
        "order": _("Staging point"),
        "title": _("Staging point for {unit}"),
        "hint": _("Click the case map to place the staging point (proposed about 300 m from "
                  "the address, towards the unit)."),
        "reason": _("Reason"),
        "reason_default": _("Wait for the police"),
        "send": _("Order staging point"),
        "cancel": _("Cancel"),
        "ordered": _("Staging point ordered for {unit}."),
        "waiting": _("Waiting at the staging point"),
        "pending": _("Staging point: {reason}"),
        "release": _("Let in"),
        "released": _("{unit} was let in from the staging point."),
        "released_at": _("Let in at {time}"),
        "map": _("Staging point {unit}"),
        # The case history (console-history.js).
        "history": _("{unit}: staging point ordered"),
        "history_released": _("{unit}: let in from the staging point"),
    }
