"""Strings of the screens' shared parts: status and kind names, the connection indicator, API
errors, elapsed times, the notices' close button and the offline banner."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crews.models import UnitKind, UnitStatus
from dispatch.models import AssignmentStatus, Priority


def labels(choices) -> dict:
    """A model's choices as {code: label}: the screen shows the label, never the code."""
    return {value: str(label) for value, label in choices}


def plural(singular: str, plural_: str) -> dict:
    """A count string ({n}) in the language's forms, {"one": ..., "other": ...}: t() on the
    screen picks the form for the count (Intl.PluralRules), so no screen shows "1 ändringar"."""
    return {"one": ngettext(singular, plural_, 1), "other": ngettext(singular, plural_, 2)}


def status() -> dict:
    """Unit and assignment statuses (t(`status.${code}`))."""
    return {**labels(UnitStatus.choices), **labels(AssignmentStatus.choices)}


def kind() -> dict:
    return labels(UnitKind.choices)


def priority() -> dict:
    return labels(Priority.choices)


def priority_short() -> dict:
    """Priorities as short words for tight places (a case's badge, its tag on the map): the
    codes 1A–3 as they are, "referral" as a word, never the code."""
    return {p: (str(_("Referral")) if p == Priority.REFERRAL else str(label))
            for p, label in Priority.choices}


def conn() -> dict:
    """The connection indicator."""
    return {
        "open": _("Live"),
        "connecting": _("Connecting…"),
        "closed": _("Connection lost, retrying…"),
    }


def error() -> dict:
    """What an API call says when it fails without the server's own words."""
    return {
        "network": _("No contact with the server. Check the network."),
        "http": _("The server answered with error {status}."),
    }


def time() -> dict:
    """Elapsed times."""
    return {
        "seconds": _("{n} s"),
        "minutes": _("{n} min"),
        "hours": _("{h} h {m} min"),
        "since": _("since {time} ({elapsed})"),
    }


def notices() -> dict:
    """The older notices folded under the newest (common.js notify)."""
    return {
        "older": plural("{n} older notice", "{n} older notices"),
        "fewer": _("Show fewer notices"),
    }


def close() -> str:
    """The notices' close button."""
    return _("Close")


def offline() -> dict:
    """The banner shown while the screen shows what it last knew."""
    return {
        "title": _("No network"),
        "since": _("Showing what was known at {time}."),
        "never": _("Showing what this device last knew."),
    }
