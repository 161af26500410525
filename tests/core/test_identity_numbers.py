from core.identity_numbers import pin_checksum_ok


def test_a_number_with_its_luhn_check_digit_passes_however_it_is_typed():
    for typed in ("19121212-1212", "191212121212", "121212-1212", "1212121212"):
        assert pin_checksum_ok(typed), typed


def test_a_wrong_last_digit_fails():
    assert not pin_checksum_ok("19121212-1213")
    assert not pin_checksum_ok("19121212-1211")


def test_known_numbers_and_a_check_digit_of_zero():
    # Skatteverket's example 811228-9874; 19400101-0190 ends in 0 (the sum is a multiple of
    # ten), and the same number ending in 1 is wrong.
    assert pin_checksum_ok("811228-9874")
    assert pin_checksum_ok("19400101-0190")
    assert not pin_checksum_ok("19400101-0191")


def test_text_that_is_not_a_number_fails():
    for text in ("", None, "abc", "1912121212121212", "19121212-12x2"):
        assert not pin_checksum_ok(text), text
