"""Opening hours in words (core.hours.describe): what a screen or a message shows instead of
the register's "Mo-Fr 08:00-20:00"."""

import pytest
from django.utils import translation

from core.hours import describe


@pytest.mark.parametrize(("language", "spec", "words"), [
    ("sv", "Mo-Fr 08:00-20:00", "mån–fre 08–20"),
    ("nb", "Mo-Fr 08:00-20:00", "man–fre 08–20"),
    ("en", "Mo-Fr 08:00-20:00", "Mon–Fri 08–20"),
    ("sv", "Mo-Fr 07:30-18:00; Sa,Su 10:00-14:00", "mån–fre 07.30–18; lör, sön 10–14"),
    ("sv", "24/7", "dygnet runt"),
    ("nb", "dygnet runt", "døgnet rundt"),
    ("sv", "08:00-16:00", "08–16"),
    ("sv", "Mo-Su 22:00-06:00", "mån–sön 22–06"),
])
def test_opening_hours_are_shown_in_words_of_the_language(language, spec, words):
    with translation.override(language):
        assert describe(spec) == words


def test_what_cannot_be_read_is_shown_as_written():
    assert describe("Mo-Xx 08:00-20:00") == "Mo-Xx 08:00-20:00"
