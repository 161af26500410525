"""Phone numbers: the one E.164 pattern, and numbers as a person types them made E.164.

Every number the product stores or texts is E.164 (`+46701234567`). A dispatcher types a
caller's or a patient's number as it was said: national form (`070-123 45 67`), the
international prefix (`0046 70…`), the trunk zero kept after the country code
(`+46 (0)70…`). `phonenumbers` (Google's libphonenumber) reads those for the region.
"""

import re

import phonenumbers
from django.conf import settings

# What the SMS providers take and what the user model stores: + and 7 to 15 digits.
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
E164 = re.compile(E164_PATTERN)
# What a typed number may contain: digits, a plus, spaces and the usual separators. Anything
# else (letters, which libphonenumber would read as a keypad's digits, an extension) is not a
# number we can text.
TYPED = re.compile(r"^[0-9+\s\-().]*$")


class PhoneNumberInvalid(ValueError):
    """Not a number we can text. Callers turn it into their own message (a caller's mobile,
    a callback number, a responder's own number)."""


def phone_is_e164(number: str | None) -> bool:
    return bool(E164.match(number or ""))


def phone_normalise(text, *, region: str | None = None) -> str:
    """070-123 45 67 → +46701234567 (0046…, +46 (0)70… too; any country's number with +).
    A number without the + must be in the region's national form (with its trunk prefix
    where the region has one, so `46701234567` is refused as it always was). The region is
    the centre's (settings.PHONE_REGION: SE for a larmcentral, NO for an AMK) unless given.

    Raises PhoneNumberInvalid when it is not a number we can text."""
    region = (region or settings.PHONE_REGION).upper()
    typed = str(text or "").strip()
    if not typed or not TYPED.match(typed):
        raise PhoneNumberInvalid(typed)
    digits = re.sub(r"[^0-9+]", "", typed)
    trunk = phonenumbers.PhoneMetadata.metadata_for_region(region).national_prefix
    if not digits.startswith("+") and trunk and not digits.startswith(trunk):
        raise PhoneNumberInvalid(typed)
    try:
        parsed = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        raise PhoneNumberInvalid(typed) from None
    number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_possible_number(parsed) or not E164.match(number):
        raise PhoneNumberInvalid(typed)
    # libphonenumber keeps the trunk 0 of a national number too short to be one (0701 23 →
    # +46070123): no number of the region starts so after its country code.
    home = phonenumbers.country_code_for_region(region)
    if trunk and parsed.country_code == home and parsed.italian_leading_zero:
        raise PhoneNumberInvalid(typed)
    return number


def phone_region_check(region: str) -> str | None:
    """Why `region` cannot be the centre's (None when it can): settings.PHONE_REGION must be a
    region libphonenumber knows, or every number typed would be refused."""
    if phonenumbers.PhoneMetadata.metadata_for_region(str(region).upper()) is None:
        return (f"PHONE_REGION={region!r} is not a region phonenumbers knows: use an ISO 3166 "
                "country code such as SE or NO.")
    return None


PHONE_MASK = "•"


def phone_mask(number: str) -> str:
    """A number as the screens and the admin show it where the whole number is not needed:
    the country code and the last two digits (`+46•••••••67`), enough to tell two apart."""
    number = number or ""
    if PHONE_MASK in number:
        return number
    return number[:3] + PHONE_MASK * max(0, len(number) - 5) + number[-2:]
