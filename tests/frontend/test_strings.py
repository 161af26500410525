"""The words the screens show: count strings in their plural forms in sv, en and nb, and the
crew's step buttons named by the status each one sets."""

import pytest
from django.utils import translation

from dispatch.models import AssignmentStatus
from frontend.strings import GROUPS

LANGUAGES = ("sv", "en", "nb")


def lookup(key: str):
    *group, leaf = key.split(".")
    for n in range(len(group), 0, -1):
        if ".".join(group[:n]) in GROUPS:
            node = GROUPS[".".join(group[:n])]()
            for part in group[n:]:
                node = node[part]
            return node[leaf]
    raise KeyError(key)


# The screens' counts followed by a noun that changes with the count ("1 ändring",
# "2 ändringar"); a count with a unit (s, min, m, km), in brackets or after its noun
# ("Bild {n}") needs no plural.
COUNTED_NOUNS = ("crew.sending_n", "console.warnings", "console.ivpa.connected",
                 "console.map.suggestions", "responder.alerts_week")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_count_followed_by_a_noun_comes_in_its_plural_forms(language):
    with translation.override(language):
        for key in COUNTED_NOUNS:
            forms = lookup(key)
            assert set(forms) == {"one", "other"}, key
            assert "{n}" in forms["one"] and "{n}" in forms["other"], key
        week = lookup("responder.alerts_week")
        assert language == "sv" or week["one"] != week["other"]  # Swedish "larm" is both


@pytest.mark.parametrize(("language", "one", "other"), [
    ("sv", "Skickar {n} ändring…", "Skickar {n} ändringar…"),
    ("en", "Sending {n} change…", "Sending {n} changes…"),
    ("nb", "Sender {n} endring…", "Sender {n} endringer…"),
])
def test_sending_one_change_is_singular(language, one, other):
    with translation.override(language):
        assert GROUPS["crew"]()["sending_n"] == {"one": one, "other": other}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_crew_step_button_names_the_status_it_sets(language):
    # Not "Lastad" on the button and "Transporterar" on the card: the same words.
    with translation.override(language):
        steps = GROUPS["crew"]()["step"]
        for status, label in steps.items():
            assert label == str(AssignmentStatus(status).label), (language, status, label)
