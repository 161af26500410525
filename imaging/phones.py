"""Callers' numbers as a dispatcher types them: Swedish numbers in national form become E.164,
anything else must already be E.164."""

import re

from django.utils.translation import gettext as _

from core.errors import Invalid

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
SEPARATORS = re.compile(r"[\s\-().]")


def phone_normalise(raw: str) -> str:
    """070-123 45 67 → +46701234567; 0046 70… and +46 (0)70… too. Refused with a message
    when it is not a number we can text."""
    number = SEPARATORS.sub("", (raw or "").strip().replace("(0)", ""))
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.startswith("0"):
        number = "+46" + number[1:]
    if number.startswith("+460"):
        number = "+46" + number[4:]
    if not E164.match(number):
        raise Invalid(_("Give the caller's mobile number, e.g. 070-123 45 67 or +46701234567."))
    return number
