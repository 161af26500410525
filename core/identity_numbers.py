"""Personal identity numbers (*personnummer*) as a dispatcher types them: the one pattern the
forms accept, and the key that says two typings are one person.

A case stores the number as typed (YYYYMMDD-NNNN, YYMMDD-NNNN, with or without the dash, a
plus for a person over a hundred). 19400101-0001, 194001010001, 400101-0001 and 4001010001
are one person: the birth date's last six digits and the four after (`pin_key`).
"""

import re

# What a case and a care plan accept (dispatch.serializers, careplans.serializers).
PIN_PATTERN = r"^(\d{8}|\d{6})[-+]?\d{4}$"
PIN = re.compile(PIN_PATTERN)


def pin_is_valid(text: str | None) -> bool:
    return bool(PIN.match((text or "").strip()))


def pin_key(text: str | None) -> str:
    """The ten digits that name the person however the number was typed ("" for none)."""
    digits = re.sub(r"\D", "", text or "")
    return digits[-10:] if len(digits) in (10, 12) else digits


def pin_checksum_ok(text: str | None) -> bool:
    """Whether the number's last digit is the Luhn check digit of its ten digits (the
    birth date's six, the three after): a typing error in one digit is caught. A number
    whose digits are not ten or twelve is not a valid number."""
    digits = pin_key(text)
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(digits[:9]):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10 == int(digits[9])
