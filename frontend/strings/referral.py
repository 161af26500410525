"""A referral's strings (t('referral....')), shared by the console and the mobile care unit."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from referrals.models import Outcome, skill_label

from .common import labels


def referral() -> dict:
    """A referral as the console and the mobile care unit's screen show it."""
    return {
        "line": {"warm": _("Warm handover (red line)"), "cold": _("Cold handover (yellow line)")},
        "from": {
            "warm": _("The dispatcher stays on the line and conferences you in."),
            "cold": _("Passed on from the dispatch centre."),
        },
        "state": {
            "sent": pgettext("referral state", "Waiting for an answer"),
            "accepted": pgettext("referral state", "Accepted"),
            "declined": pgettext("referral state", "Declined"),
            "withdrawn": pgettext("referral state", "Withdrawn"),
            "visited": pgettext("referral state", "Visited"),
        },
        "responsible_centre": _("Responsible: the dispatch centre"),
        "responsible_unit": _("Responsible: {unit}"),
        "deadline": _("To be seen by {time}"),
        "news2": _("NEWS2 {score}"),
        "news2_incomplete": _("incomplete"),
        "news2_none": _("NEWS2: no vital signs"),
        "band": {"low": _("low"), "medium": _("medium"), "high": _("high")},
        "assessment": _("Assessment"),
        "vitals": _("Vital signs"),
        "callback": _("Callback number"),
        "address": _("Address"),
        "outcome_label": _("Outcome"),
        "outcome": labels(Outcome.choices),
        "new_case": _("new case {ref}"),
        "print": _("Print summary"),
        "vital": {
            "rr": _("RR"), "bp": _("BP"), "pulse": _("Pulse"), "temp": _("Temp"),
            "oxygen": _("on oxygen"), "scale2": _("scale 2"),
        },
        # The skills units may offer (settings.REFERRAL_SKILLS), in that order.
        "skill": {code: skill_label(code) for code in settings.REFERRAL_SKILLS},
    }
