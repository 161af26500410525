"""Figures in words for a printed page, in the active language's number format (Swedish:
comma decimals): durations as "1 min 12 s", shares as "12,5 %".
A figure that is missing is said to be missing, never shown as 0."""

from django.utils import formats
from django.utils.translation import gettext as _

SECONDS = "seconds"
SHARE = "share"


def number_text(value: float, decimals: int = 1) -> str:
    """`value` with at most `decimals` decimals (no trailing zeros), localised."""
    rounded = round(float(value), decimals)
    if rounded == int(rounded):
        return formats.number_format(int(rounded), use_l10n=True)
    places = len(f"{rounded:.{decimals}f}".rstrip("0").split(".")[1])
    return formats.number_format(rounded, decimal_pos=places, use_l10n=True)


def seconds_text(value: float) -> str:
    """A duration: "8,5 s" under a minute, "1 min 12 s" from a minute on."""
    if value < 60:
        return _("%(s)s s") % {"s": number_text(value)}
    whole = round(value)
    minutes, seconds = divmod(whole, 60)
    if not seconds:
        return _("%(m)s min") % {"m": minutes}
    return _("%(m)s min %(s)s s") % {"m": minutes, "s": seconds}


def share_text(value: float) -> str:
    return _("%(percent)s %%") % {"percent": number_text(value * 100)}


def figure_text(value: float | None, unit: str) -> str:
    """A measure's figure in words; "No data" when there is none."""
    if value is None:
        return _("No data")
    return seconds_text(value) if unit == SECONDS else share_text(value)

