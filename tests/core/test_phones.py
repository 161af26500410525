"""Phone numbers as a dispatcher types them (core.phones): one normaliser for the caller's
mobile (imaging) and the patient's callback number (referrals), one E.164 pattern for the
numbers stored and texted."""

import pytest

from core.phones import E164_PATTERN, PhoneNumberInvalid, phone_is_e164, phone_normalise


@pytest.mark.parametrize(("typed", "e164"), [
    ("070-123 45 67", "+46701234567"),
    ("0701234567", "+46701234567"),
    ("+46 70 123 45 67", "+46701234567"),
    ("+46 (0)70-123 45 67", "+46701234567"),
    ("0046701234567", "+46701234567"),
    ("0046 (0)70 123 45 67", "+46701234567"),
    ("  +46.70.123.45.67 ", "+46701234567"),
    ("08-123 456 78", "+46812345678"),
    ("+47 912 34 567", "+4791234567"),
    ("00 47 912 34 567", "+4791234567"),
])
def test_numbers_as_typed_become_e164(typed, e164):
    assert phone_normalise(typed) == e164


@pytest.mark.parametrize("typed", [
    "", "   ", None, "hej", "12345", "070-ABC", "+0701234567", "46701234567x",
    "+467012345678901234",
    # Without the + a number is in national form, which in Sweden starts with the 0.
    "46701234567", "701234567",
    # A length no Swedish number has (the old pattern let 7 digits through).
    "+4612345",
])
def test_what_is_not_a_number_we_can_text_is_refused(typed):
    with pytest.raises(PhoneNumberInvalid):
        phone_normalise(typed)


def test_another_region_reads_its_own_national_form():
    # Norway has no trunk prefix: a national number starts with its first digit.
    assert phone_normalise("912 34 567", region="NO") == "+4791234567"


def test_a_norwegian_centre_reads_numbers_as_norwegian(settings):
    settings.PHONE_REGION = "NO"
    assert phone_normalise("912 34 567") == "+4791234567"
    assert phone_normalise("+46 70 123 45 67") == "+46701234567"
    with pytest.raises(PhoneNumberInvalid):
        phone_normalise("070-123 45 67")


def test_the_one_e164_pattern():
    assert phone_is_e164("+46701234567") and phone_is_e164("+4791234567")
    for number in ("", None, "0701234567", "+46 70 123 45 67", "+0701234567",
                   "+4670123456789012"):
        assert not phone_is_e164(number)
    assert E164_PATTERN == r"^\+[1-9][0-9]{6,14}$"  # the user model's migration has it too


def test_a_national_number_too_short_to_lose_its_trunk_zero_is_refused():
    with pytest.raises(PhoneNumberInvalid):
        phone_normalise("0701 23")


def test_an_unknown_centre_region_fails_the_system_check(settings):
    from core.apps import phone_region_checked

    assert phone_region_checked() == []
    settings.PHONE_REGION = "UK"  # the United Kingdom is GB
    [error] = phone_region_checked()
    assert error.id == "core.E001" and "'UK'" in error.msg
