"""The situation report's template (METHANE, *initial lägesbild*): its letters, the fields of
each and their words, one home for the API's messages, the printable page and the exports."""

from django.utils.translation import gettext_lazy as _

# The fields a report holds (SituationReport), in the template's order, with their words.
FIELD_LABELS = {
    "major_incident_declared": _("Major incident declared"),
    "exact_location": _("Exact location"),
    "incident_type": _("Type of incident"),
    "hazards": _("Hazards"),
    "access": _("Access"),
    "casualties_total": _("Casualties in total"),
    "casualties_red": _("Priority 1, red"),
    "casualties_yellow": _("Priority 2, yellow"),
    "casualties_green": _("Priority 3, green"),
    "casualties_dead": _("Dead"),
    "services_present": _("Emergency services present"),
    "services_required": _("Emergency services required"),
}
TEXT_FIELDS = ("exact_location", "incident_type", "hazards", "access", "services_present",
               "services_required")
COUNT_FIELDS = ("casualties_total", "casualties_red", "casualties_yellow", "casualties_green",
                "casualties_dead")
FIELDS = tuple(FIELD_LABELS)

# (letter, heading, fields): M E T H A N E.
LETTERS = (
    ("M", _("Major incident"), ("major_incident_declared",)),
    ("E", _("Exact location"), ("exact_location",)),
    ("T", _("Type of incident"), ("incident_type",)),
    ("H", _("Hazards"), ("hazards",)),
    ("A", _("Access"), ("access",)),
    ("N", _("Number of casualties"), COUNT_FIELDS),
    ("E", _("Emergency services"), ("services_present", "services_required")),
)


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


def field_words() -> dict[str, str]:
    """Each field's words for a screen's form and card, by the field's name: the first field
    of a letter carries the letter ("M – Major incident declared"), and "casualties" is the
    N's heading. The screens take these (frontend/strings), no copy of their own."""
    words = {}
    for letter, heading, names in LETTERS:
        if names == COUNT_FIELDS:
            words["casualties"] = f"{letter} – {heading}"
        for index, name in enumerate(names):
            first = index == 0 and names != COUNT_FIELDS
            words[name] = f"{letter} – {field_label(name)}" if first else field_label(name)
    return words
