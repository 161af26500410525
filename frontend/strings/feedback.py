"""The console's notice that the dispatcher's monthly feedback is ready (console-feedback.js)."""

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _


def console_feedback() -> dict:
    return {
        "ready": _("Your monthly report for {month} is ready."),
        "open": _("Open the report"),
        "month": {str(n): str(name) for n, name in MONTHS.items()},
    }
